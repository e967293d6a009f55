package io.dragoman.gateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 upstream on a raw server socket whose answers a test scripts byte for byte. Unlike {@link RawUpstream}
 * it serves every connection on a thread of its own (an idle pooled connection must not keep the next one waiting),
 * counts the connections it accepted, records every request head and body it read, and notes which connections
 * the gateway closed.
 */
final class ScriptedUpstream implements AutoCloseable {
  /** Answers one request whose head was read; returns false to close the connection afterwards. */
  interface Script {
    boolean answer(Call call) throws IOException;
  }

  /** A request the upstream read: on which connection (from 1), its head, and its body once read. */
  static final class Seen {
    final int connection;
    final String head;
    volatile byte[] body;

    Seen(int connection, String head) {
      this.connection = connection;
      this.head = head;
    }

    String body() {
      return body == null ? null : new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  /** One request on one connection, for the script. */
  static final class Call {
    final Seen seen;
    final int index; // the request's number on its connection, from 1
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Call(Seen seen, int index, Socket socket) throws IOException {
      this.seen = seen;
      this.index = index;
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    String head() {
      return seen.head;
    }

    /** Reads the body as its head frames it, and records it. */
    byte[] body() throws IOException {
      seen.body = RawUpstream.readBody(seen.head, in, 0);
      return seen.body;
    }

    void send(String bytes) throws IOException {
      out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** Reads the body, then answers 200 with {@code body}. */
    boolean ok(String body) throws IOException {
      body();
      return reply(body);
    }

    /** Answers 200 with {@code body} and a Content-Length, reading nothing more. */
    boolean reply(String body) throws IOException {
      send("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      return true;
    }
  }

  private final ServerSocket server;
  private final Script script;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Set<Integer> closedByGateway = ConcurrentHashMap.newKeySet();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  ScriptedUpstream(Script script) throws IOException {
    this.script = script;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "scripted-upstream");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** How many connections the gateway opened. */
  int connections() {
    return accepted.get();
  }

  List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** Requests read on one connection, in order. */
  List<Seen> seenOn(int connection) {
    return seen.stream().filter(s -> s.connection == connection).toList();
  }

  /** Whether the gateway closed this connection (the upstream read its end) while the upstream waited for a head. */
  boolean closedByGateway(int connection) {
    return closedByGateway.contains(connection);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        int id = accepted.incrementAndGet();
        Thread t = new Thread(() -> serve(id, s), "scripted-upstream-" + id);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(int id, Socket socket) {
    try (socket) {
      for (int index = 1; ; index++) {
        String head = RawUpstream.readHead(socket.getInputStream());
        if (head == null) {
          closedByGateway.add(id);
          return;
        }
        Seen s = new Seen(id, head);
        seen.add(s);
        if (!script.answer(new Call(s, index, socket))) return;
      }
    } catch (IOException e) {
      // the gateway reset the connection, or the script ended it: nothing more to serve on it
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) s.close();
  }
}
