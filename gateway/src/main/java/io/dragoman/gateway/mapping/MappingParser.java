package io.dragoman.gateway.mapping;

/**
 * Reads one source's YAML stream into Mappings, Modules, errors and skipped objects. Pure: no I/O, no clock.
 * Never throws on bad input: every problem is a {@link ConfigError} in the result, and one bad object never hides
 * another. The accepted attributes are documented in {@code docs/mapping-reference.md}.
 */
public final class MappingParser {
  private final ParserSettings settings;
  private final SafeYaml yaml;

  public MappingParser(ParserSettings settings) {
    this.settings = settings;
    this.yaml = new SafeYaml(settings);
  }

  /**
   * Parses every document of {@code source}. When the text as a whole cannot be read (YAML syntax, size, alias or
   * depth limits, also inside a Service's annotation) the result is {@code unreadable} with one error naming the
   * source, and holds no objects.
   */
  public ParsedSource parse(SourceObject source) {
    try {
      return new SourceRun(source, settings, yaml).read();
    } catch (RuntimeException e) {
      // A bug here must cost one source, not the whole table rebuild: report it like unreadable text.
      ConfigError error =
          new ConfigError(source.key(), source.key(), "", "internal error while parsing: " + e);
      return new ParsedSource(
          source.key(), source.namespace(), java.util.List.of(), java.util.List.of(), java.util.List.of(error),
          java.util.List.of(), 0, true);
    }
  }

  public ParserSettings settings() {
    return settings;
  }
}
