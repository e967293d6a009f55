package io.dragoman.gateway.source;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.RouteTableBuilder;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A table-building function that records what it was given (tables themselves come from the real builder, so
 * generations count up as in production) and the thread it ran on. {@link #failNext} makes builds throw.
 */
final class RecordingBuilder implements BiFunction<List<ParsedSource>, RouteTable, RouteTable> {
  private final RouteTableBuilder real = new RouteTableBuilder(Clock.systemUTC());
  private final AtomicInteger builds = new AtomicInteger();
  private volatile List<ParsedSource> lastSources = List.of();
  private volatile Thread thread;
  private volatile boolean fail;
  private volatile Runnable onBuild = () -> {};

  @Override
  public RouteTable apply(List<ParsedSource> sources, RouteTable previous) {
    thread = Thread.currentThread();
    onBuild.run();
    if (fail) {
      throw new IllegalStateException("builder bug");
    }
    builds.incrementAndGet();
    lastSources = sources;
    return real.build(sources, previous);
  }

  void failNext(boolean fail) {
    this.fail = fail;
  }

  void onBuild(Runnable r) {
    onBuild = r;
  }

  int builds() {
    return builds.get();
  }

  Thread thread() {
    return thread;
  }

  List<ParsedSource> lastSources() {
    return lastSources;
  }

  /** Source key → names of the Mappings it serves, in key order. */
  Map<String, List<String>> served() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ParsedSource s : lastSources) {
      out.put(s.key(), s.mappings().stream().map(Mapping::name).toList());
    }
    return out;
  }

  ParsedSource source(String key) {
    return lastSources.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
  }
}
