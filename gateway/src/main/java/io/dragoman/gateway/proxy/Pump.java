package io.dragoman.gateway.proxy;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * Streams one body from a source channel to a sink channel through one pooled buffer, then shuts the sink down and
 * flushes it. Everything runs on the channels' I/O thread.
 *
 * <p>Undertow's {@code Transfer} does the same, but ends by waking both channels ({@code wakeupReads}/{@code
 * wakeupWrites}): the sink's write interest is then registered with epoll and removed again on every request, two
 * {@code epoll_ctl} calls that cost more than the rest of a small relay. This pump only asks for a channel's
 * readiness when a read or a write could not make progress, and withdraws the interest as soon as it has it.
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
  private PooledByteBuffer pooled;
  private boolean ended;
  private boolean over;

  private Pump(StreamSourceChannel source, StreamSinkChannel sink, Events events, ByteBufferPool pool) {
    this.source = source;
    this.sink = sink;
    this.events = events;
    this.pooled = pool.allocate();
    pooled.getBuffer().clear().flip(); // empty: nothing to write yet
  }

  static Pump start(StreamSourceChannel source, StreamSinkChannel sink, Events events, ByteBufferPool pool) {
    Pump pump = new Pump(source, sink, events, pool);
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
    if (over) return;
    ByteBuffer buffer = pooled.getBuffer();
    while (true) {
      if (buffer.hasRemaining()) {
        if (!write(buffer)) return;
        continue;
      }
      if (ended) {
        finish();
        return;
      }
      int n;
      try {
        buffer.clear();
        n = source.read(buffer);
        buffer.flip();
      } catch (IOException e) {
        fail(() -> events.sourceFailed(e));
        return;
      }
      if (n == 0) {
        source.resumeReads();
        return;
      }
      if (n < 0) {
        ended = true;
        events.sourceEnded(source);
      }
    }
  }

  /** Writes what it can; false when the sink is full and the pump now waits for it. */
  private boolean write(ByteBuffer buffer) {
    try {
      if (sink.write(buffer) > 0 || !buffer.hasRemaining()) return true;
    } catch (IOException e) {
      fail(() -> events.sinkFailed(e));
      return false;
    }
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
    if (pooled != null) {
      pooled.close();
      pooled = null;
    }
  }
}
