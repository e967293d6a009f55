package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/** Work deferred to the end of an XNIO I/O thread's pass, on a real worker. */
class EndOfPassTest {
  private XnioWorker worker;
  private XnioIoThread thread;
  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    thread = worker.getIoThread(0);
  }

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  @Test
  void workDeferredInAPassRunsOnceThePassIsOverInTheOrderItCame() throws Exception {
    onThread(() -> {
      EndOfPass.defer(thread, () -> log.add("a"));
      EndOfPass.defer(thread, () -> log.add("b"));
      EndOfPass.defer(thread, () -> log.add("c"));
      log.add("pending " + EndOfPass.pending());
      log.add("pass over");
    });
    awaitLog(5);
    assertThat(log).containsExactly("pending 3", "pass over", "a", "b", "c");
    assertThat(onThreadGet(EndOfPass::pending)).isZero();
  }

  @Test
  void aTaskThatThrowsDoesNotKeepTheRestFromRunning() throws Exception {
    onThread(() -> {
      EndOfPass.defer(thread, () -> log.add("a"));
      EndOfPass.defer(thread, () -> {
        throw new IllegalStateException("boom");
      });
      EndOfPass.defer(thread, () -> log.add("c"));
    });
    awaitLog(2);
    assertThat(log).containsExactly("a", "c");
  }

  @Test
  void workDeferredByDeferredWorkRunsAfterItAndIsNotLost() throws Exception {
    onThread(() -> {
      EndOfPass.defer(thread, () -> {
        log.add("a");
        EndOfPass.defer(thread, () -> log.add("later"));
      });
      EndOfPass.defer(thread, () -> log.add("b"));
    });
    awaitLog(3);
    assertThat(log).containsExactly("a", "b", "later");
    // and the next pass defers afresh
    onThread(() -> EndOfPass.defer(thread, () -> log.add("next pass")));
    awaitLog(4);
    assertThat(log).endsWith("next pass");
  }

  @Test
  void fromAnotherThreadTheWorkRunsAtOnce() {
    EndOfPass.defer(thread, () -> log.add("now"));
    assertThat(log).containsExactly("now");
  }

  private void onThread(Runnable r) {
    thread.execute(r);
  }

  private <T> T onThreadGet(java.util.function.Supplier<T> s) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    thread.execute(() -> f.complete(s.get()));
    return f.get(10, TimeUnit.SECONDS);
  }

  private void awaitLog(int size) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> log.size() >= size);
  }
}
