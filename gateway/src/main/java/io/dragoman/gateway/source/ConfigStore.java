package io.dragoman.gateway.source;

import io.dragoman.gateway.mapping.MappingParser;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.SourceObject;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.RouteTableBuilder;
import io.dragoman.gateway.routing.SourceInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The one place the route table is rebuilt and published. Sources (files, Kubernetes) call {@link #put}, {@link
 * #remove} and friends from their own threads; those calls only record the change. One builder thread, {@value
 * #THREAD_NAME}, re-parses the sources that changed, builds the table from all of them and swaps it in one step.
 * Bursts are coalesced: the first change schedules a build {@code coalesce} later, and everything recorded until then
 * goes into that build.
 */
public final class ConfigStore implements AutoCloseable {
  /** Hears about each published table and each failed build. Called on the builder thread: keep it short. */
  public interface Listener {
    /**
     * @param sinceFirstPendingChange from the oldest change that was not live yet to the moment this table went live
     */
    void swapped(RouteTable table, Duration sinceFirstPendingChange);

    default void failed(Throwable t) {}
  }

  static final String THREAD_NAME = "dragoman-config-builder";
  static final Duration DEFAULT_COALESCE = Duration.ofMillis(5);
  private static final Logger log = LoggerFactory.getLogger(ConfigStore.class);

  private record Waiter(long seq, CompletableFuture<RouteTable> future) {}

  /** What the "generation live" line reports that matters to an operator. */
  private record Summary(int routes, int errors, List<String> sources) {
    static Summary of(RouteTable t) {
      return new Summary(t.routeCount(), t.errors().size(), t.sources().stream().map(SourceInfo::key).toList());
    }
  }

  private record Snapshot(Map<String, Optional<SourceInput>> changes, long seq, Instant since) {}

  private final BiFunction<List<ParsedSource>, RouteTable, RouteTable> builder;
  private final Clock clock;
  private final long coalesceNanos;
  private final SourceCache cache;
  private final ScheduledExecutorService executor;
  private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.empty());
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong failures = new AtomicLong();
  private Summary lastLogged; // builder thread only

  // Everything below is guarded by lock. Sequence numbers count recorded changes: a change is live once liveSeq
  // reaches it; takenSeq is the newest change handed to a build, attemptedSeq the newest a finished build covered.
  private final Object lock = new Object();
  private final Map<String, SourceInput> desired = new HashMap<>();
  private final Set<String> dirty = new HashSet<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private long recordedSeq;
  private long takenSeq;
  private long attemptedSeq;
  private long liveSeq;
  private Instant firstPendingAt;
  private boolean scheduled;
  private boolean closed;

  public ConfigStore(
      Function<SourceObject, ParsedSource> parser,
      BiFunction<List<ParsedSource>, RouteTable, RouteTable> builder,
      Clock clock,
      Duration coalesce) {
    this.builder = Objects.requireNonNull(builder, "builder");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (coalesce.isNegative()) {
      throw new IllegalArgumentException("coalesce: " + coalesce + " (expected: >= 0)");
    }
    this.coalesceNanos = coalesce.toNanos();
    this.cache = new SourceCache(parser);
    this.executor = Executors.newSingleThreadScheduledExecutor(ConfigStore::newBuilderThread);
  }

  public ConfigStore(MappingParser parser, RouteTableBuilder builder, Clock clock) {
    this(parser::parse, builder::build, clock, DEFAULT_COALESCE);
  }

  /** The table serving now. A request reads it once and keeps it to the end. */
  public RouteTable table() {
    return table.get();
  }

  /** Builds that threw (a bug: the table they would have replaced kept serving). */
  public long failures() {
    return failures.get();
  }

  public void addListener(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Records a source's new text. The same text again changes nothing. */
  public void put(SourceObject source) {
    synchronized (lock) {
      record(SourceInput.readable(source));
    }
  }

  /** Records a batch of sources (an initial list), all in the same build when they arrive together. */
  public void putAll(Collection<SourceObject> sources) {
    synchronized (lock) {
      sources.forEach(s -> record(SourceInput.readable(s)));
    }
  }

  /**
   * Records that a source exists but its text could not be read at all: the reason shows as its error and its last
   * good objects keep serving.
   */
  public void putUnreadable(String key, String namespace, String reason) {
    synchronized (lock) {
      record(SourceInput.unreadable(key, namespace, reason));
    }
  }

  public void remove(String key) {
    synchronized (lock) {
      if (desired.remove(key) != null) {
        markDirty(key);
      }
    }
  }

  /**
   * Makes the sources a watcher owns exactly {@code sources}: every known key in {@code owned} that is not among them
   * is removed. For a full relist, where deletions seen while disconnected arrive only as absences.
   */
  public void replaceAll(Predicate<String> owned, Collection<SourceObject> sources) {
    synchronized (lock) {
      Set<String> keep = new HashSet<>();
      sources.forEach(s -> keep.add(s.key()));
      List<String> gone =
          desired.keySet().stream().filter(k -> owned.test(k) && !keep.contains(k)).sorted().toList();
      gone.forEach(this::remove);
      putAll(sources);
    }
  }

  /**
   * Completes, on the builder thread, with the live table once every change recorded before this call is live;
   * exceptionally if the build covering them failed. Asks for a build again if the last one failed.
   */
  public CompletableFuture<RouteTable> flush() {
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("configuration store is closed"));
      }
      if (liveSeq >= recordedSeq) {
        return CompletableFuture.completedFuture(table.get());
      }
      Waiter waiter = new Waiter(recordedSeq, new CompletableFuture<>());
      waiters.add(waiter);
      boolean inFlight = takenSeq >= recordedSeq && attemptedSeq < takenSeq;
      if (!inFlight) {
        schedule(0);
      }
      return waiter.future();
    }
  }

  @Override
  public void close() {
    List<Waiter> orphaned;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      orphaned = new ArrayList<>(waiters);
      waiters.clear();
    }
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("{} did not stop within 5 s", THREAD_NAME);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    orphaned.forEach(w -> w.future().completeExceptionally(new IllegalStateException("configuration store closed")));
  }

  private void record(SourceInput input) {
    if (closed) {
      return;
    }
    SourceInput old = desired.put(input.key(), input);
    if (!input.equals(old)) {
      markDirty(input.key());
    }
  }

  private void markDirty(String key) {
    if (closed) {
      return;
    }
    dirty.add(key);
    recordedSeq++;
    if (firstPendingAt == null) {
      firstPendingAt = clock.instant();
    }
    schedule(coalesceNanos);
  }

  private void schedule(long delayNanos) {
    if (scheduled) {
      return;
    }
    scheduled = true;
    executor.schedule(this::build, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void build() {
    Snapshot snapshot = takeSnapshot();
    RouteTable next;
    try {
      List<ParsedSource> sources = cache.apply(snapshot.changes());
      next = Objects.requireNonNull(builder.apply(sources, table.get()), "the table builder returned null");
    } catch (RuntimeException | StackOverflowError e) {
      failed(snapshot, e);
      return;
    }
    table.set(next);
    swapped(snapshot, next);
  }

  private Snapshot takeSnapshot() {
    synchronized (lock) {
      Map<String, Optional<SourceInput>> changes = new LinkedHashMap<>();
      dirty.stream().sorted().forEach(k -> changes.put(k, Optional.ofNullable(desired.get(k))));
      dirty.clear();
      scheduled = false;
      takenSeq = recordedSeq;
      Instant since = firstPendingAt != null ? firstPendingAt : clock.instant();
      firstPendingAt = null;
      return new Snapshot(changes, recordedSeq, since);
    }
  }

  private void swapped(Snapshot snapshot, RouteTable next) {
    Duration lag = Duration.between(snapshot.since(), clock.instant());
    List<Waiter> done;
    synchronized (lock) {
      liveSeq = snapshot.seq();
      attemptedSeq = snapshot.seq();
      done = takeWaiters(snapshot.seq());
    }
    logLive(next, lag);
    // Listeners first, so whoever waited on flush() also sees what the listeners recorded.
    for (Listener l : listeners) {
      try {
        l.swapped(next, lag);
      } catch (RuntimeException e) {
        log.warn("configuration listener failed", e);
      }
    }
    done.forEach(w -> w.future().complete(next));
  }

  /**
   * INFO only for the first table and when what an operator reads in the line changed (route or error count, the set
   * of sources); otherwise DEBUG, so a file rewritten every 200 ms does not log 5 lines a second.
   */
  private void logLive(RouteTable next, Duration lag) {
    Summary summary = Summary.of(next);
    boolean changed = !summary.equals(lastLogged);
    lastLogged = summary;
    log.atLevel(changed ? Level.INFO : Level.DEBUG).log(
        "configuration generation {} live after {} ms: {} routes, {} errors, {} sources",
        next.generation(), lag.toMillis(), summary.routes(), summary.errors(), summary.sources().size());
  }

  private void failed(Snapshot snapshot, Throwable error) {
    failures.incrementAndGet();
    log.error("building the route table failed; generation {} keeps serving", table.get().generation(), error);
    List<Waiter> done;
    synchronized (lock) {
      attemptedSeq = snapshot.seq();
      // The changes are still not live: keep measuring from the oldest of them.
      if (firstPendingAt == null || snapshot.since().isBefore(firstPendingAt)) {
        firstPendingAt = snapshot.since();
      }
      done = takeWaiters(snapshot.seq());
    }
    for (Listener l : listeners) {
      try {
        l.failed(error);
      } catch (RuntimeException e) {
        log.warn("configuration listener failed", e);
      }
    }
    done.forEach(w -> w.future().completeExceptionally(error));
  }

  private List<Waiter> takeWaiters(long seq) {
    List<Waiter> done = waiters.stream().filter(w -> w.seq() <= seq).toList();
    waiters.removeAll(done);
    return done;
  }

  private static Thread newBuilderThread(Runnable r) {
    Thread t = new Thread(r, THREAD_NAME);
    t.setDaemon(true);
    return t;
  }
}
