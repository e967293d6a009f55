package io.dragoman.gateway.policy;

import io.dragoman.gateway.mapping.LocalRateLimit;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Token buckets for one route's {@link LocalRateLimit}, one per key, safe to call from many I/O threads.
 *
 * <p>A bucket is locked only by the requests of its own key, so different clients never wait on each other. Memory is
 * bounded: at most {@code maxKeys} buckets exist. When a new key needs room, one thread sweeps (other new keys wait
 * for it; known keys never do): first it drops buckets that have refilled completely (a full bucket decides exactly
 * like no bucket, so nothing is lost), then, if the table is still too full, the least recently refilled ones. A
 * sweep frees a quarter of the table, so its cost is shared by many new keys. Evicting a busy bucket only ever gives
 * its key a fresh, full bucket (as does a request that raced with the eviction of its bucket): under a flood of
 * distinct keys the limiter errs towards allowing, never towards refusing a client that stayed within its limit.
 */
public final class RateLimiter {
  private final LocalRateLimit limit;
  private final LongSupplier nanoClock;
  private final int maxKeys;
  private final double tokensPerNano;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  /** Buckets in the table plus slots reserved by threads about to insert one; never above {@code maxKeys}. */
  private final AtomicInteger slots = new AtomicInteger();
  private final ReentrantLock sweep = new ReentrantLock();

  /** The answer to one request: allowed, or refused with the whole seconds to wait before a token is back. */
  public record Decision(boolean allowed, long retryAfterSeconds) {
    public static final Decision ALLOWED = new Decision(true, 0);

    public Decision {
      if (retryAfterSeconds < 0) {
        throw new IllegalArgumentException("retryAfterSeconds: " + retryAfterSeconds + " (expected: >= 0)");
      }
    }
  }

  /**
   * @param nanoClock {@link System#nanoTime} in production; tests drive it by hand
   * @param maxKeys the most buckets kept at once
   */
  public RateLimiter(LocalRateLimit limit, LongSupplier nanoClock, int maxKeys) {
    if (maxKeys < 1) throw new IllegalArgumentException("rate_limit.max_keys: " + maxKeys + " (expected: >= 1)");
    this.limit = java.util.Objects.requireNonNull(limit, "limit");
    this.nanoClock = java.util.Objects.requireNonNull(nanoClock, "nanoClock");
    this.maxKeys = maxKeys;
    this.tokensPerNano = limit.requestsPerSecond() / 1e9;
  }

  public LocalRateLimit limit() {
    return limit;
  }

  /** Takes one token from {@code key}'s bucket (see {@link LocalRateLimit#keyOf}). */
  public Decision tryAcquire(String key) {
    long now = nanoClock.getAsLong();
    return bucket(key, now).take(now);
  }

  /**
   * Buckets currently kept; exact only while no call is in flight (a concurrent map's size may count an insert before
   * the removal that made room for it).
   */
  public int size() {
    return buckets.size();
  }

  /** Slots held: buckets kept plus those about to be inserted, never above {@code maxKeys}, at any instant. */
  int slotsHeld() {
    return slots.get();
  }

  private Bucket bucket(String key, long now) {
    Bucket b = buckets.get(key);
    if (b != null) return b;
    while (!reserveSlot()) evict(now);
    Bucket fresh = new Bucket(limit.burst(), now);
    Bucket raced = buckets.putIfAbsent(key, fresh);
    if (raced == null) return fresh;
    slots.decrementAndGet();
    return raced;
  }

  private boolean reserveSlot() {
    for (int n = slots.get(); n < maxKeys; n = slots.get()) {
      if (slots.compareAndSet(n, n + 1)) return true;
    }
    return false;
  }

  /**
   * Frees a quarter of the table (at least one slot). One thread sweeps; others that need room wait for it (parked,
   * not spinning, so a flood of new keys does not burn the I/O threads) and then find the room it made.
   */
  private void evict(long now) {
    sweep.lock();
    try {
      if (slots.get() < maxKeys) return;
      int target = maxKeys - Math.max(1, maxKeys / 4);
      buckets.forEach((k, b) -> {
        if (b.isFull(now) && buckets.remove(k, b)) slots.decrementAndGet();
      });
      int excess = slots.get() - target;
      if (excess > 0) evictOldest(excess);
    } finally {
      sweep.unlock();
    }
  }

  private void evictOldest(int count) {
    long[] seen = buckets.values().stream().mapToLong(Bucket::lastSeen).toArray();
    if (seen.length == 0) return;
    Arrays.sort(seen);
    long cutoff = seen[Math.min(count, seen.length) - 1];
    int[] removed = {0};
    buckets.forEach((k, b) -> {
      if (removed[0] < count && b.lastSeen() - cutoff <= 0 && buckets.remove(k, b)) {
        slots.decrementAndGet();
        removed[0]++;
      }
    });
  }

  /** One key's tokens; its monitor is held only for a few arithmetic steps. */
  private final class Bucket {
    private double tokens;
    private long last;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.last = now;
    }

    synchronized Decision take(long now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return Decision.ALLOWED;
      }
      double seconds = (1 - tokens) / limit.requestsPerSecond();
      return new Decision(false, Math.max(1, (long) Math.ceil(seconds - 1e-9)));
    }

    synchronized boolean isFull(long now) {
      return tokens + Math.max(0, now - last) * tokensPerNano >= limit.burst();
    }

    synchronized long lastSeen() {
      return last;
    }

    /** nanoTime differences, not values, are meaningful; a clock that steps back refills nothing. */
    private void refill(long now) {
      long elapsed = now - last;
      if (elapsed > 0) {
        tokens = Math.min(limit.burst(), tokens + elapsed * tokensPerNano);
        last = now;
      }
    }
  }
}
