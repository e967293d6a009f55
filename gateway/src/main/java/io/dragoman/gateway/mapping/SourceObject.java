package io.dragoman.gateway.mapping;

import java.util.Map;
import java.util.Objects;

/**
 * One unit of configuration text and where it came from: a Service annotation ({@code <service>.<namespace>}) or a
 * file (its path relative to the config root). {@code namespace} is where the objects in it live unless they name
 * another.
 */
public record SourceObject(String key, String namespace, Map<String, String> labels, String text) {
  public SourceObject {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(namespace, "namespace");
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    Objects.requireNonNull(text, "text");
  }
}
