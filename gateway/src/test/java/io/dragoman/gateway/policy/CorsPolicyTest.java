package io.dragoman.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.dragoman.gateway.mapping.Cors;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CorsPolicyTest {
  private static final String A = "https://a.example";

  private static CorsPolicy policy(List<String> origins, boolean credentials) {
    Cors cors =
        new Cors(origins, List.of("GET", "POST"), List.of("Content-Type", "X-Auth"), credentials,
            List.of("X-Request-Id"), OptionalLong.of(86400));
    return CorsPolicy.of(Optional.of(cors)).orElseThrow();
  }

  private static CorsPolicy bare(List<String> origins) {
    Cors cors = new Cors(origins, List.of(), List.of(), false, List.of(), OptionalLong.empty());
    return CorsPolicy.of(Optional.of(cors)).orElseThrow();
  }

  private static Preflight.Answer answer(Preflight p) {
    assertThat(p).isInstanceOf(Preflight.Answer.class);
    return (Preflight.Answer) p;
  }

  @Test
  void noCorsBlockMeansNoPolicy() {
    assertThat(CorsPolicy.of(Optional.empty())).isEmpty();
  }

  @Test
  void preflightFromAnAllowedOriginIsAnsweredWithEveryConfiguredHeaderInOrder() {
    Preflight.Answer a = answer(policy(List.of(A), false).preflight(A, "POST", "content-type"));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.allowed()).isTrue();
    assertThat(a.headers()).containsExactly(
        entry("Access-Control-Allow-Origin", A),
        entry("Vary", "Origin"),
        entry("Access-Control-Allow-Methods", "GET, POST"),
        entry("Access-Control-Allow-Headers", "Content-Type, X-Auth"),
        entry("Access-Control-Max-Age", "86400"));
  }

  @Test
  void preflightWithCredentialsAddsAllowCredentials() {
    Preflight.Answer a = answer(policy(List.of(A), true).preflight(A, "GET", null));
    assertThat(a.headers()).containsEntry("Access-Control-Allow-Credentials", "true")
        .containsEntry("Access-Control-Allow-Origin", A);
  }

  @Test
  void preflightFromADisallowedOriginIsAnsweredWithoutCorsHeaders() {
    Preflight.Answer a = answer(policy(List.of(A), true).preflight("https://evil.example", "POST", "x-auth"));
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.allowed()).isFalse();
    assertThat(a.headers()).isEmpty();
  }

  @Test
  void optionsWithoutOriginIsProxied() {
    assertThat(policy(List.of(A), false).preflight(null, "POST", null)).isEqualTo(new Preflight.Proxy());
    assertThat(policy(List.of(A), false).preflight("", "POST", null)).isEqualTo(new Preflight.Proxy());
  }

  @Test
  void optionsWithoutRequestMethodIsProxied() {
    assertThat(policy(List.of(A), false).preflight(A, null, null)).isEqualTo(new Preflight.Proxy());
    assertThat(policy(List.of(A), false).preflight(A, "", "x-auth")).isEqualTo(new Preflight.Proxy());
  }

  @Test
  void wildcardWithoutCredentialsAnswersStar() {
    Preflight.Answer a = answer(policy(List.of("*"), false).preflight("https://any.example", "GET", null));
    assertThat(a.headers()).containsEntry("Access-Control-Allow-Origin", "*").containsEntry("Vary", "Origin")
        .doesNotContainKey("Access-Control-Allow-Credentials");
  }

  @Test
  void wildcardWithCredentialsEchoesTheOriginBecauseBrowsersRefuseStar() {
    CorsPolicy p = policy(List.of("*"), true);
    assertThat(answer(p.preflight("https://any.example", "GET", null)).headers())
        .containsEntry("Access-Control-Allow-Origin", "https://any.example")
        .containsEntry("Access-Control-Allow-Credentials", "true");
    assertThat(p.decorate("https://any.example"))
        .containsEntry("Access-Control-Allow-Origin", "https://any.example");
  }

  @Test
  void wildcardAmongExactOriginsAllowsAny() {
    assertThat(bare(List.of(A, "*")).allows("https://other.example")).isTrue();
  }

  @Test
  void emptyMethodsAndHeadersSendNoHeaderRatherThanEchoingTheRequest() {
    Preflight.Answer a = answer(bare(List.of(A)).preflight(A, "PUT", "x-custom"));
    assertThat(a.headers()).containsExactly(entry("Access-Control-Allow-Origin", A), entry("Vary", "Origin"));
  }

  @Test
  void originsCompareCaseInsensitivelyAndTheRequestsOriginIsEchoed() {
    CorsPolicy p = bare(List.of("https://A.Example"));
    assertThat(p.decorate("https://a.example")).containsEntry("Access-Control-Allow-Origin", "https://a.example");
  }

  @Test
  void originsAreExactNotPrefixesOrPatterns() {
    CorsPolicy p = bare(List.of(A, "https://*.example"));
    assertThat(p.allows("https://a.example.evil")).isFalse();
    assertThat(p.allows("http://a.example")).isFalse();
    assertThat(p.allows("https://b.example")).isFalse();
    assertThat(p.allows("https://a.example:8443")).isFalse();
  }

  @Test
  void noOriginsConfiguredAllowsNobody() {
    CorsPolicy p = bare(List.of());
    assertThat(p.allows(A)).isFalse();
    assertThat(answer(p.preflight(A, "GET", null)).allowed()).isFalse();
  }

  @Test
  void decorateAddsOriginVaryCredentialsAndExposedHeaders() {
    assertThat(policy(List.of(A), true).decorate(A)).containsExactly(
        entry("Access-Control-Allow-Origin", A),
        entry("Vary", "Origin"),
        entry("Access-Control-Allow-Credentials", "true"),
        entry("Access-Control-Expose-Headers", "X-Request-Id"));
  }

  @Test
  void decorateNeverAddsPreflightOnlyHeaders() {
    assertThat(policy(List.of(A), false).decorate(A)).doesNotContainKeys(
        "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age");
  }

  @Test
  void decorateIsEmptyForDisallowedOrMissingOrigin() {
    CorsPolicy p = policy(List.of(A), true);
    assertThat(p.decorate("https://evil.example")).isEmpty();
    assertThat(p.decorate(null)).isEmpty();
    assertThat(p.decorate("")).isEmpty();
  }

  @Test
  void maxAgeZeroIsSentAsZero() {
    Cors cors = new Cors(List.of(A), List.of(), List.of(), false, List.of(), OptionalLong.of(0));
    assertThat(answer(CorsPolicy.of(Optional.of(cors)).orElseThrow().preflight(A, "GET", null)).headers())
        .containsEntry("Access-Control-Max-Age", "0");
  }

  @Test
  void answerHeadersAreImmutable() {
    Preflight.Answer a = answer(policy(List.of(A), false).preflight(A, "GET", null));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.headers().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    Map<String, String> d = policy(List.of(A), false).decorate(A);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> d.put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
