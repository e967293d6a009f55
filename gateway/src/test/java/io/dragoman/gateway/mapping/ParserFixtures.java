package io.dragoman.gateway.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

/** Shared helpers: parse text as a source, and pick out the single result a test expects. */
final class ParserFixtures {
  static final MappingParser PARSER = new MappingParser(ParserSettings.DEFAULTS);

  private ParserFixtures() {}

  static ParsedSource parse(String yaml) {
    return parse("src.default", "default", yaml);
  }

  static ParsedSource parse(String key, String namespace, String yaml) {
    return PARSER.parse(new SourceObject(key, namespace, Map.of(), yaml));
  }

  /** A flat v1 Mapping named {@code m} with prefix /p/ and service svc, plus {@code extra} attribute lines. */
  static String mapping(String extra) {
    return """
        apiVersion: getambassador.io/v2
        kind: Mapping
        name: m
        prefix: /p/
        service: svc
        """ + extra;
  }

  static Mapping onlyMapping(String yaml) {
    ParsedSource parsed = parse(yaml);
    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.mappings()).hasSize(1);
    return parsed.mappings().get(0);
  }

  static List<String> messages(ParsedSource parsed) {
    return parsed.errors().stream().map(ConfigError::message).toList();
  }

  /** The one error of a Mapping with {@code extra} added. */
  static ConfigError onlyError(String extra) {
    ParsedSource parsed = parse(mapping(extra));
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.errors()).hasSize(1);
    return parsed.errors().get(0);
  }
}
