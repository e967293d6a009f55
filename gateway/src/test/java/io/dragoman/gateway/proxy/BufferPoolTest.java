package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.undertow.connector.PooledByteBuffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/** The gateway's buffer pool: reuse, bounds, and that no buffer is ever handed to two holders at once. */
class BufferPoolTest {

  @Test
  void aReleasedBufferIsReusedClearedOnTheSameThread() {
    BufferPool pool = new BufferPool(true, 1024, 4, -1);
    PooledByteBuffer first = pool.allocate();
    ByteBuffer b = first.getBuffer();
    b.put((byte) 1).limit(10);
    first.close();

    PooledByteBuffer second = pool.allocate();

    assertThat(second.getBuffer()).isSameAs(b);
    assertThat(b.position()).isZero();
    assertThat(b.limit()).isEqualTo(1024);
    assertThat(b.isDirect()).isTrue();
  }

  @Test
  void closingTwiceReturnsTheBufferOnce() {
    BufferPool pool = new BufferPool(false, 64, 4, -1);
    PooledByteBuffer pooled = pool.allocate();
    ByteBuffer b = pooled.getBuffer();
    pooled.close();
    pooled.close();

    PooledByteBuffer a = pool.allocate();
    PooledByteBuffer c = pool.allocate();

    assertThat(pooled.isOpen()).isFalse();
    assertThatThrownBy(pooled::getBuffer).isInstanceOf(IllegalStateException.class);
    assertThat(a.getBuffer()).isSameAs(b);
    assertThat(c.getBuffer()).isNotSameAs(b);
  }

  @Test
  void beyondEachThreadsOwnBuffersTheSharedQueueKeepsAtMostItsBound() {
    BufferPool pool = new BufferPool(false, 64, 2, 3);
    List<PooledByteBuffer> held = new ArrayList<>();
    for (int i = 0; i < 10; i++) held.add(pool.allocate());

    held.forEach(PooledByteBuffer::close);

    assertThat(pool.shared()).isEqualTo(3); // 2 kept by this thread, 3 shared, 5 left to the garbage collector
  }

  @Test
  void anUnboundedPoolCountsTheBuffersItShares() {
    BufferPool pool = new BufferPool(false, 64, 0, -1);
    PooledByteBuffer first = pool.allocate();
    first.close(); // no thread keeps any: it goes to the shared queue

    assertThat(pool.shared()).isEqualTo(1);
    pool.allocate(); // and comes back out of it
    assertThat(pool.shared()).isZero();
  }

  @Test
  void buffersFreedOnOneThreadServeAnother() throws Exception {
    BufferPool pool = new BufferPool(false, 64, 0, -1);
    PooledByteBuffer pooled = pool.allocate();
    ByteBuffer b = pooled.getBuffer();
    pooled.close();
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      assertThat(other.submit(() -> pool.allocate().getBuffer()).get()).isSameAs(b);
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void concurrentHoldersNeverShareABuffer() throws Exception {
    BufferPool pool = new BufferPool(false, 64, 2, 8);
    int threads = 4;
    Set<ByteBuffer> inUse = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> clashes = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        clashes.add(executor.submit(() -> {
          go.await();
          int clash = 0;
          for (int i = 0; i < 20_000; i++) {
            PooledByteBuffer one = pool.allocate();
            PooledByteBuffer two = pool.allocate();
            if (!inUse.add(one.getBuffer())) clash++;
            if (!inUse.add(two.getBuffer())) clash++;
            inUse.remove(one.getBuffer());
            inUse.remove(two.getBuffer());
            one.close();
            one.close(); // a double close must not free it twice
            two.close();
          }
          return clash;
        }));
      }
      go.countDown();
      for (Future<Integer> f : clashes) assertThat(f.get()).isZero();
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void ioThreadsOfTheSameNumberInTwoWorkersKeepTheirOwnBuffers() throws Exception {
    // An I/O thread finds its stack by its number, which is unique only within its worker.
    BufferPool pool = new BufferPool(false, 64, 4, 0);
    XnioWorker a = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    XnioWorker b = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    try {
      ByteBuffer fromA = on(a, () -> {
        PooledByteBuffer p = pool.allocate();
        ByteBuffer buffer = p.getBuffer();
        p.close(); // kept on a's own stack
        return buffer;
      });
      ByteBuffer fromB = on(b, () -> pool.allocate().getBuffer());
      ByteBuffer againFromA = on(a, () -> pool.allocate().getBuffer());

      assertThat(a.getIoThread(0).getNumber()).isEqualTo(b.getIoThread(0).getNumber());
      assertThat(fromB).isNotSameAs(fromA);
      assertThat(againFromA).isSameAs(fromA);
    } finally {
      a.shutdownNow();
      b.shutdownNow();
    }
  }

  private static ByteBuffer on(XnioWorker worker, Callable<ByteBuffer> task) throws Exception {
    CompletableFuture<ByteBuffer> result = new CompletableFuture<>();
    worker.getIoThread(0).execute(() -> {
      try {
        result.complete(task.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(5, TimeUnit.SECONDS);
  }

  @Test
  void aClosedPoolRefusesToAllocateAndKeepsNothing() {
    BufferPool pool = new BufferPool(true, 64, 0, -1);
    PooledByteBuffer pooled = pool.allocate();
    pool.close();
    pooled.close();

    assertThat(pool.shared()).isZero();
    assertThatThrownBy(pool::allocate).isInstanceOf(IllegalStateException.class).hasMessage("buffer pool closed");
  }

  @Test
  void theArrayBackedPoolHasTheSameSizeOnTheHeap() {
    BufferPool pool = new BufferPool(true, 256, 4, -1);

    BufferPool heap = (BufferPool) pool.getArrayBackedPool();

    assertThat(heap.isDirect()).isFalse();
    assertThat(heap.getBufferSize()).isEqualTo(256);
    assertThat(heap.allocate().getBuffer().hasArray()).isTrue();
    assertThat(pool.getArrayBackedPool()).isSameAs(heap);
  }
}
