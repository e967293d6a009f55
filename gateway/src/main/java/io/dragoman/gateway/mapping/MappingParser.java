package io.dragoman.gateway.mapping;

import java.util.List;

/**
 * Reads one source's YAML stream into Mappings, Modules, errors and skipped objects. Pure: no I/O, no clock.
 * Never throws on bad input: every problem is a {@link ConfigError} in the result, and one bad object never hides
 * another.
 */
public final class MappingParser {
  private final ParserSettings settings;

  public MappingParser(ParserSettings settings) {
    this.settings = settings;
  }

  public ParsedSource parse(SourceObject source) {
    // Implemented by the mapping work package; see MappingParserTest.
    return new ParsedSource(source.key(), source.namespace(), List.of(), List.of(), List.of(), List.of(), 0, false);
  }

  public ParserSettings settings() {
    return settings;
  }
}
