import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * The floor: the least a JVM proxy can do for the peer benchmark's job, to measure what the JVM itself costs on a
 * machine, apart from any gateway. Not a proxy for use: it serves only the benchmark's route and only requests and
 * answers that fit one 16 KiB buffer, framed by Content-Length; anything else closes the connection.
 *
 * <p>JDK NIO and nothing else: one selector per thread, each with its own listening socket (SO_REUSEPORT, the kernel
 * spreads connections, as nginx's {@code reuseport}), one upstream connection per client connection opened with it,
 * read interest registered once for life, no timers, no header parsing beyond finding the head's end and
 * Content-Length. POST /models/half_plus_two/ becomes POST /v1/models/half_plus_two:predict; headers pass as sent.
 *
 * <p>Run: {@code java -XX:+UseSerialGC bench/floor/Floor.java PORT UPSTREAM_PORT [THREADS]} (single-file launch, no
 * build). {@code bench/peers/run.sh} starts it as the target {@code floor}.
 */
public final class Floor {
  private static final byte[] FRONT = latin1("/models/half_plus_two/");
  private static final byte[] BACK = latin1("/v1/models/half_plus_two:predict");
  private static final byte[] CONTENT_LENGTH = latin1("\ncontent-length:");
  private static final int BUFFER = 16 * 1024;

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: java Floor.java PORT UPSTREAM_PORT [THREADS]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    InetSocketAddress upstream = new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1]));
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < threads; i++) {
      ServerSocketChannel server = ServerSocketChannel.open();
      server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress("127.0.0.1", port), 1024);
      server.configureBlocking(false);
      Selector selector = Selector.open();
      server.register(selector, SelectionKey.OP_ACCEPT);
      new Thread(() -> loop(selector, upstream), "floor-" + i).start();
    }
    System.out.println("floor listening on 127.0.0.1:" + port + " with " + threads + " threads");
  }

  /** A client connection and its own upstream connection. */
  private static final class Pair {
    final SocketChannel client;
    final SocketChannel upstream;
    final ByteBuffer request = ByteBuffer.allocateDirect(BUFFER);
    final ByteBuffer response = ByteBuffer.allocateDirect(BUFFER);
    final ByteBuffer forward = ByteBuffer.allocateDirect(BUFFER + BACK.length);

    Pair(SocketChannel client, SocketChannel upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void close() {
      try {
        client.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      try {
        upstream.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static void loop(Selector selector, InetSocketAddress upstream) {
    while (true) {
      try {
        selector.select();
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (!key.isValid()) continue;
          if (key.isAcceptable()) {
            accept((ServerSocketChannel) key.channel(), selector, upstream);
            continue;
          }
          Pair pair = (Pair) key.attachment();
          try {
            if (key.channel() == pair.client) fromClient(pair); else fromUpstream(pair);
          } catch (IOException | RuntimeException e) {
            pair.close();
          }
        }
      } catch (IOException e) {
        e.printStackTrace();
      }
    }
  }

  private static void accept(ServerSocketChannel server, Selector selector, InetSocketAddress upstream) {
    SocketChannel client = null;
    try {
      client = server.accept();
      if (client == null) return;
      SocketChannel up = SocketChannel.open(upstream); // a blocking connect: fine for a benchmark's loopback
      Pair pair = new Pair(client, up);
      for (SocketChannel c : new SocketChannel[] {client, up}) {
        c.configureBlocking(false);
        c.setOption(StandardSocketOptions.TCP_NODELAY, true);
        c.register(selector, SelectionKey.OP_READ, pair);
      }
    } catch (IOException e) {
      if (client != null) {
        try {
          client.close();
        } catch (IOException ignored) {
          // refused anyway
        }
      }
    }
  }

  /** Once a whole request is buffered: rewrite its target, send head and body upstream in one write. */
  private static void fromClient(Pair p) throws IOException {
    ByteBuffer in = p.request;
    if (p.client.read(in) < 0) throw new IOException("client closed");
    int headEnd = headEnd(in);
    if (headEnd < 0) {
      if (!in.hasRemaining()) throw new IOException("head larger than the buffer");
      return;
    }
    int end = headEnd + contentLength(in, headEnd);
    if (end > BUFFER) throw new IOException("request larger than the buffer");
    if (in.position() < end) return;
    int methodEnd = indexOf(in, (byte) ' ', 0, headEnd);
    int target = methodEnd + 1;
    for (int i = 0; i < FRONT.length; i++) {
      if (in.get(target + i) != FRONT[i]) throw new IOException("not the benchmark's route");
    }
    int targetEnd = indexOf(in, (byte) ' ', target, headEnd);
    ByteBuffer out = p.forward.clear();
    out.put(in.duplicate().position(0).limit(target)).put(BACK).put(in.duplicate().position(targetEnd).limit(end));
    out.flip();
    while (out.hasRemaining()) {
      if (p.upstream.write(out) == 0) throw new IOException("upstream would block");
    }
    in.limit(in.position()).position(end).compact(); // keep a pipelined request's first bytes
  }

  /** Once a whole answer is buffered: pass it to the client as it came. */
  private static void fromUpstream(Pair p) throws IOException {
    ByteBuffer in = p.response;
    if (p.upstream.read(in) < 0) throw new IOException("upstream closed");
    int headEnd = headEnd(in);
    if (headEnd < 0) {
      if (!in.hasRemaining()) throw new IOException("answer head larger than the buffer");
      return;
    }
    int end = headEnd + contentLength(in, headEnd);
    if (end > BUFFER) throw new IOException("answer larger than the buffer");
    if (in.position() < end) return;
    in.flip();
    while (in.hasRemaining()) {
      if (p.client.write(in) == 0) throw new IOException("client would block");
    }
    in.clear();
  }

  /** The index after the head's blank line in b[0, position), or -1. */
  private static int headEnd(ByteBuffer b) {
    for (int i = 3; i < b.position(); i++) {
      if (b.get(i) == '\n' && b.get(i - 1) == '\r' && b.get(i - 2) == '\n' && b.get(i - 3) == '\r') return i + 1;
    }
    return -1;
  }

  /** The value of the head's Content-Length field (any case), 0 without one. */
  private static int contentLength(ByteBuffer b, int headEnd) {
    byte[] name = CONTENT_LENGTH;
    for (int i = 0; i + name.length < headEnd; i++) {
      int j = 0;
      while (j < name.length && (b.get(i + j) | (j == 0 || name[j] == ':' || name[j] == '-' ? 0 : 0x20)) == name[j]) j++;
      if (j < name.length) continue;
      int k = i + name.length;
      while (b.get(k) == ' ') k++;
      int n = 0;
      while (b.get(k) >= '0' && b.get(k) <= '9') n = n * 10 + b.get(k++) - '0';
      return n;
    }
    return 0;
  }

  private static int indexOf(ByteBuffer b, byte c, int from, int to) {
    for (int i = from; i < to; i++) if (b.get(i) == c) return i;
    throw new IllegalArgumentException("no '" + (char) c + "' in the request line");
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
