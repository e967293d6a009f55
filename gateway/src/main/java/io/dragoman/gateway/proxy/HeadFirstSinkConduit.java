package io.dragoman.gateway.proxy;

import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSinkConduit;

/**
 * Puts a request head in front of the body on a keep-alive connection: the first body write sends head and body in
 * one system call (a small request leaves in one packet), a small body copied behind the head, a larger one gathered
 * with it. It never shuts the socket's writes down: the body's end is framing ({@code Content-Length} or the last
 * chunk), not the end of the connection.
 */
final class HeadFirstSinkConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {
  private PooledByteBuffer pooled; // the head's buffer when it came from the pool
  private ByteBuffer head; // flipped, null once written
  private final ByteBuffer[] gather = new ByteBuffer[2];

  /** @param head the head, ready to read; {@code pooled} (may be null) is freed once it is written */
  HeadFirstSinkConduit(StreamSinkConduit next, ByteBuffer head, PooledByteBuffer pooled) {
    super(next);
    this.head = head;
    this.pooled = pooled;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (head == null) return next.write(src);
    long sent = writeAppended(next, head, src, src.remaining());
    if (sent >= 0) {
      if (!head.hasRemaining()) release();
      return (int) sent;
    }
    gather[0] = head;
    gather[1] = src;
    try {
      return (int) gathered(gather, 0, 2);
    } finally {
      gather[0] = null;
      gather[1] = null;
    }
  }

  @Override
  public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
    if (head == null) return next.write(srcs, offs, len);
    ByteBuffer[] all = new ByteBuffer[len + 1];
    all[0] = head;
    System.arraycopy(srcs, offs, all, 1, len);
    return gathered(all, 0, len + 1);
  }

  /** A small body is copied behind its head: one {@code write} costs less than a gathering {@code writev}. */
  static final int APPEND_BYTES = 4096;

  /**
   * Writes {@code head} and the next {@code n} bytes of {@code src} in one {@code write}, the bytes copied behind the
   * head, when they are few and fit its buffer. Returns how many of them went (as a gathering write would: none
   * while the head is not all out, so that the caller waits for the socket); those the socket did not take are given
   * back to {@code src} and cut from the head. -1, with nothing written or moved, when they do not fit.
   */
  static long writeAppended(StreamSinkConduit next, ByteBuffer head, ByteBuffer src, int n) throws IOException {
    int end = head.limit();
    if (!append(head, src, n)) return -1;
    int sent = 0;
    try {
      next.write(head);
      sent = Math.max(0, head.position() - end);
    } finally {
      head.limit(end + sent);
      src.position(src.position() - (n - sent));
    }
    return sent;
  }

  /**
   * Appends the next {@code n} bytes of {@code src} to {@code head} (flipped: they are read after the head's own) when
   * they are few and fit its buffer; false, with nothing moved, otherwise.
   */
  static boolean append(ByteBuffer head, ByteBuffer src, int n) {
    int end = head.limit();
    if (n == 0 || n > APPEND_BYTES || head.capacity() - end < n || head.isReadOnly()) return false;
    int at = head.position();
    int srcLimit = src.limit();
    src.limit(src.position() + n);
    head.limit(end + n).position(end);
    head.put(src);
    head.position(at);
    src.limit(srcLimit);
    return true;
  }

  /** Writes head and body together; returns how many body bytes went. */
  private long gathered(ByteBuffer[] all, int offs, int len) throws IOException {
    int headBefore = head.remaining();
    long written = next.write(all, offs, len);
    if (head.hasRemaining()) return 0;
    release();
    return written - headBefore;
  }

  @Override
  public int writeFinal(ByteBuffer src) throws IOException {
    return Conduits.writeFinalBasic(this, src);
  }

  @Override
  public long writeFinal(ByteBuffer[] srcs, int offs, int len) throws IOException {
    return Conduits.writeFinalBasic(this, srcs, offs, len);
  }

  @Override
  public long transferFrom(FileChannel src, long position, long count) throws IOException {
    return flushHead() ? next.transferFrom(src, position, count) : 0;
  }

  @Override
  public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
    if (!flushHead()) {
      throughBuffer.limit(0); // nothing read: the contract says the buffer then holds no pending bytes
      return 0;
    }
    return Conduits.transfer(source, count, throughBuffer, this);
  }

  @Override
  public boolean flush() throws IOException {
    return flushHead() && next.flush();
  }

  private boolean flushHead() throws IOException {
    if (head == null) return true;
    next.write(head);
    if (head.hasRemaining()) return false;
    release();
    return true;
  }

  /** The body's end is framing: the connection stays open for the next request. */
  @Override
  public void terminateWrites() {}

  @Override
  public void truncateWrites() throws IOException {
    release();
    next.truncateWrites();
  }

  /** Gives the head's buffer back; also when the exchange is abandoned before the head went out. */
  void release() {
    head = null;
    if (pooled != null) {
      pooled.close();
      pooled = null;
    }
  }
}
