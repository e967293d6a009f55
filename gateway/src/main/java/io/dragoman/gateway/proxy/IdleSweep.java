package io.dragoman.gateway.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Closes a public connection on which no byte has moved in either direction for the idle limit, without a timer per
 * connection. Stricter than Undertow's {@code IdleTimeoutConduit} in two ways: that conduit stopped the clock while
 * neither reads nor writes were resumed, and took any read or write call, even one that moved nothing, for activity.
 *
 * <p>That conduit removed its timer whenever reads were suspended and armed a new one when they resumed: twice per
 * request, each a change to the I/O thread's timer tree, and together with its clock reads about 9% of the CPU the
 * gateway spent on a small request. Here the connection's lowest conduits only raise a flag when bytes move, and
 * each I/O thread sweeps its connections once per period: a flag seen raised restarts that connection's idle clock,
 * a connection whose clock has run for the whole limit is closed, and a closed one leaves the sweep.
 *
 * <p>A connection is closed no earlier than the limit after its last byte and at most two periods later. Everything
 * about a connection runs on its I/O thread, so the lists need no locking; the flag is volatile in case bytes move
 * from another thread, and is written only when it was clear, once per period at most.
 */
final class IdleSweep {
  private final long limitNanos;
  private final long periodMs;
  private final Map<XnioIoThread, Lane> lanes = new ConcurrentHashMap<>();

  /** @param limitMs no byte either way for this long closes the connection */
  IdleSweep(long limitMs) {
    if (limitMs <= 0) throw new IllegalArgumentException("limitMs: " + limitMs + " (expected: > 0)");
    this.limitNanos = TimeUnit.MILLISECONDS.toNanos(limitMs);
    this.periodMs = periodFor(limitMs);
  }

  /**
   * A quarter of the limit, at least 10 ms and at most a second: late by at most half the limit (20 ms under a 40 ms
   * limit), or 2 s.
   */
  static long periodFor(long limitMs) {
    return Math.max(10, Math.min(1_000, limitMs / 4));
  }

  /**
   * Installs the watch on a just-accepted connection: call before any other conduit is stacked on it. A closed
   * connection leaves its lane at once, from its close listener (XNIO adds it to whatever listener a server sets
   * later, it does not replace it): the sweep would drop it too, but only at its next pass, and under connection
   * churn a lane would hold up to a period's worth of closed connections, long enough for the collector to promote
   * them.
   */
  void watch(StreamConnection connection) {
    Watch watch = new Watch(connection);
    connection.getSourceChannel().setConduit(new Source(connection.getSourceChannel().getConduit(), watch));
    connection.getSinkChannel().setConduit(new Sink(connection.getSinkChannel().getConduit(), watch));
    XnioIoThread thread = connection.getIoThread();
    Lane lane = lanes.computeIfAbsent(thread, Lane::new);
    if (XnioIoThread.currentThread() == thread) {
      lane.add(watch);
    } else {
      thread.execute(() -> lane.add(watch));
    }
    connection.setCloseListener(closed -> lane.closed(watch));
  }

  /** Connections being watched, over all I/O threads (read off-thread: for tests and diagnostics only). */
  int watched() {
    int n = 0;
    for (Lane lane : lanes.values()) n += lane.size;
    return n;
  }

  private static final class Watch {
    final StreamConnection connection;
    volatile boolean moved;
    long quietSince;
    int slot = -1; // its index in the lane's list, -1 once out of it

    Watch(StreamConnection connection) {
      this.connection = connection;
    }

    /** Notes bytes moved (a read or write's result) and hands the result on. */
    long counted(long n) {
      if (n > 0 && !moved) moved = true;
      return n;
    }

    int counted(int n) {
      counted((long) n);
      return n;
    }
  }

  /** One I/O thread's connections and its sweep timer; touched only on that thread. */
  private final class Lane implements Runnable {
    private final XnioIoThread thread;
    private final ArrayList<Watch> watches = new ArrayList<>();
    private volatile int size;
    private boolean armed;

    Lane(XnioIoThread thread) {
      this.thread = thread;
    }

    void add(Watch watch) {
      watch.quietSince = System.nanoTime();
      watch.slot = watches.size();
      watches.add(watch);
      size = watches.size();
      if (!armed) arm();
    }

    /** From the connection's close listener; a close on another thread is left to the next sweep. */
    void closed(Watch watch) {
      if (watch.slot >= 0 && XnioIoThread.currentThread() == thread) remove(watch);
    }

    @Override
    public void run() {
      armed = false;
      long now = System.nanoTime();
      for (int i = watches.size() - 1; i >= 0; i--) {
        Watch w = watches.get(i);
        if (!w.connection.isOpen()) {
          remove(w);
        } else if (w.moved) {
          w.moved = false;
          w.quietSince = now;
        } else if (now - w.quietSince >= limitNanos) {
          remove(w); // first: the close calls closed(w) back
          IoUtils.safeClose(w.connection);
        }
      }
      if (!watches.isEmpty()) arm();
    }

    /** Order does not matter: the last one moves into the hole. */
    private void remove(Watch watch) {
      Watch last = watches.remove(watches.size() - 1);
      if (last != watch) {
        watches.set(watch.slot, last);
        last.slot = watch.slot;
      }
      watch.slot = -1;
      size = watches.size();
    }

    private void arm() {
      try {
        thread.executeAfter(this, periodMs, TimeUnit.MILLISECONDS);
        armed = true;
      } catch (RejectedExecutionException e) {
        // the listener is shutting down, which closes these connections
      }
    }
  }

  private static final class Source extends ReadingSourceConduit {
    private final Watch watch;

    Source(StreamSourceConduit next, Watch watch) {
      super(next);
      this.watch = watch;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return watch.counted(next.read(dst));
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return watch.counted(next.read(dsts, offset, length));
    }


  }

  private static final class Sink extends AbstractStreamSinkConduit<StreamSinkConduit> {
    private final Watch watch;

    Sink(StreamSinkConduit next, Watch watch) {
      super(next);
      this.watch = watch;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return watch.counted(next.write(src));
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return watch.counted(next.write(srcs, offset, length));
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
      return watch.counted(next.writeFinal(src));
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return watch.counted(next.writeFinal(srcs, offset, length));
    }

    @Override
    public long transferFrom(FileChannel src, long position, long count) throws IOException {
      return watch.counted(next.transferFrom(src, position, count));
    }

    @Override
    public long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer) throws IOException {
      return watch.counted(next.transferFrom(source, count, throughBuffer));
    }
  }
}
