package io.dragoman.gateway.proxy;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.xnio.XnioIoThread;

/**
 * Request timeouts of one length on one I/O thread, without a timer per request. XNIO's timer is a sorted tree: each
 * request inserted a key and removed it again, 5% of the I/O threads' time on small requests. Here, since every
 * deadline in a queue is "now + the same length", they arrive in order: starting one appends to a queue, cancelling
 * one marks it (and drops cancelled ones from the front), and a single XNIO timer, armed for the front deadline, runs
 * what is due when it fires and re-arms for the next. A deadline runs no earlier than its time and no later than the
 * XNIO timer it waits on.
 *
 * <p>Everything happens on the queue's I/O thread. Cancelled deadlines behind a long one still pending stay in the
 * queue until it goes; the queue is compacted once they are more than half of it, so it holds about as many as are
 * in flight.
 */
final class Deadlines {
  /** Schedules {@code task} after {@code delayMs}; returns what cancels it. */
  interface Timer {
    void after(long delayMs, Runnable task);
  }

  private static final int COMPACT_AT = 64;
  /**
   * Each I/O thread's queues by length in milliseconds, the last one used in front (most routes share one length).
   * Hashed, not scanned: a table may hold many distinct timeouts. A queue stays once made (about a hundred bytes per
   * distinct length ever used on the thread).
   */
  private static final ThreadLocal<ByLength> BY_LENGTH = ThreadLocal.withInitial(ByLength::new);

  private static final class ByLength {
    final HashMap<Long, Deadlines> all = new HashMap<>();
    Deadlines last;
  }

  private final long lengthMs;
  private final long lengthNanos;
  private final Timer timer;
  private final LongSupplier nanoTime;
  private final ArrayDeque<Deadline> queue = new ArrayDeque<>();
  private int cancelled;
  private boolean armed;

  Deadlines(long lengthMs, Timer timer, LongSupplier nanoTime) {
    this.lengthMs = lengthMs;
    this.lengthNanos = TimeUnit.MILLISECONDS.toNanos(lengthMs);
    this.timer = timer;
    this.nanoTime = nanoTime;
  }

  /** Runs {@code task} on {@code thread} after {@code ms}, unless cancelled; call on that thread only. */
  static Deadline start(XnioIoThread thread, long ms, Runnable task) {
    if (XnioIoThread.currentThread() != thread) {
      throw new IllegalStateException("a deadline is started on its own I/O thread, not on " + Thread.currentThread());
    }
    return of(thread, ms).start(task);
  }

  /** The calling I/O thread's queue for deadlines {@code ms} long. */
  private static Deadlines of(XnioIoThread thread, long ms) {
    ByLength queues = BY_LENGTH.get();
    Deadlines d = queues.last;
    if (d != null && d.lengthMs == ms) return d;
    d = queues.all.get(ms);
    if (d == null) {
      d = new Deadlines(ms, (delay, t) -> thread.executeAfter(t, delay, TimeUnit.MILLISECONDS), System::nanoTime);
      queues.all.put(ms, d);
    }
    queues.last = d;
    return d;
  }

  Deadline start(Runnable task) {
    Deadline d = new Deadline(this, nanoTime.getAsLong() + lengthNanos, task);
    queue.addLast(d);
    if (!armed) arm(lengthNanos);
    return d;
  }

  /** Deadlines held (pending or cancelled but not yet dropped), for tests. */
  int held() {
    return queue.size();
  }

  private void cancelled() {
    cancelled++;
    while (!queue.isEmpty() && queue.peekFirst().task == null) {
      queue.pollFirst();
      cancelled--;
    }
    if (cancelled > COMPACT_AT && cancelled * 2 > queue.size()) {
      queue.removeIf(d -> d.task == null);
      cancelled = 0;
    }
  }

  private void fire() {
    armed = false;
    long now = nanoTime.getAsLong();
    while (!queue.isEmpty()) {
      Deadline d = queue.peekFirst();
      if (d.task != null && d.at > now) break;
      queue.pollFirst();
      if (d.task == null) {
        cancelled--;
        continue;
      }
      Runnable task = d.task;
      d.task = null;
      task.run();
    }
    if (!queue.isEmpty() && !armed) arm(queue.peekFirst().at - now); // a task may have started one, and armed
  }

  private void arm(long delayNanos) {
    armed = true;
    // rounded up: XNIO's timer has millisecond steps, and firing early would only mean arming again
    long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos + 999_999));
    try {
      timer.after(ms, this::fire);
    } catch (RejectedExecutionException e) {
      armed = false; // the I/O thread is shutting down, and its connections with it
    }
  }

  /** One pending deadline. */
  static final class Deadline {
    private final Deadlines queue;
    private final long at;
    private Runnable task; // null once run or cancelled

    private Deadline(Deadlines queue, long at, Runnable task) {
      this.queue = queue;
      this.at = at;
      this.task = task;
    }

    /** Cancels the deadline if it has not run; safe to call more than once. */
    void cancel() {
      if (task == null) return;
      task = null;
      queue.cancelled();
    }
  }
}
