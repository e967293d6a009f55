package io.dragoman.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Condition.Kind;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.routing.Fixtures.Request;
import io.dragoman.gateway.routing.Fixtures.Spec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexedRouteMatcherTest {

  /**
   * Counts how often matching looks at the request: once for the walk, plus once per candidate whose path the index
   * did not prove (a regex).
   */
  private static final class CountingRequest extends Request {
    int pathReads;
    int headerReads;

    CountingRequest(String path) {
      super(path);
    }

    @Override
    public String path() {
      pathReads++;
      return super.path();
    }

    @Override
    public String header(String lowerCaseName) {
      headerReads++;
      return super.header(lowerCaseName);
    }
  }

  private static RouteTable table(int size) {
    List<Mapping> mappings = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Spec spec = i % 10 == 3 ? Spec.of("/re-" + i + "/[a-z]+/.*").regex() : Spec.of("/svc-" + i + "/");
      if (i % 10 == 5) spec.header("x-tenant", Kind.EXACT, "t" + i);
      mappings.add(Fixtures.mapping("m" + i, spec.prefix).match(spec.build()).build());
    }
    return Fixtures.build(mappings.toArray(new Mapping[0]));
  }

  @Test
  void aLookupInTenThousandRoutesTestsOnlyTheCandidatesOnThePath() {
    RouteTable table = table(10_000);
    CountingRequest hit = new CountingRequest("/svc-1234/v1/predict");
    assertThat(table.match(hit).members().get(0).mapping().name()).isEqualTo("m1234");
    assertThat(hit.pathReads).isEqualTo(1);

    CountingRequest tenant = new CountingRequest("/svc-1235/v1/predict");
    tenant.header("x-tenant", "t1235");
    assertThat(table.match(tenant).members().get(0).mapping().name()).isEqualTo("m1235");
    assertThat(tenant.pathReads).isEqualTo(1);
    assertThat(tenant.headerReads).isEqualTo(1);

    CountingRequest regex = new CountingRequest("/re-4563/models/v1");
    assertThat(table.match(regex).members().get(0).mapping().name()).isEqualTo("m4563");
    assertThat(regex.pathReads).isEqualTo(2);

    CountingRequest miss = new CountingRequest("/missing/");
    assertThat(table.match(miss)).isNull();
    assertThat(miss.pathReads).isEqualTo(1);
    assertThat(miss.headerReads).isZero();
  }

  @Test
  void aHeaderConstrainedCandidateThatFailsFallsThroughToTheNextOnThePath() {
    Mapping tenant = Fixtures.mapping("tenant", "/svc/a/")
        .match(Spec.of("/svc/a/").header("x-tenant", Kind.EXACT, "t1").build()).build();
    Mapping broad = Fixtures.plain("broad", "/svc/");
    Mapping insensitive = Fixtures.mapping("insensitive", "/SVC")
        .match(Spec.of("/SVC").caseInsensitive().build()).build();
    RouteTable table = Fixtures.build(tenant, broad, insensitive);
    assertThat(table.match(Request.get("/svc/a/x").header("x-tenant", "t1")).members().get(0).mapping().name())
        .isEqualTo("tenant");
    assertThat(table.match(Request.get("/svc/a/x")).members().get(0).mapping().name()).isEqualTo("broad");
    assertThat(table.match(Request.get("/Svc/a/x")).members().get(0).mapping().name()).isEqualTo("insensitive");
  }

  @Test
  void anUnindexedRouteEarlierInOrderWinsOverAnIndexedOne() {
    Mapping insensitive = Fixtures.mapping("insensitive", "/api/")
        .match(Spec.of("/api/").caseInsensitive().precedence(1).build()).build();
    Mapping plain = Fixtures.plain("plain", "/api/v1/");
    RouteTable table = Fixtures.build(plain, insensitive);
    assertThat(table.match(Request.get("/api/v1/x")).members().get(0).mapping().name()).isEqualTo("insensitive");
  }
}
