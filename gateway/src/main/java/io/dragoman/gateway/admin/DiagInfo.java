package io.dragoman.gateway.admin;

import java.time.Instant;
import java.util.Objects;

/**
 * What diagnostics shows about the process itself, beside the route table.
 *
 * @param gatewayNamespace the gateway's own namespace
 * @param ready whether the readiness endpoint answers 200 now
 */
public record DiagInfo(
    String ambassadorId, String gatewayNamespace, String version, boolean ready, Instant startedAt) {
  public DiagInfo {
    Objects.requireNonNull(ambassadorId, "ambassadorId");
    Objects.requireNonNull(gatewayNamespace, "gatewayNamespace");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(startedAt, "startedAt");
  }
}
