package io.dragoman.gateway.app;

import io.dragoman.gateway.proxy.ListenerLimits;
import io.dragoman.gateway.proxy.ProxySettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The public listener's limits an operator may change (HARDENING.md: every limit configurable), each a flag with an
 * environment variable. Defaults come from {@link ProxySettings#defaults} and {@link ListenerLimits#DEFAULTS}.
 */
public record ListenerFlags(
    long maxHeaderBytes,
    long maxHeaders,
    long requestHeadTimeoutMs,
    long idleTimeoutMs,
    long maxRequestBodyBytes,
    long maxUriBytes) {

  /** flag → environment variable, in usage order. */
  static final Map<String, String> NAMES = new LinkedHashMap<>();

  static {
    NAMES.put("--max-header-bytes", "DRAGOMAN_MAX_HEADER_BYTES");
    NAMES.put("--max-headers", "DRAGOMAN_MAX_HEADERS");
    NAMES.put("--request-head-timeout-ms", "DRAGOMAN_REQUEST_HEAD_TIMEOUT_MS");
    NAMES.put("--idle-timeout-ms", "DRAGOMAN_IDLE_TIMEOUT_MS");
    NAMES.put("--max-request-body-bytes", "DRAGOMAN_MAX_REQUEST_BODY_BYTES");
    NAMES.put("--max-uri-bytes", "DRAGOMAN_MAX_URI_BYTES");
  }

  public static final ListenerFlags DEFAULTS = defaults();

  private static ListenerFlags defaults() {
    ProxySettings d = ProxySettings.defaults(0);
    return new ListenerFlags(d.maxHeaderBytes(), d.maxHeaders(), d.requestHeadTimeoutMs(),
        d.idleConnectionTimeoutMs(), d.maxRequestBodyBytes(), ListenerLimits.DEFAULTS.maxUriBytes());
  }

  /** @param given values by flag name, already parsed as positive numbers; missing ones keep their default */
  static ListenerFlags of(Map<String, Long> given) {
    ListenerFlags d = DEFAULTS;
    return new ListenerFlags(
        intRange("--max-header-bytes", given.getOrDefault("--max-header-bytes", d.maxHeaderBytes)),
        intRange("--max-headers", given.getOrDefault("--max-headers", d.maxHeaders)),
        intRange("--request-head-timeout-ms", given.getOrDefault("--request-head-timeout-ms", d.requestHeadTimeoutMs)),
        intRange("--idle-timeout-ms", given.getOrDefault("--idle-timeout-ms", d.idleTimeoutMs)),
        given.getOrDefault("--max-request-body-bytes", d.maxRequestBodyBytes),
        intRange("--max-uri-bytes", given.getOrDefault("--max-uri-bytes", d.maxUriBytes)));
  }

  ProxySettings applyTo(ProxySettings s) {
    return s.withHeadLimits((int) maxHeaderBytes, (int) maxHeaders, requestHeadTimeoutMs)
        .withIdleConnectionTimeoutMs(idleTimeoutMs)
        .withMaxRequestBodyBytes(maxRequestBodyBytes)
        .withLimits(s.limits().withMaxUriBytes((int) maxUriBytes));
  }

  private static long intRange(String flag, long v) {
    if (v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(flag + ": " + v + " (expected: at most " + Integer.MAX_VALUE + ")");
    }
    return v;
  }
}
