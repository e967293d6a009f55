package io.dragoman.gateway.proxy;

import io.undertow.server.RequestTooBigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSourceConduit;

/**
 * A request body of known length on the gateway's own HTTP/1.1 connection: first the bytes that arrived with the head
 * (held by the connection), then the socket's, never more than the body has. Reading past its end answers -1; the
 * connection ending first is an error.
 *
 * <p>Readiness is only asked of the socket once the bytes in hand are used up: while they last, a resume is answered
 * from here, so a body that came with its head costs no system call at all.
 */
final class RequestBody extends ReadingSourceConduit {
  private final Http1ServerConnection connection;
  private long remaining;
  private long maxBytes = Long.MAX_VALUE;
  private final long length;
  private ReadReadyHandler handler;
  private boolean resumed;
  private boolean onSocket; // the handler is installed on the socket's conduit
  private boolean wakeupPending;
  private boolean terminated;

  RequestBody(StreamSourceConduit socket, Http1ServerConnection connection, long length) {
    super(socket);
    this.connection = connection;
    this.length = length;
    this.remaining = length;
  }

  /** Body bytes not read yet. */
  long remaining() {
    return remaining;
  }

  /** Whether every byte of the body has been read (or there was none). */
  boolean complete() {
    return remaining == 0;
  }

  void maxBytes(long bytes) {
    this.maxBytes = bytes;
  }

  long maxBytes() {
    return maxBytes;
  }

  /** Whether the declared body is over the size limit: it is never read, and only a close gets rid of it. */
  boolean overLimit() {
    return length > maxBytes;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (remaining > 0 && overLimit()) throw new RequestTooBigException();
    return readBody(dst);
  }

  /** Reads and drops body bytes, whatever the size limit: a body nobody reads still has to leave the connection. */
  int discard(ByteBuffer scratch) throws IOException {
    int n = readBody(scratch);
    return Math.max(n, 0);
  }

  private int readBody(ByteBuffer dst) throws IOException {
    if (remaining == 0) return -1;
    if (!dst.hasRemaining()) return 0;
    int n = connection.takeBuffered(dst, remaining);
    if (n == 0) {
      int limit = dst.limit();
      if (dst.remaining() > remaining) dst.limit(dst.position() + (int) remaining);
      try {
        n = next.read(dst);
      } finally {
        dst.limit(limit);
      }
      if (n < 0) throw new IOException("connection closed with " + remaining + " bytes of the request body unread");
    }
    remaining -= n;
    return n;
  }

  /** Writes the body bytes that came with the head to {@code sink}, as far as it takes them; returns how many. */
  long writeBuffered(StreamSinkChannel sink) throws IOException {
    if (remaining == 0 || overLimit()) return 0; // over the limit: the read refuses it
    int n = connection.writeBuffered(sink, remaining);
    remaining -= n;
    return n;
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      if (dsts[i].hasRemaining()) return read(dsts[i]);
    }
    return 0;
  }

  /** Whether a read can answer without the socket: buffered bytes, or the end. */
  private boolean readyHere() {
    return remaining == 0 || connection.buffered() > 0;
  }

  @Override
  public void setReadReadyHandler(ReadReadyHandler handler) {
    this.handler = handler;
    if (onSocket) next.setReadReadyHandler(handler);
  }

  @Override
  public void resumeReads() {
    if (terminated) return;
    resumed = true;
    if (readyHere()) {
      wakeupLater();
      return;
    }
    if (!onSocket) {
      onSocket = true;
      connection.lendReads();
      next.setReadReadyHandler(handler);
    }
    next.resumeReads();
  }

  @Override
  public void wakeupReads() {
    resumeReads();
    if (!readyHere()) next.wakeupReads();
  }

  private void wakeupLater() {
    if (wakeupPending) return;
    wakeupPending = true;
    getReadThread().execute(() -> {
      wakeupPending = false;
      if (resumed && !terminated && handler != null) handler.readReady();
    });
  }

  @Override
  public void suspendReads() {
    resumed = false;
    if (onSocket) next.suspendReads();
  }

  @Override
  public boolean isReadResumed() {
    return resumed;
  }

  /** The channel over this body was closed: the socket goes back to the connection, whatever is left is drained. */
  @Override
  public void terminateReads() {
    if (terminated) return;
    terminated = true;
    resumed = false;
    giveBackSocket();
  }

  /** Takes the socket's read readiness back for the connection (the body's reader is done with it). */
  void giveBackSocket() {
    if (!onSocket) return;
    onSocket = false;
    next.suspendReads();
    connection.reclaimReads();
  }

  @Override
  public boolean isReadShutdown() {
    return terminated;
  }

  @Override
  public void awaitReadable() throws IOException {
    if (!readyHere()) next.awaitReadable();
  }

  @Override
  public void awaitReadable(long time, TimeUnit timeUnit) throws IOException {
    if (!readyHere()) next.awaitReadable(time, timeUnit);
  }
}
