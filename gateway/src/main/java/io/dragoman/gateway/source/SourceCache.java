package io.dragoman.gateway.source;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.SourceObject;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every source's latest parse and last good result, keyed and ordered by source key. Used by the builder thread only,
 * so it needs no locking; a change re-parses only the source that changed.
 */
final class SourceCache {
  private static final Logger log = LoggerFactory.getLogger(SourceCache.class);

  private record Entry(SourceInput input, ParsedSource effective, Optional<ParsedSource> lastGood) {}

  private final Function<SourceObject, ParsedSource> parser;
  private final TreeMap<String, Entry> entries = new TreeMap<>();

  SourceCache(Function<SourceObject, ParsedSource> parser) {
    this.parser = Objects.requireNonNull(parser, "parser");
  }

  /**
   * Applies changes (an empty value removes the key) and returns what to build the table from, in key order.
   */
  List<ParsedSource> apply(Map<String, Optional<SourceInput>> changes) {
    changes.forEach(
        (key, input) -> {
          if (input.isEmpty()) {
            entries.remove(key);
          } else {
            update(key, input.get());
          }
        });
    return entries.values().stream().map(Entry::effective).toList();
  }

  private void update(String key, SourceInput input) {
    Entry old = entries.get(key);
    if (old != null && old.input().equals(input)) {
      return;
    }
    ParsedSource parsed = parse(input);
    Optional<ParsedSource> lastGood = old == null ? Optional.empty() : old.lastGood();
    ParsedSource effective = LastGood.merge(parsed, lastGood);
    entries.put(key, new Entry(input, effective, parsed.unreadable() ? lastGood : Optional.of(effective)));
  }

  private ParsedSource parse(SourceInput input) {
    SourceObject source = input.source();
    if (!input.isReadable()) {
      return unreadable(source, input.readError());
    }
    try {
      return Objects.requireNonNull(parser.apply(source), "parser returned no result");
    } catch (RuntimeException | StackOverflowError e) {
      // The parser promises never to throw; if it does, that is our bug, and it must not cost the source its routes.
      log.error("parsing {} failed unexpectedly; keeping its last good objects", source.key(), e);
      return unreadable(source, "internal error while parsing: " + e);
    }
  }

  private static ParsedSource unreadable(SourceObject source, String reason) {
    ConfigError error = new ConfigError(source.key(), source.key(), "", reason);
    return new ParsedSource(
        source.key(), source.namespace(), List.of(), List.of(), List.of(error), List.of(), 0, true);
  }
}
