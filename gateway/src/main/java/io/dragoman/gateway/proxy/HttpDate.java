package io.dragoman.gateway.proxy;

import io.undertow.util.DateUtils;
import java.util.Date;

/** The {@code Date} header's value, formatted once a second rather than on every response. */
final class HttpDate {
  private record Stamp(long second, String text) {}

  private static volatile Stamp current = new Stamp(-1, "");

  private HttpDate() {}

  static String now() {
    long millis = System.currentTimeMillis();
    long second = millis / 1000;
    Stamp s = current;
    if (s.second != second) {
      s = new Stamp(second, DateUtils.toDateString(new Date(second * 1000)));
      current = s;
    }
    return s.text;
  }
}
