package io.dragoman.gateway.proxy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;

/**
 * Request timeouts, one lane per I/O thread and timeout length.
 *
 * <p>Nearly every request arms a timeout and nearly every one is cancelled a few milliseconds later. XNIO's own timer
 * keeps a sorted tree under a lock: two tree operations per request, a few percent of a small request's CPU. Within
 * one lane every deadline is "now + the same length", so arrival order is deadline order: a lane is a linked list
 * where adding is appending and cancelling is unlinking, and one XNIO timer per lane, set for the earliest deadline,
 * is re-armed only when it fires.
 *
 * <p>A lane is used only by its own I/O thread, so it takes no lock.
 */
final class RequestTimers {
  /** A pending timeout; cancelling one that already ran, or twice, does nothing. */
  interface Timer {
    void cancel();
  }

  private final Map<XnioExecutor, ThreadLanes> lanes = new ConcurrentHashMap<>();
  /** Runs {@code action} on {@code thread} after {@code delayMs} unless cancelled first. Call on {@code thread}. */
  Timer schedule(XnioExecutor thread, long delayMs, Runnable action) {
    ThreadLanes mine = lanes.get(thread);
    if (mine == null) mine = lanes.computeIfAbsent(thread, ThreadLanes::new);
    return mine.lane(delayMs).add(action);
  }

  /** How many timeouts are pending on {@code thread} (for tests). */
  int pending(XnioExecutor thread) {
    ThreadLanes mine = lanes.get(thread);
    return mine == null ? 0 : mine.byDelay.values().stream().mapToInt(l -> l.size).sum();
  }

  /** The lanes of one I/O thread. Most routes share one timeout length: the last lane used is found without boxing. */
  private final class ThreadLanes {
    private final XnioExecutor thread;
    private final Map<Long, Lane> byDelay = new HashMap<>();
    private Lane last;

    ThreadLanes(XnioExecutor thread) {
      this.thread = thread;
    }

    Lane lane(long delayMs) {
      if (last == null || last.delayMs != delayMs) {
        last = byDelay.computeIfAbsent(delayMs, d -> new Lane(thread, d));
      }
      return last;
    }
  }

  private final class Lane implements Runnable {
    private final XnioExecutor thread;
    private final long delayMs;
    private final long delayNanos;
    private final Entry head = new Entry(this, 0, null); // sentinel of a circular list
    private XnioExecutor.Key timer;
    private int size;

    Lane(XnioExecutor thread, long delayMs) {
      this.thread = thread;
      this.delayMs = delayMs;
      this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMs);
      head.prev = head;
      head.next = head;
    }

    Entry add(Runnable action) {
      Entry e = new Entry(this, System.nanoTime() + delayNanos, action);
      e.prev = head.prev;
      e.next = head;
      head.prev.next = e;
      head.prev = e;
      size++;
      if (timer == null) arm(delayMs);
      return e;
    }

    void unlink(Entry e) {
      e.prev.next = e.next;
      e.next.prev = e.prev;
      e.prev = null;
      e.next = null;
      size--;
    }

    /** The lane's timer fired: run what is due, in order, and wait for the next deadline if any. */
    @Override
    public void run() {
      timer = null;
      long now = System.nanoTime();
      while (head.next != head && head.next.deadline - now <= 0) {
        Entry due = head.next;
        unlink(due);
        due.action.run(); // may add to this lane, which arms the timer again
      }
      if (head.next != head && timer == null) {
        arm(Math.max(1, TimeUnit.NANOSECONDS.toMillis(head.next.deadline - now + 999_999)));
      }
    }

    private void arm(long ms) {
      try {
        timer = thread.executeAfter(this, ms, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        timer = null; // the worker is shutting down: its connections, and these requests, are being closed
      }
    }
  }

  private static final class Entry implements Timer {
    private final Lane lane;
    private final long deadline;
    private final Runnable action;
    private Entry prev;
    private Entry next;

    Entry(Lane lane, long deadline, Runnable action) {
      this.lane = lane;
      this.deadline = deadline;
      this.action = action;
    }

    @Override
    public void cancel() {
      if (next != null) lane.unlink(this);
    }
  }
}
