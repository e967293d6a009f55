package io.dragoman.gateway.proxy;

import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.ProxyTestTables;
import io.dragoman.gateway.routing.RouteTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A gateway on loopback in front of a MockWebServer that answers every request 200 "ok", and a raw-socket client
 * that sends exact bytes and reads back whole responses and whether the connection was closed after them.
 */
final class HardeningRig implements AutoCloseable {
  static final int READ_TIMEOUT_MS = 5_000;

  final MockWebServer upstream = new MockWebServer();
  final LoopbackResolver resolver = new LoopbackResolver();
  final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.empty());
  final ProxyServer proxy;

  HardeningRig(UnaryOperator<ProxySettings> tune) throws IOException {
    upstream.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).body("ok").build();
      }
    });
    upstream.start();
    ProxySettings base = LoopbackSettings.quiet();
    proxy = new ProxyServer(tune.apply(base), table::get, resolver, ProxyListener.NONE);
    proxy.start();
    routes(Mapping.builder("all", "/", service("svc.ns", 80)).build());
  }

  HardeningRig() throws IOException {
    this(UnaryOperator.identity());
  }

  /** A rig with the default settings, for a test field ({@code @AutoClose}): one per test, closed after it. */
  static HardeningRig started() {
    try {
      return new HardeningRig();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  ServiceRef service(String host, int port) {
    return service(host, port, upstream);
  }

  /** A service whose name resolves to {@code server} rather than the shared upstream. */
  ServiceRef service(String host, int port, MockWebServer server) {
    resolver.route(host, port, server.getPort());
    return new ServiceRef(host + ":" + port, false, host, port);
  }

  /** The defaults with a route timeout of {@code ms} (0: none). */
  static ForwardSpec timeout(long ms) {
    ForwardSpec d = ForwardSpec.DEFAULTS;
    return new ForwardSpec(d.rewrite(), d.regexRewrite(), d.hostRewrite(), d.autoHostRewrite(), d.addRequestHeaders(),
        d.removeRequestHeaders(), d.addResponseHeaders(), d.removeResponseHeaders(), OptionalLong.of(ms),
        d.connectTimeoutMs(), d.idleTimeoutMs(), d.grpc(), d.allowUpgrade(), d.maxRequestBodyBytes());
  }

  void routes(Mapping... mappings) {
    table.set(ProxyTestTables.of(mappings));
  }

  /** A request as it would be written: lines joined with CRLF, the head ended by an empty line. */
  static String head(String... lines) {
    return String.join("\r\n", lines) + "\r\n\r\n";
  }

  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  Exchange send(String request) throws IOException {
    return send(latin1(request));
  }

  /** A raw connection to the gateway whose reads give up after {@link #READ_TIMEOUT_MS}. */
  Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setSoTimeout(READ_TIMEOUT_MS);
    return socket;
  }

  /** Writes the bytes, then reads responses until the server closes or stays silent for a while. */
  Exchange send(byte[] request) throws IOException {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (SocketException e) {
        // the server may refuse and close before we finish writing: read what it answered
      }
      return readResponses(socket.getInputStream());
    }
  }

  /** Reads exactly {@code count} responses, leaving the connection open. */
  static List<Response> readResponses(InputStream in, int count) throws IOException {
    List<Response> responses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int first = in.read();
      if (first < 0) throw new IOException("closed after " + i + " responses");
      responses.add(readResponse(first, in));
    }
    return responses;
  }

  /** Writes the bytes and reads one response, for requests that leave the connection open. */
  Response first(String request) throws IOException {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(latin1(request));
      return readResponses(socket.getInputStream(), 1).get(0);
    }
  }

  static Exchange readResponses(InputStream in) throws IOException {
    List<Response> responses = new ArrayList<>();
    while (true) {
      int first;
      try {
        first = in.read();
      } catch (SocketTimeoutException e) {
        return new Exchange(responses, false);
      } catch (SocketException e) {
        return new Exchange(responses, true); // reset counts as closed
      }
      if (first < 0) return new Exchange(responses, true);
      Response r = readResponse(first, in);
      responses.add(r);
      if (r.bodyUntilClose()) return new Exchange(responses, true);
    }
  }

  private static Response readResponse(int first, InputStream in) throws IOException {
    ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
    headBytes.write(first);
    while (!endsWithBlankLine(headBytes)) {
      int b = in.read();
      if (b < 0) break;
      headBytes.write(b);
    }
    String head = headBytes.toString(StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<String> headers = List.of(lines).subList(1, lines.length);
    String length = header(headers, "content-length");
    String encoding = header(headers, "transfer-encoding");
    String body;
    boolean untilClose = false;
    if (length != null) {
      body = new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.ISO_8859_1);
    } else if ("chunked".equalsIgnoreCase(encoding)) {
      body = readChunked(in);
    } else if (status == 204 || status == 304 || status == 100) {
      body = "";
    } else {
      body = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      untilClose = true;
    }
    return new Response(status, headers, body, untilClose);
  }

  private static String readChunked(InputStream in) throws IOException {
    StringBuilder body = new StringBuilder();
    while (true) {
      int size = Integer.parseInt(readLine(in).trim(), 16);
      if (size == 0) {
        while (!readLine(in).isEmpty()) {
          // trailers
        }
        return body.toString();
      }
      body.append(new String(in.readNBytes(size), StandardCharsets.ISO_8859_1));
      readLine(in);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') line.write(b);
    String s = line.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private static boolean endsWithBlankLine(ByteArrayOutputStream bytes) {
    byte[] b = bytes.toByteArray();
    int n = b.length;
    return n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n';
  }

  private static String header(List<String> headers, String name) {
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon > 0 && h.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return h.substring(colon + 1).trim();
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    proxy.close();
    upstream.close();
  }

  record Response(int status, List<String> headers, String body, boolean bodyUntilClose) {
    String header(String name) {
      return HardeningRig.header(headers, name.toLowerCase(Locale.ROOT));
    }
  }

  /** What came back on one connection: the responses in order, and whether the server closed it afterwards. */
  record Exchange(List<Response> responses, boolean closed) {
    Response only() {
      if (responses.size() != 1) throw new AssertionError("expected one response, got " + responses);
      return responses.get(0);
    }

    int status() {
      return only().status();
    }
  }
}
