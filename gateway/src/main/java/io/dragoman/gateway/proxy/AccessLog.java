package io.dragoman.gateway.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.dragoman.gateway.routing.Route;
import io.undertow.util.Headers;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on logger {@code dragoman.access}, with Envoy's default fields so operators can read it:
 * start time, request line, status, response flag, bytes, duration, forwarded-for, user agent, request id,
 * authority, upstream, plus the Mapping that served it. JSON on request, for log pipelines.
 */
public final class AccessLog {
  public enum Format { TEXT, JSON, OFF }

  private static final Logger LOG = LoggerFactory.getLogger("dragoman.access");

  private final Format format;

  public AccessLog(Format format) {
    this.format = format;
  }

  void log(DownstreamExchange exchange, long startNanos, long endNanos) {
    if (format == Format.OFF || !LOG.isInfoEnabled()) return;
    Failure failure = exchange.attachment(ProxyAttachments.FAILURE);
    Route route = exchange.attachment(ProxyAttachments.ROUTE);
    long micros = (endNanos - startNanos) / 1000;
    Instant start = Instant.now().minusNanos(endNanos - startNanos);
    String method = exchange.method().toString();
    String path = exchange.requestUri();
    String query = exchange.queryString();
    String target = query == null || query.isEmpty() ? path : path + "?" + query;
    String flag = failure == null ? "-" : failure.reason();
    String received = exchange.requestHeaders().getFirst(Headers.CONTENT_LENGTH);
    long sent = exchange.responseBytesSent();
    String ua = exchange.requestHeaders().getFirst(Headers.USER_AGENT);
    String id = exchange.attachment(ProxyAttachments.REQUEST_ID);
    String authority = exchange.requestHeaders().getFirst(Headers.HOST);
    String upstream = route == null ? null : ConnectionPools.key(route.mapping().service());
    String mapping = route == null ? null : route.mapping().namespace() + "/" + route.mapping().name();
    String peer = exchange.sourceAddress() == null ? null : exchange.sourceAddress().getAddress().getHostAddress();
    if (format == Format.JSON) {
      StringBuilder sb = new StringBuilder(320).append('{');
      field(sb, "start_time", start.toString()).append(',');
      field(sb, "method", method).append(',');
      field(sb, "path", target).append(',');
      field(sb, "protocol", exchange.protocol().toString()).append(',');
      sb.append("\"response_code\":").append(exchange.statusCode()).append(',');
      field(sb, "response_flags", flag).append(',');
      sb.append("\"bytes_received\":").append(received == null ? "0" : digitsOrZero(received)).append(',');
      sb.append("\"bytes_sent\":").append(sent).append(',');
      sb.append("\"duration_ms\":").append(micros / 1000.0).append(',');
      field(sb, "client", peer).append(',');
      field(sb, "user_agent", ua).append(',');
      field(sb, "request_id", id).append(',');
      field(sb, "authority", authority).append(',');
      field(sb, "upstream", upstream).append(',');
      field(sb, "mapping", mapping).append('}');
      LOG.info(sb.toString());
      return;
    }
    LOG.info(
        "[{}] \"{} {} {}\" {} {} {} {} {} \"{}\" \"{}\" \"{}\" \"{}\" \"{}\" {}",
        start, method, target, exchange.protocol(), exchange.statusCode(), flag,
        received == null ? "0" : received, sent, micros / 1000, orDash(peer), orDash(ua), orDash(id),
        orDash(authority), orDash(upstream), orDash(mapping));
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }

  private static String digitsOrZero(String s) {
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return "0";
    return s.isEmpty() ? "0" : s;
  }

  private static StringBuilder field(StringBuilder sb, String name, String value) {
    sb.append('"').append(name).append("\":");
    if (value == null) return sb.append("null");
    sb.append('"');
    JsonStringEncoder.getInstance().quoteAsString(value, sb);
    return sb.append('"');
  }
}
