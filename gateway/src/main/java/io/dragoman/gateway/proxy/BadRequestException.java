package io.dragoman.gateway.proxy;

/**
 * A request the gateway refuses to interpret: 400 unless a more precise answer fits (414, 431). Cheap: no stack
 * trace, it is an answer, not a bug.
 */
final class BadRequestException extends Exception {
  private final Failure failure;

  BadRequestException(String message) {
    this(Failure.BAD_REQUEST, message);
  }

  BadRequestException(Failure failure, String message) {
    super(message, null, false, false);
    this.failure = failure;
  }

  /** The answer: {@link Failure#BAD_REQUEST}, {@link Failure#URI_TOO_LONG} or {@link Failure#HEADERS_TOO_LARGE}. */
  Failure failure() {
    return failure;
  }
}
