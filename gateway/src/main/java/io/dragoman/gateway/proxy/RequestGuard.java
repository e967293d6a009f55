package io.dragoman.gateway.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;

/**
 * Refusals of requests whose meaning is ambiguous, before anything is matched or forwarded (HARDENING.md): the
 * answer is 400 and the connection is closed.
 */
final class RequestGuard {
  private RequestGuard() {}

  static void check(HttpServerExchange exchange) throws BadRequestException {
    rejectUnderscoreHeaders(exchange);
  }

  /** Some upstreams fold {@code _} into {@code -}, so {@code X_User} could smuggle past a check on {@code X-User}. */
  private static void rejectUnderscoreHeaders(HttpServerExchange exchange) throws BadRequestException {
    for (HeaderValues values : exchange.getRequestHeaders()) {
      String name = values.getHeaderName().toString();
      if (name.indexOf('_') >= 0) {
        throw new BadRequestException("header names with underscores are refused: " + name);
      }
    }
  }
}
