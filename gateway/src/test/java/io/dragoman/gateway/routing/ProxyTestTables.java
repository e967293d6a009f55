package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ParsedSource;
import java.time.Clock;
import java.util.List;

/** Route tables for proxy tests, compiled by the real builder from Mappings. */
public final class ProxyTestTables {
  private ProxyTestTables() {}

  public static RouteTable of(Mapping... mappings) {
    ParsedSource source =
        new ParsedSource("test", "default", List.of(mappings), List.of(), List.of(), List.of(), mappings.length, false);
    return new RouteTableBuilder(Clock.systemUTC()).build(List.of(source), RouteTable.empty());
  }
}
