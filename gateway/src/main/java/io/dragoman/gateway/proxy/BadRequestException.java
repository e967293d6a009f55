package io.dragoman.gateway.proxy;

/** A request the gateway refuses to interpret (400). Cheap: no stack trace, it is an answer, not a bug. */
final class BadRequestException extends Exception {
  BadRequestException(String message) {
    super(message, null, false, false);
  }
}
