package io.dragoman.gateway.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mangled input of every kind yields a result, never an exception. */
class ParserRobustnessTest {
  private static final String SEED = """
      apiVersion: v1
      kind: Service
      metadata:
        name: test
        namespace: kubeflow
        annotations:
          getambassador.io/config: |
            ---
            apiVersion: ambassador/v0
            kind: Mapping
            name: m
            prefix: /models/test/
            headers: {x-a: "1", x-b: true}
            regex_headers: {x-c: "v[0-9]+"}
            retry_policy: {retry_on: 5xx, per_try_timeout: 1s}
            circuit_breakers: [{max_connections: 4}]
            cors: {origins: "*", max_age: "60"}
            service: https://test:8000
      ---
      apiVersion: getambassador.io/v3alpha1
      kind: Mapping
      metadata: {name: k, namespace: ns}
      spec: {prefix: /k/, service: k, weight: 50, host_redirect: true, redirect_response_code: 302}
      """;
  private static final String ALPHABET = " \n\t:-[]{},&*!|>\"'#%@`?/\\0123456789abcxyz";

  @Test
  void seedParsesCleanly() {
    ParsedSource parsed = ParserFixtures.parse(SEED);
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.mappings()).hasSize(2);
  }

  @Test
  void mutatedTextNeverThrows() {
    Random random = new Random(20181128L);
    MappingParser parser = new MappingParser(ParserSettings.DEFAULTS);
    for (int round = 0; round < 1000; round++) {
      String text = mutate(SEED, random, 1 + random.nextInt(6));
      assertThatCode(() -> {
            ParsedSource parsed = parser.parse(new SourceObject("fuzz.default", "default", Map.of(), text));
            assertThat(parsed.unreadable() || parsed.objectCount() > 0 || text.isBlank()).isTrue();
            // the safety nets for bugs must never be what caught the input
            assertThat(parsed.errors()).noneMatch(e -> e.message().startsWith("internal error"));
          })
          .as("round %d", round)
          .doesNotThrowAnyException();
    }
  }

  private static String mutate(String s, Random random, int edits) {
    StringBuilder sb = new StringBuilder(s);
    for (int i = 0; i < edits && sb.length() > 0; i++) {
      int at = random.nextInt(sb.length());
      switch (random.nextInt(3)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        default -> sb.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
    }
    return sb.toString();
  }
}
