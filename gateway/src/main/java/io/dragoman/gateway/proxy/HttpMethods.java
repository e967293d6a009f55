package io.dragoman.gateway.proxy;

import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/** Method tests for the relay's hot path. */
final class HttpMethods {
  private HttpMethods() {}

  /**
   * Whether {@code method} is HEAD, as {@code Methods.HEAD.equals} decides (ignoring case), without comparing the
   * bytes of every other four-letter method: {@code HttpString.equals} compares bytes whenever the lengths match, so
   * each POST paid a byte comparison twice per request. The hash is cached and ignores case as equals does.
   */
  static boolean isHead(HttpString method) {
    return method == Methods.HEAD || (method.hashCode() == Methods.HEAD.hashCode() && Methods.HEAD.equals(method));
  }
}
