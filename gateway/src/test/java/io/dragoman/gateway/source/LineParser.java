package io.dragoman.gateway.source;

import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.mapping.SourceObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A fake parser with a one-line-per-object language, so tests can ask for exact outcomes: a line {@code name} is a
 * valid Mapping called name (its service is the rest of the line after {@code =}, if any), {@code !name} an invalid
 * object called name, and any text containing {@code BROKEN} is unreadable as a whole.
 */
final class LineParser implements Function<SourceObject, ParsedSource> {
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, SourceObject> last = new ConcurrentHashMap<>();

  @Override
  public ParsedSource apply(SourceObject source) {
    calls.computeIfAbsent(source.key(), k -> new AtomicInteger()).incrementAndGet();
    last.put(source.key(), source);
    String key = source.key();
    if (source.text().contains("BROKEN")) {
      ConfigError error = new ConfigError(key, key, "", "broken YAML");
      return new ParsedSource(key, source.namespace(), List.of(), List.of(), List.of(error), List.of(), 0, true);
    }
    List<Mapping> mappings = new ArrayList<>();
    List<ConfigError> errors = new ArrayList<>();
    int index = 0;
    for (String line : source.text().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      index++;
      if (line.startsWith("!")) {
        errors.add(new ConfigError(key, line.substring(1), "prefix", "invalid"));
      } else {
        mappings.add(mapping(source, line.strip(), index));
      }
    }
    return new ParsedSource(key, source.namespace(), mappings, List.of(), errors, List.of(), index, false);
  }

  private static Mapping mapping(SourceObject source, String line, int index) {
    String[] parts = line.split("=", 2);
    String service = parts.length > 1 ? parts[1] : "svc";
    return Mapping.builder(parts[0], "/" + parts[0] + "/", new ServiceRef(service, false, service, 80))
        .namespace(source.namespace())
        .source(source.key())
        .objectId(source.key() + "." + index)
        .build();
  }

  int calls(String key) {
    AtomicInteger n = calls.get(key);
    return n == null ? 0 : n.get();
  }

  SourceObject last(String key) {
    return last.get(key);
  }
}
