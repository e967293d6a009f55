package io.dragoman.gateway.proxy;

import javax.net.ssl.SSLException;
import org.xnio.channels.ReadTimeoutException;

/** Reads what an upstream I/O failure was, for the answer's message and the choice of failure. */
final class UpstreamErrors {
  private UpstreamErrors() {}

  static SSLException tlsFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException ssl) return ssl;
    }
    return null;
  }

  static boolean isReadTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ReadTimeoutException) return true;
    }
    return false;
  }

  /**
   * Whether a failure on a reused keep-alive connection may just mean the upstream had closed it: not a read timeout
   * (the upstream took the request and said nothing), a response the gateway refused to frame (it answered), or a
   * request head the gateway refused to write (no connection would take it).
   */
  static boolean mayBeStale(Throwable e) {
    return !isReadTimeout(e) && !(e instanceof ResponseHead.MalformedException)
        && !(e instanceof RequestHead.UnsafeException);
  }

  static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
