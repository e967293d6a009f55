package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.StreamSinkConduit;

/** A request head in front of its body: what reaches the socket, in how many system calls, and what counts as sent. */
class HeadFirstSinkConduitTest {
  private static final String HEAD = "POST /v1/models/m:predict HTTP/1.1\r\nHost: m\r\nContent-Length: 11\r\n\r\n";

  @Test
  void aSmallBodyGoesBehindItsHeadInOneWrite() throws IOException {
    Socket socket = new Socket(Integer.MAX_VALUE);
    HeadFirstSinkConduit sink = new HeadFirstSinkConduit(socket, head(16 * 1024), null);

    assertThat(sink.write(bytes("hello world"))).isEqualTo(11);

    assertThat(socket.text()).isEqualTo(HEAD + "hello world");
    assertThat(socket.writes).isEqualTo(1);
    assertThat(socket.gathered).as("no writev").isZero();
  }

  @Test
  void aSocketThatTakesAFewBytesAtATimeGetsNoBodyCountedUntilTheHeadIsOut() throws IOException {
    Socket socket = new Socket(5);
    HeadFirstSinkConduit sink = new HeadFirstSinkConduit(socket, head(16 * 1024), null);
    ByteBuffer body = bytes("hello world");

    assertThat(sink.write(body)).as("as a gathering write: nothing of the body while the head waits").isZero();
    assertThat(body.remaining()).as("given back").isEqualTo(11);
    assertThat(socket.text()).isEqualTo(HEAD.substring(0, 5));
    while (body.hasRemaining()) sink.write(body); // what the socket takes each time
    while (!sink.flush()) {
      // each flush writes what the socket takes
    }

    assertThat(socket.text()).isEqualTo(HEAD + "hello world");
  }

  /**
   * A pump that is told its first bytes went waits on its source, not on the socket: had the write claimed body bytes
   * still held behind an unsent head (a TLS handshake takes nothing at first), head and body would wait there until
   * the client sent more, or the route's timeout.
   */
  @Test
  void theHeadGoesOutWhileTheClientPausesMidBodyAfterTheSocketFirstTookNothing() throws Exception {
    XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    try {
      ChannelPipe<StreamSourceChannel, StreamSinkChannel> client = worker.getIoThread().createHalfDuplexPipe();
      ChannelPipe<StreamSourceChannel, StreamSinkChannel> upstream = worker.getIoThread().createHalfDuplexPipe();
      ConduitStreamSinkChannel sink = (ConduitStreamSinkChannel) upstream.getRightSide();
      Channels.writeBlocking(client.getRightSide(), ByteBuffer.wrap(new byte[10])); // 10 of 100 bytes, then a pause
      CompletableFuture<Void> started = new CompletableFuture<>();
      sink.getIoThread().execute(() -> {
        sink.setConduit(new HeadFirstSinkConduit(new FirstWriteTakesNothing(sink.getConduit()), head(16 * 1024), null));
        Pump.start(client.getLeftSide(), sink, new Pump.Events() {
          @Override
          public void done() {}

          @Override
          public void sourceFailed(IOException e) {}

          @Override
          public void sinkFailed(IOException e) {}
        }, new CountingPool(16 * 1024, new AtomicInteger()), null, 100);
        started.complete(null);
      });
      started.get(5, TimeUnit.SECONDS);

      ByteBuffer got = ByteBuffer.allocate(HEAD.length() + 10);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (got.hasRemaining() && System.nanoTime() < deadline) {
        if (Channels.readBlocking(upstream.getLeftSide(), got, 200, TimeUnit.MILLISECONDS) < 0) break;
      }
      assertThat(got.position()).as("head and the first body bytes upstream").isEqualTo(HEAD.length() + 10);
      assertThat(StandardCharsets.ISO_8859_1.decode(got.flip()).toString()).startsWith(HEAD);
    } finally {
      worker.shutdownNow();
    }
  }

  @Test
  void aBodyOverTheCopyLimitIsGatheredWithTheHead() throws IOException {
    Socket socket = new Socket(Integer.MAX_VALUE);
    HeadFirstSinkConduit sink = new HeadFirstSinkConduit(socket, head(64 * 1024), null);
    String large = "x".repeat(HeadFirstSinkConduit.APPEND_BYTES + 1);

    assertThat(sink.write(bytes(large))).isEqualTo(large.length());

    assertThat(socket.text()).isEqualTo(HEAD + large);
    assertThat(socket.gathered).isEqualTo(1);
  }

  @Test
  void aHeadWithNoRoomBehindItIsGatheredWithTheBody() throws IOException {
    Socket socket = new Socket(Integer.MAX_VALUE);
    HeadFirstSinkConduit sink = new HeadFirstSinkConduit(socket, head(HEAD.length()), null);

    assertThat(sink.write(bytes("hello world"))).isEqualTo(11);

    assertThat(socket.text()).isEqualTo(HEAD + "hello world");
    assertThat(socket.gathered).isEqualTo(1);
  }

  @Test
  void appendMovesOnlyTheBytesAskedForAndLeavesTheHeadToBeReadFromWhereItWas() {
    ByteBuffer head = ByteBuffer.allocate(64).put(bytes("abcdef")).flip();
    head.get(); // one byte of the head already written
    ByteBuffer src = bytes("123456");

    assertThat(HeadFirstSinkConduit.append(head, src, 4)).isTrue();

    assertThat(StandardCharsets.ISO_8859_1.decode(head).toString()).isEqualTo("bcdef1234");
    assertThat(src.position()).isEqualTo(4);
    assertThat(src.limit()).isEqualTo(6);
    assertThat(HeadFirstSinkConduit.append(ByteBuffer.allocate(8).put(bytes("abcdef")).flip(), src, 3))
        .as("no room").isFalse();
    assertThat(src.position()).as("nothing moved").isEqualTo(4);
  }

  private static ByteBuffer head(int capacity) {
    return ByteBuffer.allocateDirect(capacity).put(bytes(HEAD)).flip();
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Takes nothing on the first write (a TLS handshake under way), then passes writes on. */
  private static final class FirstWriteTakesNothing extends AbstractStreamSinkConduit<StreamSinkConduit> {
    private boolean refused;

    FirstWriteTakesNothing(StreamSinkConduit next) {
      super(next);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (!refused) {
        refused = true;
        return 0;
      }
      return next.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offs, int len) throws IOException {
      if (!refused) {
        refused = true;
        return 0;
      }
      return next.write(srcs, offs, len);
    }
  }

  /** A conduit must have one below it; the fake socket never calls it. */
  private static final StreamSinkConduit NOTHING_BELOW = (StreamSinkConduit) Proxy.newProxyInstance(
      StreamSinkConduit.class.getClassLoader(), new Class<?>[] {StreamSinkConduit.class}, (proxy, method, args) -> {
        throw new UnsupportedOperationException(method.getName());
      });

  /** The socket below: takes at most {@code perCall} bytes per call, and counts the calls. */
  private static final class Socket extends AbstractStreamSinkConduit<StreamSinkConduit> {
    private final int perCall;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    int writes;
    int gathered;

    Socket(int perCall) {
      super(NOTHING_BELOW);
      this.perCall = perCall;
    }

    @Override
    public int write(ByteBuffer src) {
      writes++;
      return take(src, perCall);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offs, int len) {
      gathered++;
      int room = perCall;
      for (int i = offs; i < offs + len && room > 0; i++) room -= take(srcs[i], room);
      return perCall - room;
    }

    @Override
    public boolean flush() {
      return true;
    }

    private int take(ByteBuffer src, int max) {
      int n = Math.min(max, src.remaining());
      for (int i = 0; i < n; i++) out.write(src.get());
      return n;
    }

    String text() {
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
