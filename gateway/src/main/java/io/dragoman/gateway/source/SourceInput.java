package io.dragoman.gateway.source;

import io.dragoman.gateway.mapping.SourceObject;
import java.util.Map;
import java.util.Objects;

/**
 * What a source currently holds: its text, or the reason its text could not be read at all (an I/O error, bytes that
 * are not UTF-8, a file over the size limit). A failed read still counts as a change, so the source shows the error
 * and keeps serving its last good objects.
 *
 * @param readError empty when {@code source} carries the text
 */
record SourceInput(SourceObject source, String readError) {
  SourceInput {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(readError, "readError");
  }

  static SourceInput readable(SourceObject source) {
    return new SourceInput(source, "");
  }

  static SourceInput unreadable(String key, String namespace, String reason) {
    if (reason.isEmpty()) {
      throw new IllegalArgumentException("reason: \"\" (expected: why the source could not be read)");
    }
    return new SourceInput(new SourceObject(key, namespace, Map.of(), ""), reason);
  }

  String key() {
    return source.key();
  }

  boolean isReadable() {
    return readError.isEmpty();
  }
}
