package io.dragoman.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MappingParser;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.ParserSettings;
import io.dragoman.gateway.mapping.SourceObject;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The policy classes fed with what the real parser makes of Ambassador YAML. */
class ParsedPoliciesTest {
  private static final MappingParser PARSER = new MappingParser(ParserSettings.DEFAULTS);

  private static Mapping parse(String attributes) {
    String yaml = "apiVersion: getambassador.io/v2\nkind: Mapping\nname: m\nprefix: /old/\n" + attributes;
    ParsedSource parsed = PARSER.parse(new SourceObject("svc.default", "default", Map.of(), yaml));
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.mappings()).hasSize(1);
    return parsed.mappings().get(0);
  }

  @Test
  void hostRedirectTrueSendsTheClientToTheServiceAsWritten() {
    Mapping m = parse("service: https://login.example:8443\nhost_redirect: true\n");
    String location =
        Redirects.location(m.policies().redirect().orElseThrow(), "https", "gw.example", "/old/x", "/old/", "a=1");
    assertThat(location).isEqualTo("https://login.example:8443/old/x?a=1");
    assertThat(Redirects.status(m.policies().redirect().orElseThrow())).isEqualTo(301);
  }

  @Test
  void prefixRedirectWithCodeFromYaml() {
    Mapping m = parse("service: web\nprefix_redirect: /new/\nredirect_response_code: 308\n");
    assertThat(Redirects.location(m.policies().redirect().orElseThrow(), "http", "gw", "/old/a", "/old/", ""))
        .isEqualTo("http://gw/new/a");
    assertThat(Redirects.status(m.policies().redirect().orElseThrow())).isEqualTo(308);
  }

  @Test
  void corsFromCommaSeparatedStrings() {
    Mapping m = parse("service: web\ncors:\n  origins: https://a.example, https://b.example\n"
        + "  methods: get, post\n  headers: Content-Type\n  max_age: \"600\"\n");
    Preflight p = CorsPolicy.of(m.policies().cors()).orElseThrow().preflight("https://b.example", "POST", null);
    assertThat(((Preflight.Answer) p).headers())
        .containsEntry("Access-Control-Allow-Origin", "https://b.example")
        .containsEntry("Access-Control-Allow-Methods", "GET, POST")
        .containsEntry("Access-Control-Allow-Headers", "Content-Type")
        .containsEntry("Access-Control-Max-Age", "600");
  }

  @Test
  void retryPolicyFromYaml() {
    Mapping m = parse("service: web\nretry_policy:\n  retry_on: gateway-error,retriable-4xx\n"
        + "  num_retries: 4\n  per_try_timeout: 1.5s\n");
    RetryDecider d = new RetryDecider(m.policies().retryPolicy().orElseThrow());
    assertThat(d.retryOnStatus(409)).isTrue();
    assertThat(d.retryOnStatus(503)).isTrue();
    assertThat(d.retryOnStatus(500)).isFalse();
    assertThat(d.maxRetries()).isEqualTo(4);
    assertThat(d.perTryTimeoutMs(3000)).isEqualTo(1500);
  }

  @Test
  void circuitBreakerFromYamlFillsUnsetLimitsWithDefaults() {
    Mapping m = parse("service: web\ncircuit_breakers:\n- max_requests: 2\n");
    CircuitBreakerState s = CircuitBreakerState.of(m.policies().circuitBreakers());
    assertThat(s.limits().maxRequests()).isEqualTo(2);
    assertThat(s.limits().maxConnections()).isEqualTo(1024);
    assertThat(s.tryStartRequest()).isTrue();
    assertThat(s.tryStartRequest()).isTrue();
    assertThat(s.tryStartRequest()).isFalse();
  }

  @Test
  void aMappingWithoutCorsHasNoPolicy() {
    assertThat(CorsPolicy.of(parse("service: web\n").policies().cors())).isEqualTo(Optional.empty());
  }
}
