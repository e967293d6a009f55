package io.dragoman.gateway.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalRateLimitParsingTest {
  private static ParsedSource parse(String limit) {
    return new MappingParser(ParserSettings.DEFAULTS).parse(new SourceObject("svc.ns", "ns", Map.of(),
        "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: m}\nspec:\n  prefix: /m/\n"
            + "  service: m\n  local_rate_limit: " + limit + "\n"));
  }

  @Test
  void readsEveryField() {
    ParsedSource p = parse("{requests_per_second: 2.5, burst: 10, key: header, header: X-Api-Key}");

    assertThat(p.errors()).isEmpty();
    assertThat(p.mappings().get(0).policies().localRateLimit())
        .contains(new LocalRateLimit(2.5, 10, LocalRateLimit.Key.HEADER, "x-api-key"));
  }

  @Test
  void defaultsToOneBucketPerClientWithABurstOfOneSecond() {
    ParsedSource p = parse("{requests_per_second: 5}");

    assertThat(p.mappings().get(0).policies().localRateLimit())
        .contains(new LocalRateLimit(5, 5, LocalRateLimit.Key.CLIENT_ADDRESS, ""));
  }

  @Test
  void namesTheFieldThatIsWrong() {
    assertThat(parse("{burst: 3}").errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("local_rate_limit.requests_per_second"));
    assertThat(parse("{requests_per_second: -1}").errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("local_rate_limit.requests_per_second: -1"));
    assertThat(parse("{requests_per_second: 1, key: user}").errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("local_rate_limit.key: \"user\""));
    assertThat(parse("{requests_per_second: 1, key: header}").errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("local_rate_limit.header"));
    assertThat(parse("{requests_per_second: 1, rps: 3}").errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("rps"));
    assertThat(parse("{requests_per_second: 1, rps: 3}").mappings()).isEmpty();
  }
}
