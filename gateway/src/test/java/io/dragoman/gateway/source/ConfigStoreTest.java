package io.dragoman.gateway.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.SourceObject;
import io.dragoman.gateway.routing.RouteTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigStoreTest {
  private final LineParser parser = new LineParser();
  private final RecordingBuilder builder = new RecordingBuilder();
  private final List<ConfigStore> stores = new ArrayList<>();

  @AfterEach
  void closeStores() {
    stores.forEach(ConfigStore::close);
  }

  private ConfigStore store(Duration coalesce) {
    ConfigStore store = new ConfigStore(parser, builder, Clock.systemUTC(), coalesce);
    stores.add(store);
    return store;
  }

  private ConfigStore store() {
    return store(Duration.ofMillis(5));
  }

  private static SourceObject src(String key, String text) {
    return new SourceObject(key, "default", Map.of(), text);
  }

  private static RouteTable flushed(ConfigStore store) {
    return store.flush().orTimeout(5, TimeUnit.SECONDS).join();
  }

  @Test
  void startsWithTheEmptyTable() {
    ConfigStore store = store();

    assertThat(store.table().generation()).isZero();
    assertThat(store.flush()).isCompletedWithValue(store.table());
    assertThat(builder.builds()).isZero();
  }

  @Test
  void putBuildsAndSwapsTheTable() {
    ConfigStore store = store();

    store.put(src("b.yaml", "two"));
    store.put(src("a.yaml", "one"));
    RouteTable table = flushed(store);

    assertThat(table).isSameAs(store.table());
    assertThat(table.generation()).isEqualTo(1);
    assertThat(builder.served()).containsExactly(
        Map.entry("a.yaml", List.of("one")), Map.entry("b.yaml", List.of("two")));
  }

  @Test
  void reparsesOnlyTheSourceThatChanged() {
    ConfigStore store = store();
    store.put(src("a", "one"));
    store.put(src("b", "two"));
    flushed(store);

    store.put(src("b", "three"));
    flushed(store);

    assertThat(parser.calls("a")).isEqualTo(1);
    assertThat(parser.calls("b")).isEqualTo(2);
    assertThat(builder.served()).containsExactly(Map.entry("a", List.of("one")), Map.entry("b", List.of("three")));
  }

  @Test
  void theSameTextAgainChangesNothing() {
    ConfigStore store = store();
    store.put(src("a", "one"));
    long generation = flushed(store).generation();

    store.put(src("a", "one"));
    store.putAll(List.of(src("a", "one")));

    assertThat(store.flush()).isCompletedWithValue(store.table());
    assertThat(store.table().generation()).isEqualTo(generation);
    assertThat(builder.builds()).isEqualTo(1);
    assertThat(parser.calls("a")).isEqualTo(1);
  }

  @Test
  void removeDropsTheSource() {
    ConfigStore store = store();
    store.putAll(List.of(src("a", "one"), src("b", "two")));
    flushed(store);

    store.remove("a");
    store.remove("never-there");
    flushed(store);

    assertThat(builder.served()).containsExactly(Map.entry("b", List.of("two")));
    assertThat(builder.builds()).isEqualTo(2);
  }

  @Test
  void replaceAllRemovesOwnedKeysThatAreGoneAndLeavesOthers() {
    ConfigStore store = store();
    store.putAll(List.of(src("svc1.ns", "one"), src("svc2.ns", "two"), src("file.yaml", "three")));
    flushed(store);

    store.replaceAll(k -> !k.endsWith(".yaml"), List.of(src("svc2.ns", "two"), src("svc3.ns", "four")));
    flushed(store);

    assertThat(builder.served().keySet()).containsExactly("file.yaml", "svc2.ns", "svc3.ns");
  }

  @Test
  void unreadableTextKeepsTheLastGoodObjectsAndMarksTheSourceStale() {
    ConfigStore store = store();
    store.put(src("a", "one\ntwo"));
    flushed(store);

    store.put(src("a", "BROKEN"));
    flushed(store);

    ParsedSource a = builder.source("a");
    assertThat(a.unreadable()).isTrue();
    assertThat(a.mappings()).extracting(m -> m.name()).containsExactly("one", "two");
    assertThat(a.errors()).containsExactly(new ConfigError("a", "a", "", "broken YAML"));
    assertThat(a.objectCount()).isEqualTo(2);

    store.put(src("a", "three"));
    flushed(store);

    assertThat(builder.source("a").unreadable()).isFalse();
    assertThat(builder.served()).containsExactly(Map.entry("a", List.of("three")));
  }

  @Test
  void unreadableTextWithNothingGoodBeforeServesNothing() {
    ConfigStore store = store();

    store.put(src("a", "BROKEN"));
    flushed(store);

    ParsedSource a = builder.source("a");
    assertThat(a.unreadable()).isTrue();
    assertThat(a.mappings()).isEmpty();
    assertThat(a.errors()).extracting(ConfigError::message).containsExactly("broken YAML");
  }

  @Test
  void staleStaysOnLastGoodThroughRepeatedBadEdits() {
    ConfigStore store = store();
    store.put(src("a", "one"));
    flushed(store);

    store.put(src("a", "BROKEN 1"));
    flushed(store);
    store.put(src("a", "BROKEN 2"));
    flushed(store);

    assertThat(builder.source("a").unreadable()).isTrue();
    assertThat(builder.served()).containsExactly(Map.entry("a", List.of("one")));
  }

  @Test
  void aReadFailureShowsItsReasonAndKeepsTheLastGoodObjects() {
    ConfigStore store = store();
    store.put(src("a", "one"));
    flushed(store);

    store.putUnreadable("a", "default", "not valid UTF-8 (expected: UTF-8 text)");
    flushed(store);

    ParsedSource a = builder.source("a");
    assertThat(a.unreadable()).isTrue();
    assertThat(a.mappings()).extracting(m -> m.name()).containsExactly("one");
    assertThat(a.errors()).containsExactly(new ConfigError("a", "a", "", "not valid UTF-8 (expected: UTF-8 text)"));
    assertThat(parser.calls("a")).isEqualTo(1);
  }

  @Test
  void anObjectThatTurnsInvalidKeepsItsOldVersionServing() {
    ConfigStore store = store();
    store.put(src("a", "one=old\ntwo"));
    flushed(store);

    store.put(src("a", "!one\ntwo=new\nthree"));
    flushed(store);

    ParsedSource a = builder.source("a");
    assertThat(a.unreadable()).isFalse();
    assertThat(a.mappings()).extracting(m -> m.name() + "=" + m.service().host())
        .containsExactly("two=new", "three=svc", "one=old");
    assertThat(a.errors()).containsExactly(new ConfigError("a", "one", "prefix", "invalid"));

    // Still broken in the next edit: the old version keeps serving.
    store.put(src("a", "!one\ntwo=newer"));
    flushed(store);
    assertThat(builder.source("a").mappings()).extracting(m -> m.name() + "=" + m.service().host())
        .containsExactly("two=newer", "one=old");

    // Fixed: the new version replaces it.
    store.put(src("a", "one=fixed"));
    flushed(store);
    assertThat(builder.source("a").mappings()).extracting(m -> m.name() + "=" + m.service().host())
        .containsExactly("one=fixed");
    assertThat(builder.source("a").errors()).isEmpty();
  }

  @Test
  void anObjectInvalidFromTheStartServesNothing() {
    ConfigStore store = store();

    store.put(src("a", "!one\ntwo"));
    flushed(store);

    assertThat(builder.served()).containsExactly(Map.entry("a", List.of("two")));
  }

  @Test
  void aParserThatThrowsCountsAsUnreadable() {
    AtomicReference<Boolean> explode = new AtomicReference<>(false);
    ConfigStore store = new ConfigStore(
        s -> {
          if (explode.get()) throw new IllegalStateException("parser bug");
          return parser.apply(s);
        },
        builder, Clock.systemUTC(), Duration.ofMillis(5));
    stores.add(store);
    store.put(src("a", "one"));
    flushed(store);

    explode.set(true);
    store.put(src("a", "two"));
    flushed(store);

    ParsedSource a = builder.source("a");
    assertThat(a.unreadable()).isTrue();
    assertThat(a.mappings()).extracting(m -> m.name()).containsExactly("one");
    assertThat(a.errors()).extracting(ConfigError::message)
        .containsExactly("internal error while parsing: java.lang.IllegalStateException: parser bug");
  }

  @Test
  void aBurstOfChangesIsCoalescedIntoFewBuilds() {
    ConfigStore store = store();

    for (int i = 0; i < 1000; i++) {
      store.put(src("key-" + (i % 100), "m" + i));
    }
    flushed(store);

    assertThat(builder.builds()).isBetween(1, 20);
    assertThat(builder.lastSources()).hasSize(100);
    assertThat(builder.served().get("key-7")).containsExactly("m907");
    assertThat(builder.served().get("key-99")).containsExactly("m999");
  }

  @Test
  void changesWithinTheWindowGoIntoOneBuildThatWaitsForTheWindow() {
    ConfigStore store = store(Duration.ofMillis(300));
    List<Duration> lags = new CopyOnWriteArrayList<>();
    store.addListener((table, since) -> lags.add(since));

    store.put(src("a", "one"));
    store.put(src("b", "two"));
    store.remove("a");
    flushed(store);

    assertThat(builder.builds()).isEqualTo(1);
    assertThat(builder.served().keySet()).containsExactly("b");
    assertThat(lags).hasSize(1);
    assertThat(lags.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void flushWaitsForEveryEarlierChangeToBeLive() {
    ConfigStore store = store(Duration.ofMillis(200));
    store.put(src("a", "one"));

    CompletableFuture<RouteTable> first = store.flush();
    assertThat(first).isNotDone();
    RouteTable table = first.orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(table).isSameAs(store.table());
    assertThat(builder.served()).containsKey("a");
    // Nothing pending: completes at once with the live table.
    assertThat(store.flush()).isCompletedWithValue(table);
  }

  @Test
  void aFailingBuildKeepsTheTableCountsAndFailsTheFlush() {
    ConfigStore store = store();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    store.addListener(new ConfigStore.Listener() {
      @Override
      public void swapped(RouteTable table, Duration since) {}

      @Override
      public void failed(Throwable t) {
        failures.add(t);
      }
    });
    store.put(src("a", "one"));
    RouteTable good = flushed(store);

    builder.failNext(true);
    store.put(src("a", "two"));

    assertThatThrownBy(() -> flushed(store)).isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("builder bug");
    assertThat(store.table()).isSameAs(good);
    assertThat(store.failures()).isEqualTo(1);
    assertThat(failures).extracting(Throwable::getMessage).containsExactly("builder bug");

    // A later flush asks for the build again, which now succeeds with the pending change.
    builder.failNext(false);
    RouteTable next = flushed(store);
    assertThat(next.generation()).isEqualTo(good.generation() + 1);
    assertThat(builder.served()).containsExactly(Map.entry("a", List.of("two")));
  }

  @Test
  void listenerGetsTheTimeFromTheFirstPendingChangeToTheSwap() {
    MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    ConfigStore store = new ConfigStore(parser, builder, clock, Duration.ofMillis(5));
    stores.add(store);
    List<Duration> lags = new CopyOnWriteArrayList<>();
    List<RouteTable> tables = new CopyOnWriteArrayList<>();
    store.addListener((table, since) -> {
      tables.add(table);
      lags.add(since);
    });
    builder.onBuild(() -> clock.advance(Duration.ofMillis(250)));

    store.put(src("a", "one"));
    RouteTable table = flushed(store);

    assertThat(lags).containsExactly(Duration.ofMillis(250));
    assertThat(tables).containsExactly(table);
  }

  @Test
  void aThrowingListenerDoesNotStopPublishing() {
    ConfigStore store = store();
    store.addListener((table, since) -> {
      throw new IllegalStateException("listener bug");
    });

    store.put(src("a", "one"));
    RouteTable table = flushed(store);

    assertThat(store.table()).isSameAs(table);
    assertThat(table.generation()).isEqualTo(1);
  }

  @Test
  void buildsRunOnOneNamedDaemonThreadThatCloseStops() {
    ConfigStore store = store();
    store.put(src("a", "one"));
    flushed(store);
    Thread thread = builder.thread();

    assertThat(thread.getName()).isEqualTo("dragoman-config-builder");
    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread).isNotSameAs(Thread.currentThread());

    store.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> !thread.isAlive());
    assertThat(store.flush()).isCompletedExceptionally();
    store.put(src("b", "two"));
    assertThat(store.table().generation()).isEqualTo(1);
  }

  @Test
  void rejectsANegativeWindow() {
    assertThatThrownBy(() -> new ConfigStore(parser, builder, Clock.systemUTC(), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("coalesce: PT-0.001S (expected: >= 0)");
  }

  /** A clock that moves only when told. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
