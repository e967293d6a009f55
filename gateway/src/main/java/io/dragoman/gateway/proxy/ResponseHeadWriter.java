package io.dragoman.gateway.proxy;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Writes an HTTP/1.1 response head: status line, header fields in the map's order, blank line. */
final class ResponseHeadWriter {
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1024]);

  private ResponseHeadWriter() {}

  /**
   * The head in a buffer from {@code pool} (direct, so the socket write needs no copy into a temporary direct buffer
   * of the JDK's), or in a heap buffer of its own when it is larger than the pool's buffers. Flipped, ready to write.
   */
  static PooledByteBuffer write(int status, String reason, HeaderMap headers, ByteBufferPool pool) {
    int n = write(status, reason, headers);
    byte[] b = SCRATCH.get();
    if (n > pool.getBufferSize()) return new Unpooled(ByteBuffer.wrap(Arrays.copyOf(b, n)));
    PooledByteBuffer pooled = pool.allocate();
    pooled.getBuffer().put(b, 0, n).flip();
    return pooled;
  }

  /** A head too large for the pool's buffers: nothing to give back. */
  private record Unpooled(ByteBuffer getBuffer) implements PooledByteBuffer {
    @Override
    public void close() {}

    @Override
    public boolean isOpen() {
      return true;
    }
  }

  /** Writes the head into the thread's scratch array (kept there, grown if need be); returns its length. */
  private static int write(int status, String reason, HeaderMap headers) {
    byte[] scratch = SCRATCH.get();
    byte[] b = scratch;
    int n = 0;
    b = ascii(b, n, "HTTP/1.1 ");
    n += 9;
    b = ensure(b, n + 3);
    b[n++] = (byte) ('0' + status / 100 % 10);
    b[n++] = (byte) ('0' + status / 10 % 10);
    b[n++] = (byte) ('0' + status % 10);
    b = ensure(b, n + 1);
    b[n++] = ' ';
    b = ascii(b, n, reason);
    n += reason.length();
    b = crlf(b, n);
    n += 2;
    for (long c = headers.fastIterateNonEmpty(); c != -1L; c = headers.fiNextNonEmpty(c)) {
      HeaderValues values = headers.fiCurrent(c);
      HttpString name = values.getHeaderName();
      for (int i = 0; i < values.size(); i++) {
        String value = values.get(i);
        b = ensure(b, n + name.length() + 2 + value.length() + 2);
        name.copyTo(b, n);
        n += name.length();
        b[n++] = ':';
        b[n++] = ' ';
        b = ascii(b, n, value);
        n += value.length();
        b = crlf(b, n);
        n += 2;
      }
    }
    b = crlf(b, n);
    n += 2;
    if (b != scratch) SCRATCH.set(b); // only when grown: a set per response cost more than the rest of the lookup
    return n;
  }

  private static byte[] ensure(byte[] b, int size) {
    return size <= b.length ? b : Arrays.copyOf(b, Math.max(size, b.length * 2));
  }

  private static byte[] ascii(byte[] b, int at, String s) {
    b = ensure(b, at + s.length());
    for (int i = 0; i < s.length(); i++) b[at + i] = (byte) s.charAt(i);
    return b;
  }

  private static byte[] crlf(byte[] b, int at) {
    b = ensure(b, at + 2);
    b[at] = '\r';
    b[at + 1] = '\n';
    return b;
  }
}
