package io.dragoman.gateway.source;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ParsedSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The last-good rules: a bad edit shows its errors but never takes away what was serving. Pure functions, so the
 * rules are tested without threads.
 */
final class LastGood {
  private LastGood() {}

  /**
   * What the table should be built from, given a source's new parse and its last good result (the effective result of
   * its last readable parse).
   *
   * <ul>
   *   <li>Unreadable text: the last good mappings and modules keep serving, with the new errors, marked unreadable so
   *       the table shows the source as stale.
   *   <li>Readable text: a Mapping that is now invalid (an error names it) but was valid before keeps its old version
   *       serving beside the error, until the user fixes or deletes it.
   * </ul>
   */
  static ParsedSource merge(ParsedSource parsed, Optional<ParsedSource> lastGood) {
    if (lastGood.isEmpty()) {
      return parsed;
    }
    ParsedSource good = lastGood.get();
    if (parsed.unreadable()) {
      return new ParsedSource(
          parsed.key(),
          parsed.namespace(),
          good.mappings(),
          good.modules(),
          parsed.errors(),
          good.skipped(),
          good.objectCount(),
          true);
    }
    List<Mapping> kept = stillServing(parsed, good);
    if (kept.isEmpty()) {
      return parsed;
    }
    List<Mapping> mappings = new ArrayList<>(parsed.mappings());
    mappings.addAll(kept);
    return new ParsedSource(
        parsed.key(),
        parsed.namespace(),
        mappings,
        parsed.modules(),
        parsed.errors(),
        parsed.skipped(),
        parsed.objectCount(),
        false);
  }

  /** Old Mappings whose new version has an error and no valid replacement. */
  private static List<Mapping> stillServing(ParsedSource parsed, ParsedSource good) {
    Set<String> failed = parsed.errors().stream().map(ConfigError::object).collect(Collectors.toSet());
    if (failed.isEmpty()) {
      return List.of();
    }
    Set<String> valid = parsed.mappings().stream().map(Mapping::name).collect(Collectors.toSet());
    return good.mappings().stream()
        .filter(m -> failed.contains(m.name()) && !valid.contains(m.name()))
        .toList();
  }
}
