package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DefaultByteBufferPool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xnio.ChannelPipe;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/** The body pump between two real XNIO pipes: bytes arrive whole, and which buffers it takes from which pool. */
class PumpTest {
  private static final int SMALL = 16 * 1024;
  private static final int LARGE = 64 * 1024;

  private final XnioWorker worker = worker();
  private final CountingPool small = new CountingPool(SMALL);
  private final CountingPool large = new CountingPool(LARGE);

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  @Test
  void aFastBodyOfUnknownLengthMovesToALargeBufferOnceASmallOneFills() throws Exception {
    byte[] body = random(1024 * 1024);

    assertThat(relay(body, -1)).isEqualTo(body);
    assertThat(small.taken.get()).isEqualTo(1);
    assertThat(large.taken.get()).isEqualTo(1);
    assertThat(small.held.get() + large.held.get()).as("buffers given back").isZero();
  }

  @Test
  void aBodyDeclaredLongerThanASmallBufferStartsWithALargeOne() throws Exception {
    byte[] body = random(200 * 1024);

    assertThat(relay(body, body.length)).isEqualTo(body);
    assertThat(small.taken.get()).isZero();
    assertThat(large.taken.get()).isEqualTo(1);
    assertThat(large.held.get()).isZero();
  }

  @Test
  void aSmallBodyNeverTakesALargeBuffer() throws Exception {
    byte[] body = random(100);

    assertThat(relay(body, -1)).isEqualTo(body);
    assertThat(small.taken.get()).isEqualTo(1);
    assertThat(large.taken.get()).isZero();
    assertThat(small.held.get()).isZero();
  }

  /** Writes {@code body} into one pipe from another thread, pumps it to a second pipe, and reads that to its end. */
  private byte[] relay(byte[] body, long declared) throws Exception {
    XnioIoThread thread = worker.getIoThread();
    ChannelPipe<StreamSourceChannel, StreamSinkChannel> in = thread.createHalfDuplexPipe();
    ChannelPipe<StreamSourceChannel, StreamSinkChannel> out = thread.createHalfDuplexPipe();
    CompletableFuture<Void> pumped = new CompletableFuture<>();
    thread.execute(() -> Pump.start(in.getLeftSide(), out.getRightSide(), new Pump.Events() {
      @Override
      public void done() {
        pumped.complete(null);
      }

      @Override
      public void sourceFailed(IOException e) {
        pumped.completeExceptionally(e);
      }

      @Override
      public void sinkFailed(IOException e) {
        pumped.completeExceptionally(e);
      }
    }, small, large, declared));
    CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
      try {
        StreamSinkChannel sink = in.getRightSide();
        Channels.writeBlocking(sink, ByteBuffer.wrap(body));
        sink.shutdownWrites();
        Channels.flushBlocking(sink);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    byte[] received = readAll(out.getLeftSide());
    written.get(10, TimeUnit.SECONDS);
    pumped.get(10, TimeUnit.SECONDS);
    return received;
  }

  private static byte[] readAll(StreamSourceChannel source) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (Channels.readBlocking(source, buffer, 10, TimeUnit.SECONDS) >= 0) {
      buffer.flip();
      all.write(buffer.array(), 0, buffer.limit());
      buffer.clear();
    }
    return all.toByteArray();
  }

  private static byte[] random(int length) {
    byte[] b = new byte[length];
    new Random(length).nextBytes(b);
    return b;
  }

  private static XnioWorker worker() {
    try {
      return Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A real pool that counts the buffers taken from it and those not yet given back. */
  private static final class CountingPool implements ByteBufferPool {
    final AtomicInteger taken = new AtomicInteger();
    final AtomicInteger held = new AtomicInteger();
    private final DefaultByteBufferPool pool;

    CountingPool(int size) {
      pool = new DefaultByteBufferPool(false, size, 8, 0);
    }

    @Override
    public PooledByteBuffer allocate() {
      PooledByteBuffer buffer = pool.allocate();
      taken.incrementAndGet();
      held.incrementAndGet();
      return new PooledByteBuffer() {
        private boolean open = true;

        @Override
        public ByteBuffer getBuffer() {
          return buffer.getBuffer();
        }

        @Override
        public void close() {
          if (!open) return;
          open = false;
          held.decrementAndGet();
          buffer.close();
        }

        @Override
        public boolean isOpen() {
          return open;
        }
      };
    }

    @Override
    public ByteBufferPool getArrayBackedPool() {
      return this;
    }

    @Override
    public void close() {
      pool.close();
    }

    @Override
    public int getBufferSize() {
      return pool.getBufferSize();
    }

    @Override
    public boolean isDirect() {
      return false;
    }
  }
}
