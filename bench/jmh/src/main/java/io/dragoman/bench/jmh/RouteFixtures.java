package io.dragoman.bench.jmh;

import io.dragoman.gateway.mapping.Condition;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.RequestView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generated Mappings and matching requests. Shape {@code plain}: prefixes {@code /svc-<i>/}. Shape {@code mixed}: as
 * plain, but 10% {@code prefix_regex} ({@code /re-<i>/[a-z]+/.*}) and 20% constrained by a header
 * ({@code x-tenant: t<i>}). Spread over sources of 100 Mappings, as annotations on many Services would be.
 */
final class RouteFixtures {
  private RouteFixtures() {}

  static List<ParsedSource> sources(int size, String shape) {
    List<ParsedSource> sources = new ArrayList<>();
    List<Mapping> current = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      String key = "svc-" + (i / 100) + ".default";
      current.add(Mapping.builder("m-" + i, "/x", new ServiceRef("svc-" + i, false, "svc-" + i + ".default", 80))
          .match(spec(i, shape)).source(key).objectId(key + "." + (i % 100 + 1)).build());
      if (current.size() == 100 || i == size - 1) {
        sources.add(new ParsedSource(key, "default", current, List.of(), List.of(), List.of(), current.size(), false));
        current = new ArrayList<>();
      }
    }
    return sources;
  }

  private static MatchSpec spec(int i, String shape) {
    if (shape.equals("mixed") && i % 10 == 3) {
      return new MatchSpec("/re-" + i + "/[a-z]+/.*", true, false, true, "", false, List.of(), "", false, List.of(),
          0);
    }
    if (shape.equals("mixed") && (i % 10 == 5 || i % 10 == 7)) {
      List<Condition> headers = List.of(Condition.header("x-tenant", Condition.Kind.EXACT, "t" + i));
      return new MatchSpec("/svc-" + i + "/", false, false, true, "", false, headers, "", false, List.of(), 0);
    }
    return MatchSpec.prefix("/svc-" + i + "/");
  }

  /** Requests aimed at random Mappings; one in ten asks for a path no Mapping has. */
  static Request[] requests(int size, String shape, int count, long seed) {
    Random random = new Random(seed);
    Request[] out = new Request[count];
    for (int n = 0; n < count; n++) {
      int i = random.nextInt(size);
      if (n % 10 == 9) {
        out[n] = new Request("/missing-" + i + "/v1/predict", Map.of());
      } else if (shape.equals("mixed") && i % 10 == 3) {
        out[n] = new Request("/re-" + i + "/models/v1", Map.of());
      } else if (shape.equals("mixed") && (i % 10 == 5 || i % 10 == 7)) {
        out[n] = new Request("/svc-" + i + "/v1/predict", Map.of("x-tenant", "t" + i));
      } else {
        out[n] = new Request("/svc-" + i + "/v1/predict", Map.of());
      }
    }
    return out;
  }

  record Request(String path, Map<String, String> headers) implements RequestView {
    @Override
    public String method() {
      return "POST";
    }

    @Override
    public String host() {
      return "gateway.example.com";
    }

    @Override
    public String header(String lowerCaseName) {
      return headers.get(lowerCaseName);
    }

    @Override
    public String queryParameter(String name) {
      return null;
    }
  }
}
