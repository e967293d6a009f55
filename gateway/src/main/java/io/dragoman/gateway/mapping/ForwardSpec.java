package io.dragoman.gateway.mapping;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a matched request is forwarded. Optional timeouts are empty when the Mapping did not set them, so the
 * {@code Module ambassador} default (or the built-in one) applies.
 *
 * @param rewrite replaces the matched prefix; "" forwards the path unchanged (default "/")
 * @param hostRewrite "" keeps the client's Host
 * @param allowUpgrade protocols allowed to upgrade ({@code use_websocket: true} adds {@code websocket}), lower case
 */
public record ForwardSpec(
    String rewrite,
    Optional<RegexRewrite> regexRewrite,
    String hostRewrite,
    boolean autoHostRewrite,
    List<HeaderValue> addRequestHeaders,
    List<String> removeRequestHeaders,
    List<HeaderValue> addResponseHeaders,
    List<String> removeResponseHeaders,
    OptionalLong timeoutMs,
    OptionalLong connectTimeoutMs,
    OptionalLong idleTimeoutMs,
    boolean grpc,
    List<String> allowUpgrade,
    OptionalLong maxRequestBodyBytes) {

  public static final ForwardSpec DEFAULTS =
      new ForwardSpec(
          "/",
          Optional.empty(),
          "",
          false,
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          false,
          List.of(),
          OptionalLong.empty());

  public ForwardSpec {
    Objects.requireNonNull(rewrite, "rewrite");
    Objects.requireNonNull(regexRewrite, "regexRewrite");
    Objects.requireNonNull(hostRewrite, "hostRewrite");
    addRequestHeaders = List.copyOf(addRequestHeaders);
    removeRequestHeaders = List.copyOf(removeRequestHeaders);
    addResponseHeaders = List.copyOf(addResponseHeaders);
    removeResponseHeaders = List.copyOf(removeResponseHeaders);
    Objects.requireNonNull(timeoutMs, "timeoutMs");
    Objects.requireNonNull(connectTimeoutMs, "connectTimeoutMs");
    Objects.requireNonNull(idleTimeoutMs, "idleTimeoutMs");
    allowUpgrade = List.copyOf(allowUpgrade);
    Objects.requireNonNull(maxRequestBodyBytes, "maxRequestBodyBytes");
  }
}
