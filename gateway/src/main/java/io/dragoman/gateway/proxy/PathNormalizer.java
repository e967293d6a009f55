package io.dragoman.gateway.proxy;

/**
 * Turns the raw request path into the one string that is both matched and forwarded, or refuses it. Normalising
 * decodes percent-encoded unreserved characters only, resolves {@code .} and {@code ..} segments and merges repeated
 * slashes. Anything ambiguous is refused rather than guessed at: {@code ..} above the root, encoded slash or
 * backslash, a raw backslash, control bytes (raw or encoded), invalid UTF-8, {@code ;} path parameters and fragments.
 * Raw bytes above 0x7F (Undertow hands them over as chars 0x80-0xFF) are percent-encoded so the upstream sees ASCII.
 */
final class PathNormalizer {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private PathNormalizer() {}

  /**
   * @param raw the path part of the request target, without the query string
   * @return the normalised path, starting with {@code /}
   */
  static String normalize(String raw) throws BadRequestException {
    if (raw.isEmpty() || raw.charAt(0) != '/') {
      throw new BadRequestException("request path must start with /");
    }
    if (isAlreadyNormal(raw)) {
      return raw; // the common case: no allocation
    }
    String decoded = decode(raw);
    return resolveSegments(decoded);
  }

  /** Plain ASCII path characters, no '%', no dot segments, no double slashes. */
  private static boolean isAlreadyNormal(String s) {
    char prev = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '%' || c == '\\' || c == ';' || c == '#') return false;
      if (c == '/' && prev == '/') return false;
      if (c == '.' && prev == '/') return false; // possibly a dot segment: take the slow path
      prev = c;
    }
    return true;
  }

  private static String decode(String raw) throws BadRequestException {
    StringBuilder out = new StringBuilder(raw.length() + 16);
    Utf8Checker utf8 = new Utf8Checker();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) throw new BadRequestException("truncated percent-encoding in path");
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) throw new BadRequestException("invalid percent-encoding in path");
        int b = (hi << 4) | lo;
        i += 2;
        if (b == '/' || b == '\\') throw new BadRequestException("encoded slash or backslash in path");
        if (b < 0x20 || b == 0x7f) throw new BadRequestException("encoded control character in path");
        utf8.accept(b);
        if (isUnreserved(b)) {
          out.append((char) b);
        } else {
          appendEncoded(out, b);
        }
        continue;
      }
      if (c > 0xff) throw new BadRequestException("invalid character in path");
      if (c < 0x20 || c == 0x7f) throw new BadRequestException("control character in path");
      if (c == '\\') throw new BadRequestException("backslash in path");
      if (c == ';') throw new BadRequestException("path parameters (;) are not accepted");
      if (c == '#') throw new BadRequestException("fragment in request target");
      if (c == ' ') throw new BadRequestException("space in path");
      utf8.accept(c);
      if (c >= 0x80) {
        appendEncoded(out, c);
      } else {
        out.append(c);
      }
    }
    utf8.finish();
    return out.toString();
  }

  private static String resolveSegments(String path) throws BadRequestException {
    // Segments between slashes; empty ones (from //) are merged away.
    java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
    int n = path.length();
    for (int i = 1; i <= n; ) {
      int j = path.indexOf('/', i);
      if (j < 0) j = n;
      String seg = path.substring(i, j);
      if (seg.equals("..")) {
        if (stack.isEmpty()) throw new BadRequestException("path climbs above the root");
        stack.removeLast();
      } else if (!seg.isEmpty() && !seg.equals(".")) {
        stack.addLast(seg);
      }
      i = j + 1;
    }
    boolean trailingSlash = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
    StringBuilder out = new StringBuilder(path.length());
    for (String seg : stack) out.append('/').append(seg);
    if (out.length() == 0 || trailingSlash) out.append('/');
    return out.toString();
  }

  private static boolean isUnreserved(int b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
        || b == '-' || b == '.' || b == '_' || b == '~';
  }

  private static void appendEncoded(StringBuilder out, int b) {
    out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
  }

  /** Validates a byte sequence as UTF-8, byte by byte. */
  private static final class Utf8Checker {
    private int remaining;
    private int codePoint;
    private int min;

    void accept(int b) throws BadRequestException {
      if (remaining == 0) {
        if (b < 0x80) return;
        if (b >= 0xc2 && b <= 0xdf) start(1, b & 0x1f, 0x80);
        else if (b >= 0xe0 && b <= 0xef) start(2, b & 0x0f, 0x800);
        else if (b >= 0xf0 && b <= 0xf4) start(3, b & 0x07, 0x10000);
        else throw new BadRequestException("invalid UTF-8 in path");
        return;
      }
      if ((b & 0xc0) != 0x80) throw new BadRequestException("invalid UTF-8 in path");
      codePoint = (codePoint << 6) | (b & 0x3f);
      if (--remaining == 0
          && (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))) {
        throw new BadRequestException("invalid UTF-8 in path");
      }
    }

    private void start(int more, int bits, int minimum) {
      remaining = more;
      codePoint = bits;
      min = minimum;
    }

    void finish() throws BadRequestException {
      if (remaining != 0) throw new BadRequestException("invalid UTF-8 in path");
    }
  }
}
