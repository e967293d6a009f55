package io.dragoman.gateway.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;
import org.xnio.conduits.StreamSourceConduit;

/**
 * An upstream connection's read timeout ({@code idle_timeout_ms}): sits on the socket's source, notes when bytes last
 * came in (a clock read per read, only while watched), and tells {@code silent} once none came for the limit. One
 * timer per watch, re-armed lazily for the time left rather than on every read. Used on the connection's I/O thread.
 */
final class ReadWatch extends ReadingSourceConduit {
  private final XnioIoThread thread;
  private final LongConsumer silent;
  private int limitMs;
  private boolean watched;
  private long lastRead;
  private XnioExecutor.Key timer;

  /** @param silent told how many milliseconds the source has been silent, once that reaches the limit */
  ReadWatch(StreamSourceConduit next, XnioIoThread thread, LongConsumer silent) {
    super(next);
    this.thread = thread;
    this.silent = silent;
  }

  int limitMs() {
    return limitMs;
  }

  /** 0 or less: no limit, and a watch in progress ends. Otherwise it takes effect at the next {@link #start}. */
  void limitMs(int ms) {
    limitMs = ms;
    if (ms <= 0) stop();
  }

  /** Watches from now (again, if already watching); nothing without a limit. */
  void start() {
    stop();
    if (limitMs <= 0) return;
    lastRead = System.nanoTime();
    watched = true;
    timer = thread.executeAfter(this::check, limitMs, TimeUnit.MILLISECONDS);
  }

  void stop() {
    watched = false;
    if (timer != null) {
      timer.remove();
      timer = null;
    }
  }

  private void check() {
    timer = null;
    if (!watched) return;
    long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastRead);
    if (silentMs < limitMs) {
      timer = thread.executeAfter(this::check, limitMs - silentMs, TimeUnit.MILLISECONDS);
      return;
    }
    watched = false;
    silent.accept(silentMs);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n = next.read(dst);
    if (n > 0 && watched) lastRead = System.nanoTime();
    return n;
  }

  @Override
  public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
    long n = next.read(dsts, offs, len);
    if (n > 0 && watched) lastRead = System.nanoTime();
    return n;
  }


}
