package io.dragoman.gateway.mapping;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go-style duration strings as Emissary writes them ({@code "500ms"}, {@code "1.5s"}, {@code "1m30s"}), read to whole
 * milliseconds (rounded up, so a positive duration never becomes "no limit").
 */
final class Durations {
  private static final int MAX_CHARS = 64;
  private static final Pattern WHOLE = Pattern.compile("(\\d{1,9}(\\.\\d{1,9})?(ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)(ms|s|m|h)");

  private Durations() {}

  static OptionalLong millis(String text) {
    if (text.length() > MAX_CHARS || !WHOLE.matcher(text).matches()) return OptionalLong.empty();
    BigDecimal total = BigDecimal.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      total = total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitMillis(m.group(2)))));
    }
    return OptionalLong.of(total.setScale(0, RoundingMode.CEILING).longValueExact());
  }

  private static long unitMillis(String unit) {
    return switch (unit) {
      case "ms" -> 1;
      case "s" -> 1_000;
      case "m" -> 60_000;
      default -> 3_600_000;
    };
  }
}
