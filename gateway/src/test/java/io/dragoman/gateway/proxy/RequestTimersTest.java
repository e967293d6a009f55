package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/** Request timeouts on a real XNIO I/O thread: what fires, when (never early), in which order, and what is left. */
class RequestTimersTest {
  private final XnioWorker worker = worker();
  private final XnioIoThread thread = worker.getIoThread();
  private final RequestTimers timers = new RequestTimers();
  private final List<String> fired = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  @Test
  void timeoutsFireInOrderOnTheirThreadAndCancelledOnesNever() {
    List<Boolean> onThread = new CopyOnWriteArrayList<>();
    onThread(() -> {
      for (String name : List.of("a", "b", "c", "d")) {
        RequestTimers.Timer t = timers.schedule(thread, 50, () -> {
          onThread.add(Thread.currentThread() == thread);
          fired.add(name);
        });
        if (name.equals("b") || name.equals("d")) t.cancel();
      }
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> fired.size() == 2);
    assertThat(fired).containsExactly("a", "c");
    assertThat(onThread).containsOnly(true);
    assertThat(pending()).isZero();
  }

  @Test
  void aTimeoutBehindACancelledOneStillWaitsItsWholeDelay() {
    AtomicLong scheduledAt = new AtomicLong();
    AtomicLong firedAt = new AtomicLong();
    onThread(() -> {
      RequestTimers.Timer first = timers.schedule(thread, 200, () -> fired.add("first"));
      // 100 ms later, on the I/O thread: the first goes, a second comes. The lane's timer is still set for the
      // first's deadline, 100 ms before the second's.
      thread.executeAfter(() -> {
        first.cancel();
        scheduledAt.set(System.nanoTime());
        timers.schedule(thread, 200, () -> {
          firedAt.set(System.nanoTime());
          fired.add("second");
        });
      }, 100, TimeUnit.MILLISECONDS);
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> firedAt.get() != 0);
    assertThat(fired).containsExactly("second");
    assertThat(TimeUnit.NANOSECONDS.toMillis(firedAt.get() - scheduledAt.get())).isGreaterThanOrEqualTo(199);
  }

  @Test
  void aTimeoutMayScheduleAnotherAndDifferentLengthsKeepTheirOwnOrder() {
    onThread(() -> {
      timers.schedule(thread, 150, () -> fired.add("long"));
      timers.schedule(thread, 30, () -> {
        fired.add("short");
        timers.schedule(thread, 30, () -> fired.add("again"));
      });
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> fired.size() == 3);
    assertThat(fired).containsExactly("short", "again", "long");
    assertThat(pending()).isZero();
  }

  @Test
  void cancellingTwiceOrAfterItRanChangesNothing() {
    RequestTimers.Timer[] t = new RequestTimers.Timer[2];
    onThread(() -> {
      t[0] = timers.schedule(thread, 20, () -> fired.add("ran"));
      t[1] = timers.schedule(thread, 40, () -> fired.add("kept"));
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> fired.contains("ran"));
    onThread(() -> {
      t[0].cancel();
      t[0].cancel();
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> fired.size() == 2);
    assertThat(fired).containsExactly("ran", "kept");
    assertThat(pending()).isZero();
  }

  private int pending() {
    int[] n = new int[1];
    onThread(() -> n[0] = timers.pending(thread));
    return n[0];
  }

  /** Runs {@code task} on the I/O thread and waits for it, as the gateway's own calls are made. */
  private void onThread(Runnable task) {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    thread.execute(() -> {
      try {
        task.run();
        done.complete(null);
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    done.join();
  }

  private static XnioWorker worker() {
    try {
      return Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
