package io.dragoman.gateway.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes the gateway's own error answers: JSON {@code {"error": "..."}} (the shape TF Serving and KServe use, so a
 * client parses one shape) with the status and reason header of the {@link Failure}.
 */
final class ErrorResponses {
  static final HttpString REASON = new HttpString(Failure.REASON_HEADER);

  private ErrorResponses() {}

  static void send(DownstreamExchange exchange, Failure failure, String message) {
    send(exchange, failure, message, null, null);
  }

  /** With one more header, set after the reset (e.g. Retry-After on 429). */
  static void send(
      DownstreamExchange exchange, Failure failure, String message, HttpString header, String value) {
    exchange.attach(ProxyAttachments.FAILURE, failure);
    if (exchange.isResponseStarted()) {
      // Too late for a status: the client sees the stream cut, which is the honest answer.
      exchange.closeConnection();
      return;
    }
    exchange.responseHeaders().clear();
    exchange.setStatusCode(failure.status());
    exchange.responseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.responseHeaders().put(REASON, failure.reason());
    if (header != null) exchange.responseHeaders().put(header, value);
    if (failure == Failure.BAD_REQUEST) {
      exchange.closeAfterResponse();
    }
    byte[] body = json(message);
    exchange.setResponseContentLength(body.length);
    exchange.sendAndEnd(ByteBuffer.wrap(body));
  }

  static byte[] json(String message) {
    StringBuilder sb = new StringBuilder(message.length() + 16).append("{\"error\": \"");
    JsonStringEncoder.getInstance().quoteAsString(message, sb);
    return sb.append("\"}\n").toString().getBytes(StandardCharsets.UTF_8);
  }

}
