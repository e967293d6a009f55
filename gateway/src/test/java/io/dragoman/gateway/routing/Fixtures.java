package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.Condition;
import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.ModuleConfig;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.PolicySpec;
import io.dragoman.gateway.mapping.ServiceRef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Hand-built Mappings, sources and requests for routing tests. */
final class Fixtures {
  static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private Fixtures() {}

  static ServiceRef svc(String host) {
    return new ServiceRef(host, false, host, 80);
  }

  static Mapping.Builder mapping(String name, String prefix) {
    return Mapping.builder(name, prefix, svc(name + ".default")).objectId("test." + name);
  }

  static Mapping plain(String name, String prefix) {
    return mapping(name, prefix).build();
  }

  static Mapping weighted(String name, String prefix, Integer weight) {
    return mapping(name, prefix).policies(policy(weight, false)).build();
  }

  static Mapping shadow(String name, String prefix) {
    return mapping(name, prefix).policies(policy(null, true)).build();
  }

  static PolicySpec policy(Integer weight, boolean shadow) {
    return new PolicySpec(
        weight == null ? OptionalInt.empty() : OptionalInt.of(weight),
        shadow,
        Optional.empty(),
        Optional.empty(),
        List.of(),
        Optional.empty(), Optional.empty());
  }

  static ForwardSpec rewrite(String rewrite) {
    return withRewrite(ForwardSpec.DEFAULTS, rewrite);
  }

  static ForwardSpec withRewrite(ForwardSpec f, String rewrite) {
    return new ForwardSpec(rewrite, f.regexRewrite(), f.hostRewrite(), f.autoHostRewrite(), f.addRequestHeaders(),
        f.removeRequestHeaders(), f.addResponseHeaders(), f.removeResponseHeaders(), f.timeoutMs(),
        f.connectTimeoutMs(), f.idleTimeoutMs(), f.grpc(), f.allowUpgrade(), f.maxRequestBodyBytes());
  }

  /** A source whose Mappings all name it as their source, numbered in order. */
  static ParsedSource source(String key, Mapping... mappings) {
    return source(key, List.of(), mappings);
  }

  static ParsedSource source(String key, List<ModuleConfig> modules, Mapping... mappings) {
    List<Mapping> ms = new ArrayList<>();
    for (int i = 0; i < mappings.length; i++) {
      ms.add(mappings[i].toBuilder().source(key).objectId(key + "." + (i + 1)).build());
    }
    return new ParsedSource(key, "default", ms, modules, List.of(), List.of(), ms.size() + modules.size(), false);
  }

  static RouteTable build(ParsedSource... sources) {
    return new RouteTableBuilder(CLOCK).build(Arrays.asList(sources), RouteTable.empty());
  }

  static RouteTable build(Mapping... mappings) {
    return build(source("s", mappings));
  }

  /** A MatchSpec builder, all attributes defaulted. */
  static final class Spec {
    String prefix;
    boolean prefixRegex;
    boolean prefixExact;
    boolean caseSensitive = true;
    String method = "";
    boolean methodRegex;
    List<Condition> headers = new ArrayList<>();
    String host = "";
    boolean hostRegex;
    List<Condition> query = new ArrayList<>();
    int precedence;

    Spec(String prefix) {
      this.prefix = prefix;
    }

    static Spec of(String prefix) {
      return new Spec(prefix);
    }

    Spec regex() { prefixRegex = true; return this; }
    Spec exact() { prefixExact = true; return this; }
    Spec caseInsensitive() { caseSensitive = false; return this; }
    Spec method(String m) { method = m; return this; }
    Spec methodRegex(String m) { method = m; methodRegex = true; return this; }
    Spec header(String name, Condition.Kind kind, String value) {
      headers.add(Condition.header(name, kind, value));
      return this;
    }
    Spec host(String h) { host = h; return this; }
    Spec hostRegex(String h) { host = h; hostRegex = true; return this; }
    Spec query(String name, Condition.Kind kind, String value) {
      query.add(new Condition(name, kind, value));
      return this;
    }
    Spec precedence(int p) { precedence = p; return this; }

    MatchSpec build() {
      return new MatchSpec(prefix, prefixRegex, prefixExact, caseSensitive, method, methodRegex, headers, host,
          hostRegex, query, precedence);
    }
  }

  /** A request as route matching sees it. */
  static class Request implements RequestView {
    String method = "GET";
    final String path;
    String host = "";
    final Map<String, String> headers = new HashMap<>();
    final Map<String, String> query = new HashMap<>();

    Request(String path) {
      this.path = path;
    }

    static Request get(String path) {
      return new Request(path);
    }

    Request method(String m) { method = m; return this; }
    Request host(String h) { host = h; return this; }
    Request header(String name, String value) { headers.put(name, value); return this; }
    Request query(String name, String value) { query.put(name, value); return this; }

    @Override public String method() { return method; }
    @Override public String path() { return path; }
    @Override public String host() { return host; }
    @Override public String header(String lowerCaseName) { return headers.get(lowerCaseName); }
    @Override public String queryParameter(String name) { return query.get(name); }

    @Override
    public String toString() {
      return method + " " + path + " host=" + host + " headers=" + headers + " query=" + query;
    }
  }
}
