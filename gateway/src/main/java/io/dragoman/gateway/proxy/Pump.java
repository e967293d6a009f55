package io.dragoman.gateway.proxy;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * Streams one body from a source channel to a sink channel through one pooled buffer at a time, then shuts the sink
 * down and flushes it. Everything runs on the channels' I/O thread.
 *
 * <p>Undertow's {@code Transfer} does the same, but ends by waking both channels ({@code wakeupReads}/{@code
 * wakeupWrites}): the sink's write interest is then registered with epoll and removed again on every request, two
 * {@code epoll_ctl} calls that cost more than the rest of a small relay. This pump only asks for a channel's
 * readiness when a read or a write could not make progress, and withdraws the interest as soon as it has it.
 *
 * <p>It starts with a small buffer and moves to a large one once the bytes at hand fill the small one: a fast body then
 * crosses in a quarter of the system calls (each costs as much as copying several kilobytes on a virtual machine).
 * Memory follows the slow side: a silent source holds no buffer at all (it is given back while the pump waits), and
 * once the sink has made the pump wait (a slow reader), the buffer in hand drains and the rest of the body uses small
 * buffers, so a slow download holds a large buffer only until it has drained the first one.
 */
final class Pump {
  /** What the pump reports; each method is called at most once, and only one of them ends the pump. */
  interface Events {
    /** The source reached its end; called before the sink is shut down (trailers may be added here). */
    default void sourceEnded(StreamSourceChannel source) {}

    /** The whole body was written and flushed. */
    void done();

    void sourceFailed(IOException e);

    void sinkFailed(IOException e);
  }

  private final StreamSourceChannel source;
  private final StreamSinkChannel sink;
  private final Events events;
  private final ByteBufferPool small;
  private final ByteBufferPool large; // null: stay with the small buffer
  private ByteBufferPool pool; // where the next buffer comes from: the small pool, or the large once the body is fast
  private PooledByteBuffer pooled; // null while the pump waits on its source: a silent client holds no buffer
  private boolean slowSink; // the sink made the pump wait: small buffers from then on
  private boolean first = true; // nothing read yet
  private boolean headOut; // the sink was flushed while nothing had been read: what it held in front of the body went
  private boolean ended;
  private boolean over;

  private Pump(
      StreamSourceChannel source, StreamSinkChannel sink, Events events, ByteBufferPool small, ByteBufferPool large,
      long length) {
    this.source = source;
    this.sink = sink;
    this.events = events;
    this.small = small;
    this.large = large;
    this.pool = length > small.getBufferSize() && large != null ? large : small;
  }

  /**
   * @param large where a larger buffer comes from once the small one fills in one read; null: never
   * @param length the body's declared length, -1 when unknown: a body known to be longer than a small buffer starts
   *     with a large one
   */
  static Pump start(
      StreamSourceChannel source,
      StreamSinkChannel sink,
      Events events,
      ByteBufferPool small,
      ByteBufferPool large,
      long length) {
    Pump pump = new Pump(source, sink, events, small, large, length);
    source.getReadSetter().set(ch -> pump.readable());
    sink.getWriteSetter().set(ch -> pump.writable());
    pump.run();
    return pump;
  }

  /**
   * Abandons the body where it is, without reporting anything: its buffer goes back to the pool and the channels'
   * listeners are cleared (Undertow may install its own, to drain what the client still sends).
   */
  void stop() {
    if (!over) release();
  }

  private void readable() {
    source.suspendReads();
    run();
  }

  private void writable() {
    sink.suspendWrites();
    run();
  }

  /** Moves bytes until a channel would block (then waits on exactly that channel) or the body is done. */
  private void run() {
    while (!over) {
      if (pooled != null && pooled.getBuffer().hasRemaining()) {
        if (!write(pooled.getBuffer())) return;
      } else if (ended) {
        finish();
        return;
      } else if (!read()) {
        return;
      }
    }
  }

  /**
   * Reads into an empty buffer; false when the pump now waits on the source. The buffer goes back to its pool while
   * the pump waits and once the source ends: empty then, it would only pin memory for as long as a slow (or lying)
   * client keeps the body open.
   */
  private boolean read() {
    ByteBuffer buffer = emptyBuffer();
    int n;
    try {
      n = source.read(buffer);
      if (first && n > 0) {
        first = false;
        // The first buffer takes all that is at hand, up to its size: the part of a body that came with the request
        // head and what has arrived since leave with the head in one write (one wake-up of the upstream, not two).
        for (int more; buffer.hasRemaining() && (more = source.read(buffer)) > 0; ) n += more;
      }
      buffer.flip();
    } catch (IOException e) {
      fail(() -> events.sourceFailed(e));
      return false;
    }
    if (n == 0) {
      giveBack();
      if (first && !headOut && !flushHead()) return false;
      source.resumeReads();
      return false;
    }
    if (n < 0) {
      giveBack();
      ended = true;
      events.sourceEnded(source);
      return true;
    }
    if (n == buffer.capacity() && large != null && !slowSink && n < large.getBufferSize()) pool = large;
    return true;
  }

  /**
   * Sends what the sink holds in front of the body (the head it writes with the first body bytes) when the source has
   * nothing yet: its reader may answer the head before the body comes (an upstream refusing an upload, a client
   * awaiting a stream's first event). False when the sink is full and the pump now waits for it.
   */
  private boolean flushHead() {
    try {
      headOut = sink.flush();
    } catch (IOException e) {
      fail(() -> events.sinkFailed(e));
      return false;
    }
    if (!headOut) sink.resumeWrites();
    return headOut;
  }

  /** The pump's buffer, cleared; swapped here when the body changed pools (it grew fast, or met a slow sink). */
  private ByteBuffer emptyBuffer() {
    if (pooled != null && pooled.getBuffer().capacity() != pool.getBufferSize()) giveBack();
    if (pooled == null) pooled = pool.allocate();
    return pooled.getBuffer().clear();
  }

  private void giveBack() {
    PooledByteBuffer p = pooled;
    pooled = null;
    p.close();
  }

  /** Writes what it can; false when the sink is full and the pump now waits for it. */
  private boolean write(ByteBuffer buffer) {
    try {
      if (sink.write(buffer) > 0 || !buffer.hasRemaining()) return true;
    } catch (IOException e) {
      fail(() -> events.sinkFailed(e));
      return false;
    }
    slowSink = true;
    pool = small; // the buffer in hand drains first; the next one is small
    sink.resumeWrites();
    return false;
  }

  private void finish() {
    try {
      sink.shutdownWrites();
      if (!sink.flush()) {
        sink.resumeWrites();
        return;
      }
    } catch (IOException e) {
      fail(() -> events.sinkFailed(e));
      return;
    }
    release();
    events.done();
  }

  private void fail(Runnable report) {
    release();
    report.run();
  }

  private void release() {
    over = true;
    source.getReadSetter().set(null);
    sink.getWriteSetter().set(null);
    if (pooled != null) giveBack();
  }
}
