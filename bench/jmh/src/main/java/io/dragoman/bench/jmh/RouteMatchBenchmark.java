package io.dragoman.bench.jmh;

import io.dragoman.gateway.routing.RouteGroup;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.RouteTableBuilder;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One route lookup, as every request does it, at table sizes of 10, 1,000 and 10,000 Mappings. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouteMatchBenchmark {
  private static final int REQUESTS = 4096;

  @Param({"10", "1000", "10000"})
  int size;

  @Param({"plain", "mixed"})
  String shape;

  private RouteTable table;
  private RouteFixtures.Request[] requests;
  private int next;

  @Setup
  public void setUp() {
    table = new RouteTableBuilder(Clock.systemUTC()).build(RouteFixtures.sources(size, shape), RouteTable.empty());
    if (!table.errors().isEmpty()) throw new IllegalStateException("fixture errors: " + table.errors());
    requests = RouteFixtures.requests(size, shape, REQUESTS, 7);
  }

  @Benchmark
  public RouteGroup match() {
    RouteFixtures.Request r = requests[next];
    next = (next + 1) & (REQUESTS - 1);
    return table.match(r);
  }
}
