package io.dragoman.bench.jmh;

import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.RouteTableBuilder;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** A whole table rebuild from parsed sources (grouping, ordering, regex compilation, index). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RouteBuildBenchmark {
  @Param({"10", "1000", "10000"})
  int size;

  @Param({"plain", "mixed"})
  String shape;

  private List<ParsedSource> sources;
  private RouteTableBuilder builder;
  private RouteTable previous;

  @Setup
  public void setUp() {
    sources = RouteFixtures.sources(size, shape);
    builder = new RouteTableBuilder(Clock.systemUTC());
    previous = builder.build(sources, RouteTable.empty());
  }

  @Benchmark
  public RouteTable build() {
    return builder.build(sources, previous);
  }
}
