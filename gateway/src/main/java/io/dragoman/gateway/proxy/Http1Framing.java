package io.dragoman.gateway.proxy;

import java.nio.ByteBuffer;

/**
 * Follows the framing of the HTTP/1.1 requests on one connection, byte by byte, ahead of Undertow's parser: where
 * each head starts and ends, how long each body is, and each chunk-size line. It refuses what Undertow 2.4 would
 * read leniently: a chunk-size line that is not 1 to 16 hex digits (optionally followed by {@code ;extension}) ended
 * by CRLF, chunk data not followed by CRLF, and obsolete line folding (a header or trailer line starting with SP or
 * HTAB). It also keeps the head timeout's clock (see {@link #headClockPending}).
 *
 * <p>It never refuses on a guess: a head whose body length it cannot tell for certain (several or malformed
 * {@code Content-Length}, a {@code Transfer-Encoding} other than {@code chunked}, both) is refused by Undertow or
 * {@link RequestGuard}, which close the connection; from there, and after HTTP/2's prior-knowledge preface, it
 * stops following the connection. After a request carrying {@code Upgrade} it waits to be told whether the answer
 * switched protocols ({@link #upgradeAnswered}).
 */
final class Http1Framing {
  private static final int KEPT = 64; // bytes kept of each line: enough for a name and a length or a chunk size
  private static final int MAX_CHUNK_DIGITS = 16;
  private static final int MAX_CHUNK_LINE = 4096;

  private enum State { IDLE, HEAD, BODY, CHUNK_LINE, CHUNK_DATA, CHUNK_CR, CHUNK_LF, TRAILERS, PASSIVE }

  private State state = State.IDLE;
  private final byte[] line = new byte[KEPT];
  private int lineLength;
  private int headLines;
  private long remaining;
  private long contentLength = -1;
  private boolean chunked;
  private boolean ambiguous;
  private boolean upgrade;
  private volatile boolean upgradePending; // set by the reading thread, cleared by the one writing the answer
  private volatile boolean switched;
  private long headStartedAt = -1;
  private static final int BETWEEN = Integer.MIN_VALUE;

  private byte previous;
  private boolean headEnded;
  private int messageStart; // index in the current feed where the current message began; -1 before it; BETWEEN
  private String violation;

  /**
   * Follows {@code buffer[from, to)}. Returns -1 when every byte is in order; otherwise the index of the first byte
   * of the message that broke a rule ({@code from} when it began in an earlier feed), with {@link #violation()} set.
   * After a violation nothing more may be fed.
   */
  int feed(ByteBuffer buffer, int from, int to) {
    messageStart = state == State.IDLE ? BETWEEN : -1;
    int i = from;
    while (i < to && violation == null) {
      switch (state) {
        case PASSIVE -> i = to;
        case BODY, CHUNK_DATA -> i += skip(to - i);
        default -> step(buffer.get(i++), i - 1);
      }
    }
    if (violation == null) return -1;
    return messageStart < 0 ? from : messageStart;
  }

  /**
   * After a violation: false when the refused message's head was handed on in an earlier feed (the request is
   * already being served, a body rule broke later), so no answer can be written in front of its response.
   */
  boolean answerable() {
    return !headEnded || messageStart >= 0;
  }

  /** Why the last feed was refused; null while all is in order. */
  String violation() {
    return violation;
  }

  /** True once the connection is no longer followed (see the class comment). */
  boolean passive() {
    return state == State.PASSIVE || switched;
  }

  boolean headInProgress() {
    return state == State.HEAD;
  }

  /** A request asked to switch protocols and its answer has not been seen yet. */
  boolean upgradePending() {
    return upgradePending;
  }

  /** The answer to the request that asked to upgrade: 101 means the rest of the connection is not HTTP/1.1. */
  void upgradeAnswered(boolean switched) {
    this.switched = switched;
    upgradePending = false;
  }

  /**
   * A head has begun but its clock has not: it starts when Undertow next asks for bytes ({@link #startHeadClock}),
   * which it does at once for a head it is waiting for, and only after answering for a head read early, behind a
   * request still being served (pipelined): a slow upstream is not the client's delay.
   */
  boolean headClockPending() {
    return state == State.HEAD && headStartedAt < 0;
  }

  void startHeadClock(long nowMs) {
    headStartedAt = nowMs;
  }

  /** When the clock of the head in progress started, or -1. */
  long headStartedAt() {
    return headStartedAt;
  }

  private int skip(int available) {
    int n = (int) Math.min(remaining, available);
    remaining -= n;
    if (remaining == 0) state = state == State.BODY ? nextMessage() : State.CHUNK_CR;
    return n;
  }

  private State nextMessage() {
    headLines = 0;
    contentLength = -1;
    chunked = ambiguous = upgrade = headEnded = false;
    messageStart = BETWEEN;
    return State.IDLE;
  }

  private void step(byte b, int index) {
    switch (state) {
      case IDLE -> {
        // A refusal cuts from here: the empty lines before a request line (ignored, RFC 9112 2.2) go with it, so
        // that no lone empty line is handed on to be answered as a request of its own.
        if (messageStart == BETWEEN) messageStart = index;
        if (b == '\r' || b == '\n') return;
        state = State.HEAD;
        lineLength = 0;
        lineByte(b);
      }
      case HEAD, TRAILERS, CHUNK_LINE -> lineByte(b);
      case CHUNK_CR -> {
        if (b == '\r') state = State.CHUNK_LF;
        else violation = "chunk data not followed by CRLF";
      }
      case CHUNK_LF -> {
        if (b == '\n') state = State.CHUNK_LINE;
        else violation = "chunk data not followed by CRLF";
      }
      default -> throw new IllegalStateException("no byte step in " + state);
    }
  }

  private void lineByte(byte b) {
    if (b != '\n') {
      previous = b;
      if (collapses(b)) return;
      if (lineLength < KEPT) line[lineLength] = b;
      lineLength++;
      if (state == State.CHUNK_LINE && lineLength > MAX_CHUNK_LINE) violation = "chunk-size line too long";
      return;
    }
    boolean crlf = lineLength > 0 && previous == '\r';
    int length = crlf ? lineLength - 1 : lineLength;
    lineLength = 0;
    switch (state) {
      case HEAD -> headLine(length);
      case TRAILERS -> trailerLine(length);
      default -> chunkLine(length, crlf);
    }
  }

  /**
   * Whitespace after a colon or more whitespace is not kept (a line's first byte always is), so no padding can push
   * a {@code Content-Length} value past the bytes kept and make the framing look unknown.
   */
  private boolean collapses(byte b) {
    if (b != ' ' && b != '\t' || lineLength == 0 || lineLength > KEPT) return false;
    byte last = line[lineLength - 1];
    return last == ':' || last == ' ' || last == '\t';
  }

  private void headLine(int length) {
    if (length == 0) {
      endOfHead();
      return;
    }
    if (headLines++ == 0) {
      if (startsWith("PRI ", length)) state = State.PASSIVE; // HTTP/2 with prior knowledge: no longer ours
      return;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      violation = "obsolete line folding in the request head";
      return;
    }
    header(length);
  }

  private void trailerLine(int length) {
    if (length == 0) {
      state = nextMessage();
    } else if (line[0] == ' ' || line[0] == '\t') {
      violation = "obsolete line folding in the trailers";
    }
  }

  private void header(int length) {
    if (nameIs("content-length", length)) {
      long value = digits(valueStart("content-length"), length);
      if (value < 0 || contentLength >= 0) ambiguous = true;
      contentLength = value;
    } else if (nameIs("transfer-encoding", length)) {
      if (chunked || !valueIs("chunked", valueStart("transfer-encoding"), length)) ambiguous = true;
      chunked = true;
    } else if (nameIs("upgrade", length)) {
      upgrade = true;
    }
  }

  private void endOfHead() {
    headStartedAt = -1;
    headEnded = true;
    upgradePending = upgrade;
    if (ambiguous || (chunked && contentLength >= 0)) {
      state = State.PASSIVE;
    } else if (chunked) {
      state = State.CHUNK_LINE;
    } else if (contentLength > 0) {
      remaining = contentLength;
      state = State.BODY;
    } else {
      state = nextMessage();
    }
  }

  /** {@code 1*16HEXDIG [ ";" chunk-ext ] CRLF}: no sign, no {@code 0x}, no whitespace, no bare LF. */
  private void chunkLine(int length, boolean crlf) {
    int kept = Math.min(length, KEPT);
    int n = 0;
    long size = 0;
    while (n < kept && Character.digit(line[n], 16) >= 0) size = (size << 4) | Character.digit(line[n++], 16);
    if (!crlf) {
      violation = "chunk-size line not ended by CRLF";
    } else if (n == 0 || n < length && line[n] != ';') {
      violation = "chunk size is not hex digits";
    } else if (n > MAX_CHUNK_DIGITS || size < 0) {
      violation = "chunk size too large";
    } else if (size == 0) {
      state = State.TRAILERS;
    } else {
      remaining = size;
      state = State.CHUNK_DATA;
    }
  }

  private boolean startsWith(String prefix, int length) {
    if (length < prefix.length()) return false;
    for (int i = 0; i < prefix.length(); i++) if (line[i] != prefix.charAt(i)) return false;
    return true;
  }

  /** The line is {@code name:...} (case-insensitive; a space before the colon is Undertow's to refuse). */
  private boolean nameIs(String name, int length) {
    if (length <= name.length() || name.length() >= KEPT || line[name.length()] != ':') return false;
    for (int i = 0; i < name.length(); i++) if ((line[i] | 0x20) != name.charAt(i)) return false;
    return true;
  }

  private static int valueStart(String name) {
    return name.length() + 1;
  }

  /** The value as a plain decimal number (up to 18 digits, as RequestGuard allows), or -1. */
  private long digits(int start, int length) {
    int end = trimmedEnd(start, length);
    start = trimmedStart(start, end);
    if (length > KEPT || end - start < 1 || end - start > 18) return -1;
    long value = 0;
    for (int i = start; i < end; i++) {
      if (line[i] < '0' || line[i] > '9') return -1;
      value = value * 10 + (line[i] - '0');
    }
    return value;
  }

  private boolean valueIs(String expected, int start, int length) {
    if (length > KEPT) return false;
    int end = trimmedEnd(start, length);
    start = trimmedStart(start, end);
    if (end - start != expected.length()) return false;
    for (int i = 0; i < expected.length(); i++) if ((line[start + i] | 0x20) != expected.charAt(i)) return false;
    return true;
  }

  private int trimmedEnd(int start, int length) {
    int end = Math.min(length, KEPT);
    while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) end--;
    return end;
  }

  private int trimmedStart(int start, int end) {
    while (start < end && (line[start] == ' ' || line[start] == '\t')) start++;
    return start;
  }
}
