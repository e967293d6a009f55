package io.dragoman.gateway.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import io.undertow.connector.PooledByteBuffer;
import org.xnio.Buffers;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.WriteReadyHandler;

/**
 * A response on the gateway's own HTTP/1.1 connection, just above the socket: the head goes out in the same system call
 * as the first body bytes (a few are copied behind it, more are gathered with it), a body of declared length is held
 * to it, and the response is done once its writes are shut down and everything is flushed. A chunked body has
 * Undertow's chunking conduit above this one.
 */
final class ResponseSink extends WritingSinkConduit {
  private final Http1ServerExchange exchange;
  /** Body bytes still owed under Content-Length; -1 when the body is not counted here (chunked above). */
  private long remaining;
  private PooledByteBuffer headBuffer; // the committed head until it is written whole
  private ByteBuffer head;
  private final ByteBuffer[] pair = new ByteBuffer[2];
  private boolean terminated;
  private boolean done;
  private boolean endAsked; // the body's end was asked for above the chunking conduit (not a truncation)
  private boolean flushed; // the last flush wrote everything, and nothing was written since
  private WriteReadyHandler handler;
  private boolean onSocket; // the handler is installed on the socket's conduit

  /** @param length the declared body length; -1 when the conduit above frames the body itself */
  ResponseSink(StreamSinkConduit socket, Http1ServerExchange exchange, long length) {
    super(socket);
    this.exchange = exchange;
    this.remaining = length;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    flushed = false;
    ByteBuffer pending = pendingHead();
    int limit = src.limit();
    if (remaining >= 0 && src.remaining() > remaining) {
      if (remaining == 0 && src.hasRemaining()) throw new IOException("response body longer than its Content-Length");
      src.limit(src.position() + (int) remaining);
    }
    int before = src.position();
    try {
      if (pending == null) {
        next.write(src);
      } else if (HeadFirstSinkConduit.writeAppended(next, pending, src, src.remaining()) >= 0) {
        if (!pending.hasRemaining()) headWritten();
      } else {
        pair[0] = pending;
        pair[1] = src;
        next.write(pair, 0, 2);
        pair[1] = null;
        if (!pending.hasRemaining()) headWritten();
      }
    } finally {
      src.limit(limit);
    }
    return counted(src.position() - before);
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    flushed = false;
    ByteBuffer pending = pendingHead();
    if (remaining >= 0) {
      // A counted body is written one buffer at a time (Pump and the senders use one).
      for (int i = offset; i < offset + length; i++) if (srcs[i].hasRemaining()) return write(srcs[i]);
      if (pending != null) write(ByteBuffer.allocate(0));
      return 0;
    }
    long before = Buffers.remaining(srcs, offset, length);
    if (pending == null) {
      next.write(srcs, offset, length);
    } else {
      ByteBuffer[] all = new ByteBuffer[length + 1];
      all[0] = pending;
      System.arraycopy(srcs, offset, all, 1, length);
      next.write(all, 0, all.length);
      if (!pending.hasRemaining()) headWritten();
    }
    return counted(before - Buffers.remaining(srcs, offset, length));
  }

  /** Counts body bytes; under a chunked body these are chunk framing too, which {@link BodyCount} leaves out. */
  private int counted(long n) {
    if (remaining >= 0) {
      remaining -= n;
      exchange.sent(n);
    }
    return (int) n;
  }

  /** Counts the body bytes written through a conduit above this one (the chunking conduit). */
  static final class BodyCount extends WritingSinkConduit {
    private final ResponseSink end;
    private final Http1ServerExchange exchange;

    /** @param end the sink below the chunking conduit {@code next} */
    BodyCount(StreamSinkConduit next, ResponseSink end, Http1ServerExchange exchange) {
      super(next);
      this.end = end;
      this.exchange = exchange;
    }

    @Override
    public void terminateWrites() throws IOException {
      end.endAsked = true;
      next.terminateWrites();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = next.write(src);
      exchange.sent(n);
      return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      long n = next.write(srcs, offset, length);
      exchange.sent(n);
      return n;
    }
  }

  /** The head if it is not all out yet (committing the response if it was not); null once written. */
  private ByteBuffer pendingHead() {
    if (head == null && !exchange.committed()) {
      headBuffer = exchange.commit();
      head = headBuffer.getBuffer();
    }
    return head == null || !head.hasRemaining() ? null : head;
  }

  private void headWritten() {
    releaseHead();
    exchange.headWritten();
  }

  /** Gives the head's buffer back (once). */
  void releaseHead() {
    head = null;
    PooledByteBuffer b = headBuffer;
    headBuffer = null;
    if (b != null) b.close();
  }

  /**
   * Kept here until the response must wait for the socket: a response that goes out at once (nearly all) then costs
   * no handler change on the connection's conduits.
   */
  @Override
  public void setWriteReadyHandler(WriteReadyHandler handler) {
    this.handler = handler;
    if (onSocket) next.setWriteReadyHandler(handler);
  }

  @Override
  public void resumeWrites() {
    toSocket();
    next.resumeWrites();
  }

  @Override
  public void wakeupWrites() {
    toSocket();
    next.wakeupWrites();
  }

  private void toSocket() {
    if (onSocket) return;
    onSocket = true;
    next.setWriteReadyHandler(handler);
  }

  @Override
  public void terminateWrites() throws IOException {
    if (terminated) return;
    pendingHead(); // an empty response still has a head
    terminated = true;
    if (remaining > 0) exchange.truncated(); // the body ended short of its Content-Length: only a close says so
  }

  @Override
  public boolean flush() throws IOException {
    ByteBuffer pending = pendingHead();
    if (pending != null) {
      next.write(pending);
      if (pending.hasRemaining()) return false;
      headWritten();
    }
    if (!next.flush()) return false;
    flushed = true;
    if (terminated && !done) {
      done = true;
      exchange.responseDone();
    }
    return true;
  }

  /**
   * The chunking conduit above reports itself finished. Normally this sink saw the end first (its writes shut down,
   * then a flush that completed the response) and there is nothing to do. But for an empty body Undertow's conduit
   * (2.4.4) flushes the head (with {@code Content-Length: 0}) before it passes the end down, and then answers every
   * later flush itself: without this the response never completed and the connection waited for the route's timeout.
   * The conduit also reports itself finished when it is truncated; then the end was not asked for, or its flush did
   * not go through, and the truncation that follows closes the connection.
   */
  void chunksFinished() {
    if (endAsked && flushed && !done) {
      terminated = true;
      done = true;
      exchange.responseDone();
    }
  }

  @Override
  public boolean isWriteShutdown() {
    return terminated;
  }

  @Override
  public void truncateWrites() throws IOException {
    flushed = false;
    terminated = true;
    exchange.truncated();
    exchange.closeConnection();
  }
}
