package io.dragoman.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.Map;

/** The one error shape the gateway answers with: {@code {"error": "<message>"}}. */
final class ErrorJson {
  private static final ObjectWriter WRITER = new ObjectMapper().writer();

  private ErrorJson() {}

  static String of(String message) {
    try {
      return WRITER.writeValueAsString(Map.of("error", message)) + "\n";
    } catch (JsonProcessingException e) {
      // Serialising a map of two strings cannot fail; keep the shape anyway.
      return "{\"error\":\"internal error\"}\n";
    }
  }
}
