package io.dragoman.gateway.mapping;

import java.util.Objects;

/** An object ignored on purpose (another ambassador_id, a kind not supported yet, an empty document). */
public record Skipped(String source, String object, String kind, String reason) {
  public Skipped {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
  }
}
