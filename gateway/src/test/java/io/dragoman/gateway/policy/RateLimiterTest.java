package io.dragoman.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dragoman.gateway.mapping.LocalRateLimit;
import io.dragoman.gateway.mapping.LocalRateLimit.Key;
import io.dragoman.gateway.policy.RateLimiter.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * SECOND);

  private RateLimiter limiter(double rps, int burst, int maxKeys) {
    return new RateLimiter(new LocalRateLimit(rps, burst, Key.CLIENT_ADDRESS, ""), now::get, maxKeys);
  }

  private static int allowed(RateLimiter l, String key, int tries) {
    int n = 0;
    for (int i = 0; i < tries; i++) if (l.tryAcquire(key).allowed()) n++;
    return n;
  }

  @Test
  void aNewKeyMayBurst() {
    RateLimiter l = limiter(1, 5, 100);
    assertThat(allowed(l, "10.0.0.1", 5)).isEqualTo(5);
    assertThat(l.tryAcquire("10.0.0.1")).isEqualTo(new Decision(false, 1));
  }

  @Test
  void tokensRefillAtTheConfiguredRate() {
    RateLimiter l = limiter(10, 10, 100);
    assertThat(allowed(l, "c", 10)).isEqualTo(10);
    assertThat(l.tryAcquire("c").allowed()).isFalse();
    now.addAndGet(SECOND / 2);
    assertThat(allowed(l, "c", 10)).isEqualTo(5);
    now.addAndGet(SECOND / 10);
    assertThat(allowed(l, "c", 10)).isEqualTo(1);
  }

  @Test
  void refillNeverExceedsTheBurst() {
    RateLimiter l = limiter(100, 3, 100);
    assertThat(allowed(l, "c", 3)).isEqualTo(3);
    now.addAndGet(3600 * SECOND);
    assertThat(allowed(l, "c", 10)).isEqualTo(3);
  }

  @Test
  void retryAfterIsTheCeilingOfTheWaitForOneToken() {
    RateLimiter l = limiter(0.1, 1, 100); // one token per 10 s
    assertThat(l.tryAcquire("c").allowed()).isTrue();
    assertThat(l.tryAcquire("c")).isEqualTo(new Decision(false, 10));
    now.addAndGet(2500 * 1_000_000L);
    assertThat(l.tryAcquire("c")).isEqualTo(new Decision(false, 8)); // 7.5 s left
    now.addAndGet(7 * SECOND);
    assertThat(l.tryAcquire("c")).isEqualTo(new Decision(false, 1)); // 0.5 s left
    now.addAndGet(SECOND / 2);
    assertThat(l.tryAcquire("c")).isEqualTo(Decision.ALLOWED);
  }

  @Test
  void retryAfterIsAtLeastOneSecondAtHighRates() {
    RateLimiter l = limiter(1000, 1, 100);
    l.tryAcquire("c");
    assertThat(l.tryAcquire("c")).isEqualTo(new Decision(false, 1));
  }

  @Test
  void keysHaveSeparateBuckets() {
    RateLimiter l = limiter(1, 2, 100);
    assertThat(allowed(l, "a", 5)).isEqualTo(2);
    assertThat(allowed(l, "b", 5)).isEqualTo(2);
    assertThat(l.size()).isEqualTo(2);
  }

  @Test
  void aClockThatStepsBackRefillsNothing() {
    RateLimiter l = limiter(1, 1, 100);
    assertThat(l.tryAcquire("c").allowed()).isTrue();
    now.addAndGet(-50 * SECOND);
    assertThat(l.tryAcquire("c").allowed()).isFalse();
  }

  @Test
  // A sweep that frees nothing would spin: fail instead of hanging the build.
  @Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
  void theTableNeverHoldsMoreThanMaxKeysUnderAFloodOfDistinctKeys() {
    RateLimiter l = limiter(1, 1, 1000);
    int maxSeen = 0;
    int denied = 0;
    for (int i = 0; i < 1_000_000; i++) {
      if (!l.tryAcquire("client-" + i).allowed()) denied++;
      maxSeen = Math.max(maxSeen, l.size());
      if ((i & 1023) == 0) now.incrementAndGet(); // time hardly moves: nothing refills
    }
    assertThat(denied).isZero(); // every new key starts with a full bucket
    assertThat(maxSeen).isEqualTo(1000);
    assertThat(l.size()).isLessThanOrEqualTo(1000);
  }

  @Test
  void refilledBucketsAreEvictedBeforeBusyOnes() {
    RateLimiter l = limiter(1, 2, 4);
    l.tryAcquire("idle1");
    l.tryAcquire("idle2");
    now.addAndGet(10 * SECOND); // idle buckets are full again
    assertThat(allowed(l, "busy1", 2)).isEqualTo(2);
    assertThat(allowed(l, "busy2", 2)).isEqualTo(2);
    l.tryAcquire("new"); // table full: the two refilled buckets go, the empty ones stay
    assertThat(l.tryAcquire("busy1").allowed()).isFalse();
    assertThat(l.tryAcquire("busy2").allowed()).isFalse();
    assertThat(l.size()).isEqualTo(3);
  }

  @Test
  void withoutRefilledBucketsTheLeastRecentlyUsedAreEvicted() {
    RateLimiter l = limiter(0.001, 1, 4);
    for (String k : List.of("k1", "k2", "k3", "k4")) {
      l.tryAcquire(k);
      now.addAndGet(SECOND);
    }
    l.tryAcquire("k5"); // frees a quarter (one bucket): the oldest, k1
    assertThat(l.size()).isEqualTo(4);
    assertThat(l.tryAcquire("k2").allowed()).isFalse();
    assertThat(l.tryAcquire("k3").allowed()).isFalse();
    assertThat(l.tryAcquire("k4").allowed()).isFalse();
    assertThat(l.tryAcquire("k5").allowed()).isFalse();
    assertThat(l.tryAcquire("k1").allowed()).isTrue(); // came back with a fresh bucket
  }

  @Test
  void aSingleKeyTableWorks() {
    RateLimiter l = limiter(1, 1, 1);
    assertThat(l.tryAcquire("a").allowed()).isTrue();
    assertThat(l.tryAcquire("b").allowed()).isTrue();
    assertThat(l.size()).isEqualTo(1);
    assertThat(l.tryAcquire("b").allowed()).isFalse();
  }

  @Test
  void concurrentCallersNeverGetMoreThanTheBurstWithoutTimeMoving() throws Exception {
    RateLimiter l = limiter(1, 500, 100);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger granted = new AtomicInteger();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 1000; i++) if (l.tryAcquire("shared").allowed()) granted.incrementAndGet();
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) f.get(30, TimeUnit.SECONDS);
      assertThat(granted.get()).isEqualTo(500);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  // A sweep that frees nothing would spin: fail instead of hanging the build.
  @Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
  void concurrentDistinctKeysStayWithinMaxKeys() throws Exception {
    RateLimiter l = limiter(1, 1, 64);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger maxSeen = new AtomicInteger();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 20_000; i++) {
            l.tryAcquire(id + "-" + i);
            // what bounds memory: a bucket is in the table only while it holds a slot (the map's own size() may
            // count an insert before the removal that made room for it, and so read above the bound for a moment)
            maxSeen.accumulateAndGet(l.slotsHeld(), Math::max);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
      assertThat(maxSeen.get()).isLessThanOrEqualTo(64);
      assertThat(l.size()).isLessThanOrEqualTo(64).isEqualTo(l.slotsHeld()); // at rest, the table is the slots
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void maxKeysMustBePositive() {
    assertThatThrownBy(() -> limiter(1, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rate_limit.max_keys: 0 (expected: >= 1)");
  }

  @Test
  void decisionRejectsNegativeRetryAfter() {
    assertThatThrownBy(() -> new Decision(false, -1))
        .hasMessage("retryAfterSeconds: -1 (expected: >= 0)");
  }
}
