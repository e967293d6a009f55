package io.dragoman.kubeflow.controller;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MappingParser;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.ParserSettings;
import io.dragoman.gateway.mapping.SourceObject;
import io.dragoman.gateway.routing.RequestView;
import io.dragoman.gateway.routing.Route;
import io.dragoman.gateway.routing.RouteGroup;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.RouteTableBuilder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs annotation text through the gateway's own parser and table builder, and asks which route a request takes. */
public final class Routes {
  /** What the gateway would do with a request: the Mapping's name, the upstream and the path sent there. */
  public record Hit(String mapping, String upstream, String path, long timeoutMs) {}

  private final RouteTable table;
  private final List<ParsedSource> parsed;

  private Routes(List<ParsedSource> parsed) {
    this.parsed = parsed;
    this.table = new RouteTableBuilder(Clock.systemUTC()).build(parsed, RouteTable.empty());
  }

  /** @param sources source key ({@code <service>.<namespace>}) → annotation text */
  public static Routes of(Map<String, String> sources) {
    MappingParser parser = new MappingParser(ParserSettings.DEFAULTS);
    List<ParsedSource> parsed = new ArrayList<>();
    sources.forEach((key, text) -> {
      String ns = key.substring(key.indexOf('.') + 1);
      parsed.add(parser.parse(new SourceObject(key, ns, Map.of(), text)));
    });
    return new Routes(parsed);
  }

  public List<Mapping> mappings() {
    return parsed.stream().flatMap(p -> p.mappings().stream()).toList();
  }

  public RouteTable table() {
    return table;
  }

  /** The route {@code method path} takes, or null when the gateway would answer 404. */
  public Hit match(String method, String path) {
    RouteGroup group = table.match(new Request(method, path));
    if (group == null) return null;
    Route r = group.pick(0.0);
    return new Hit(r.mapping().name(), r.mapping().service().authority(), r.forwardPath(path, ""), r.timeoutMs());
  }

  private record Request(String method, String path) implements RequestView {
    @Override
    public String host() {
      return "";
    }

    @Override
    public String header(String lowerCaseName) {
      return null;
    }

    @Override
    public String queryParameter(String name) {
      return null;
    }
  }
}
