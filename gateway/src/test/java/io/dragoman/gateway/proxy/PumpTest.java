package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xnio.ChannelPipe;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.Channels;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/** The body pump between two real XNIO pipes: bytes arrive whole, and which buffers it takes from which pool. */
class PumpTest {
  private static final int SMALL = 16 * 1024;
  private static final int LARGE = 64 * 1024;

  private final XnioWorker worker = worker();
  private final AtomicInteger clock = new AtomicInteger();
  private final CountingPool small = new CountingPool(SMALL, clock);
  private final CountingPool large = new CountingPool(LARGE, clock);

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  @Test
  void aFastBodyOfUnknownLengthMovesToALargeBufferOnceASmallOneFills() throws Exception {
    byte[] body = random(1024 * 1024);

    assertThat(relay(body, -1, 8192)).isEqualTo(body);
    // Buffers go back while the pump waits on its source, so a body may take several.
    assertThat(large.taken.get()).isPositive();
    assertThat(small.firstTaken.get()).as("a small buffer first").isLessThan(large.firstTaken.get());
    assertThat(small.held.get() + large.held.get()).as("buffers given back").isZero();
  }

  @Test
  void aBodyWhoseReaderIsSlowGoesBackToSmallBuffers() throws Exception {
    // The reader takes one byte per read: the pipe behind the pump fills at once and the pump waits on its sink.
    byte[] body = random(256 * 1024);

    assertThat(relay(body, body.length, 1)).isEqualTo(body);
    assertThat(large.firstTaken.get()).as("started large for the declared length").isLessThan(small.firstTaken.get());
    assertThat(small.taken.get()).as("small buffers once the sink was slow").isPositive();
    assertThat(large.lastTaken.get()).as("no large buffer once the sink was slow").isLessThan(small.firstTaken.get());
    assertThat(small.held.get() + large.held.get()).as("buffers given back").isZero();
  }

  @Test
  void aBodyDeclaredLongerThanASmallBufferStartsWithALargeOne() throws Exception {
    byte[] body = random(200 * 1024);

    assertThat(relay(body, body.length, 8192)).isEqualTo(body);
    // (Later buffers may be small: the reader here can be slower than the pump.)
    assertThat(large.firstTaken.get()).as("the first buffer is large").isLessThan(small.firstTaken.get());
    assertThat(large.held.get()).isZero();
  }

  @Test
  void aSmallBodyNeverTakesALargeBuffer() throws Exception {
    byte[] body = random(100);

    assertThat(relay(body, -1, 8192)).isEqualTo(body);
    assertThat(small.taken.get()).isPositive();
    assertThat(large.taken.get()).isZero();
    assertThat(small.held.get()).isZero();
  }

  @Test
  void aBodyDeclaredLongWhoseClientStallsHoldsNoBufferWhileItWaits() throws Exception {
    // A slow client, or one whose Content-Length lies: 1 MB declared, 10 bytes sent, then silence.
    byte[] body = random(300 * 1024);

    assertThat(relayStalling(body, 10, body.length)).isEqualTo(body);
    assertThat(large.taken.get()).as("started large for the declared length").isPositive();
  }

  @Test
  void aBodyThatGrewThenStallsHoldsNoBufferWhileItWaits() throws Exception {
    // Two small buffers' worth arrive at once (the pump moves to a large buffer), then the client goes quiet.
    byte[] body = random(300 * 1024);

    assertThat(relayStalling(body, 2 * SMALL, -1)).isEqualTo(body);
    assertThat(large.taken.get()).as("moved to a large buffer").isPositive();
  }

  @Test
  void theFirstBufferTakesAllThatIsAtHandBeforeItIsWritten() throws Exception {
    // What came with a request head, then what arrived since: the source gives it in pieces (16 KiB per read here),
    // and the first write (the one that carries the head upstream) should carry all of it, not the first piece.
    byte[] body = random(40 * 1024);

    assertThat(writesOf(body, false)).as("bytes per write to the sink").containsExactly(body.length);
  }

  @Test
  void aFirstReadThatFindsNothingLeavesTheGatheringToTheNextRead() throws Exception {
    // The head came alone: the first read finds nothing, and the read that finds the body gathers all of it.
    byte[] body = random(40 * 1024);

    assertThat(writesOf(body, true)).as("bytes per write to the sink").containsExactly(body.length);
  }

  /**
   * Pumps {@code body}, all of it in the pipe before the pump starts, from a source that gives at most 16 KiB per read
   * (after one read that finds nothing, if asked), and returns the size of each write the sink took.
   */
  private List<Integer> writesOf(byte[] body, boolean firstReadEmpty) throws Exception {
    ChannelPipe<StreamSourceChannel, StreamSinkChannel> in = worker.getIoThread().createHalfDuplexPipe();
    ChannelPipe<StreamSourceChannel, StreamSinkChannel> out = worker.getIoThread().createHalfDuplexPipe();
    Channels.writeBlocking(in.getRightSide(), ByteBuffer.wrap(body)); // (a 64 KiB pipe: all there at once)
    List<Integer> writes = new CopyOnWriteArrayList<>();
    ConduitStreamSourceChannel source = (ConduitStreamSourceChannel) in.getLeftSide();
    ConduitStreamSinkChannel sink = (ConduitStreamSinkChannel) out.getRightSide();
    source.setConduit(new AbstractStreamSourceConduit<>(source.getConduit()) {
      private boolean empty = firstReadEmpty;

      @Override
      public int read(ByteBuffer dst) throws IOException {
        if (empty) {
          empty = false;
          return 0;
        }
        int limit = dst.limit();
        dst.limit(Math.min(limit, dst.position() + SMALL));
        try {
          return next.read(dst);
        } finally {
          dst.limit(limit);
        }
      }
    });
    sink.setConduit(new AbstractStreamSinkConduit<>(sink.getConduit()) {
      @Override
      public int write(ByteBuffer src) throws IOException {
        int n = next.write(src);
        if (n > 0) writes.add(n);
        return n;
      }
    });
    CompletableFuture<Void> pumped = pump(in, out, body.length);
    CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
      try {
        in.getRightSide().shutdownWrites();
        Channels.flushBlocking(in.getRightSide());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    assertThat(readAll(out.getLeftSide(), 8192)).isEqualTo(body);
    ended.get(10, TimeUnit.SECONDS);
    pumped.get(10, TimeUnit.SECONDS);
    return writes;
  }

  /**
   * Writes {@code body} into one pipe from another thread, pumps it to a second pipe, and reads that to its end,
   * {@code readSize} bytes at a time.
   */
  private byte[] relay(byte[] body, long declared, int readSize) throws Exception {
    ChannelPipe<StreamSourceChannel, StreamSinkChannel> in = worker.getIoThread().createHalfDuplexPipe();
    ChannelPipe<StreamSourceChannel, StreamSinkChannel> out = worker.getIoThread().createHalfDuplexPipe();
    CompletableFuture<Void> pumped = pump(in, out, declared);
    CompletableFuture<Void> written = CompletableFuture.runAsync(() -> writeAndEnd(in.getRightSide(), body));
    byte[] received = readAll(out.getLeftSide(), readSize);
    written.get(10, TimeUnit.SECONDS);
    pumped.get(10, TimeUnit.SECONDS);
    return received;
  }

  /**
   * Sends the first {@code sent} bytes, waits until they are through and the pump waits on the source, checks that
   * it holds no buffer then, and sends the rest.
   */
  private byte[] relayStalling(byte[] body, int sent, long declared) throws Exception {
    ChannelPipe<StreamSourceChannel, StreamSinkChannel> in = worker.getIoThread().createHalfDuplexPipe();
    ChannelPipe<StreamSourceChannel, StreamSinkChannel> out = worker.getIoThread().createHalfDuplexPipe();
    Channels.writeBlocking(in.getRightSide(), ByteBuffer.wrap(body, 0, sent)); // there before the first read
    CompletableFuture<Void> pumped = pump(in, out, declared);
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    read(out.getLeftSide(), received, sent);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(small.held.get() + large.held.get()).as("buffers held while the client is silent").isZero());
    CompletableFuture<Void> written = CompletableFuture.runAsync(
        () -> writeAndEnd(in.getRightSide(), Arrays.copyOfRange(body, sent, body.length)));
    received.write(readAll(out.getLeftSide(), 8192));
    written.get(10, TimeUnit.SECONDS);
    pumped.get(10, TimeUnit.SECONDS);
    assertThat(small.held.get() + large.held.get()).as("buffers given back").isZero();
    return received.toByteArray();
  }

  private CompletableFuture<Void> pump(
      ChannelPipe<StreamSourceChannel, StreamSinkChannel> in,
      ChannelPipe<StreamSourceChannel, StreamSinkChannel> out,
      long declared) {
    CompletableFuture<Void> pumped = new CompletableFuture<>();
    in.getLeftSide().getIoThread().execute(() -> Pump.start(in.getLeftSide(), out.getRightSide(), new Pump.Events() {
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
    return pumped;
  }

  private static void writeAndEnd(StreamSinkChannel sink, byte[] bytes) {
    try {
      Channels.writeBlocking(sink, ByteBuffer.wrap(bytes));
      sink.shutdownWrites();
      Channels.flushBlocking(sink);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Reads exactly {@code length} bytes into {@code all}. */
  private static void read(StreamSourceChannel source, ByteArrayOutputStream all, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (buffer.hasRemaining() && System.nanoTime() < deadline) {
      if (Channels.readBlocking(source, buffer, 1, TimeUnit.SECONDS) < 0) break;
    }
    all.write(buffer.array(), 0, buffer.position());
  }

  private static byte[] readAll(StreamSourceChannel source, int readSize) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(readSize);
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

}
