package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static io.dragoman.gateway.proxy.HardeningRig.latin1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.HeaderValue;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.ProxyTestTables;
import io.dragoman.gateway.routing.RouteTable;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.StreamSourceChannel;

/**
 * The gateway's own HTTP/1.1 client ({@link Http1Connection}) against an upstream scripted byte for byte: which
 * connections are reused and which are not, every way a response body is framed, interim answers, malformed heads,
 * request bodies as the upstream reads them, and the route's idle timeout. One I/O thread, so one pool.
 */
class Http1ConnectionTest {
  private final LoopbackResolver resolver = new LoopbackResolver();
  private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.empty());
  private ProxyServer proxy;
  private ScriptedUpstream upstream;
  private XnioWorker worker; // for the tests that drive an Http1Connection directly

  @BeforeEach
  void start() throws IOException {
    proxy = new ProxyServer(LoopbackSettings.quiet(), table::get, resolver, ProxyListener.NONE);
    proxy.start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    if (upstream != null) upstream.close();
    if (worker != null) worker.shutdownNow();
  }

  /** Routes everything to a new scripted upstream. */
  private void serve(ScriptedUpstream.Script script) throws IOException {
    serve(script, ForwardSpec.DEFAULTS);
  }

  private void serve(ScriptedUpstream.Script script, ForwardSpec forward) throws IOException {
    upstream = new ScriptedUpstream(script);
    resolver.route("svc.ns", 80, upstream.port());
    ServiceRef service = new ServiceRef("svc.ns:80", false, "svc.ns", 80);
    table.set(ProxyTestTables.of(Mapping.builder("all", "/", service).forward(forward).build()));
  }

  /** A route whose upstream may stay silent at most {@code idleMs}, with no overall timeout. */
  private static ForwardSpec idle(long idleMs) {
    return new ForwardSpec("/", Optional.empty(), "", false, List.of(), List.of(), List.of(), List.of(),
        OptionalLong.of(0), OptionalLong.empty(), OptionalLong.of(idleMs), false, List.of(), OptionalLong.empty());
  }

  /** A route that adds {@code header} to every request it sends upstream (replacing any of that name). */
  private static ForwardSpec adding(HeaderValue header) {
    ForwardSpec d = ForwardSpec.DEFAULTS;
    return new ForwardSpec(d.rewrite(), d.regexRewrite(), d.hostRewrite(), d.autoHostRewrite(), List.of(header),
        d.removeRequestHeaders(), d.addResponseHeaders(), d.removeResponseHeaders(), d.timeoutMs(),
        d.connectTimeoutMs(), d.idleTimeoutMs(), d.grpc(), d.allowUpgrade(), d.maxRequestBodyBytes());
  }

  record Reply(int status, String head, String body) {
    String header(String name) {
      return RawUpstream.header(head, name);
    }
  }

  private static String get(String path) {
    return head("GET " + path + " HTTP/1.1", "Host: a");
  }

  private static String post(String path, String body) {
    return head("POST " + path + " HTTP/1.1", "Host: a", "Content-Length: " + body.length()) + body;
  }

  /** Sends one request on a new client connection and reads its answer. */
  private Reply call(String request) throws IOException {
    try (Socket socket = client()) {
      socket.getOutputStream().write(latin1(request));
      socket.getOutputStream().flush();
      return read(socket.getInputStream(), request.startsWith("HEAD "));
    }
  }

  private Socket client() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setSoTimeout(HardeningRig.READ_TIMEOUT_MS);
    return socket;
  }

  /** One response: no body after HEAD, 1xx, 204, 304; else as framed, or until the close. */
  private static Reply read(InputStream in, boolean headRequest) throws IOException {
    String head = RawUpstream.readHead(in);
    if (head == null) throw new IOException("the gateway closed the connection without an answer");
    int status = Integer.parseInt(head.substring(9, 12));
    boolean none = headRequest || status < 200 || status == 204 || status == 304;
    boolean framed = RawUpstream.header(head, "content-length") != null
        || RawUpstream.header(head, "transfer-encoding") != null;
    byte[] body = none ? new byte[0] : framed ? RawUpstream.readBody(head, in, 0) : in.readAllBytes();
    return new Reply(status, head, new String(body, StandardCharsets.ISO_8859_1));
  }

  private static void assertOk(Reply r, String body) {
    assertThat(r.status()).as(r.head() + r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(body);
  }

  // Keep-alive

  @Test
  void sequentialRequestsShareOneUpstreamConnection() throws IOException {
    serve(c -> c.ok("answer " + c.index));

    for (int i = 1; i <= 10; i++) {
      assertOk(call(i % 2 == 0 ? get("/g/" + i) : post("/p/" + i, "body " + i)), "answer " + i);
    }

    assertThat(upstream.connections()).isEqualTo(1);
    assertThat(upstream.seenOn(1)).hasSize(10);
  }

  @Test
  void anUpstreamThatSaysCloseGetsTheNextRequestOnANewConnection() throws IOException {
    serve(c -> {
      c.body();
      c.send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye");
      return false;
    });

    assertOk(call(get("/1")), "bye");
    assertOk(call(get("/2")), "bye");

    assertThat(upstream.connections()).isEqualTo(2);
    assertThat(upstream.seenOn(1)).hasSize(1);
  }

  /** Even when the upstream itself would go on: it asked for the close, the gateway closes. */
  @Test
  void aConnectionCloseAnswerIsNotReusedEvenIfTheUpstreamKeepsItOpen() throws IOException {
    serve(c -> {
      c.body();
      c.send("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
      return true;
    });

    assertOk(call(get("/1")), "ok");
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closedByGateway(1));
    assertOk(call(get("/2")), "ok");

    assertThat(upstream.connections()).isEqualTo(2);
  }

  @Test
  void anHttp10AnswerWithoutKeepAliveIsNotReused() throws IOException {
    serve(c -> {
      c.body();
      c.send("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
      return true; // the gateway must close it
    });

    assertOk(call(get("/1")), "ok");
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closedByGateway(1));
    assertOk(call(get("/2")), "ok");

    assertThat(upstream.connections()).isEqualTo(2);
    assertThat(upstream.seenOn(1)).hasSize(1);
  }

  @Test
  void anHttp10AnswerWithKeepAliveIsReused() throws IOException {
    serve(c -> {
      c.body();
      c.send("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok");
      return true;
    });

    assertOk(call(get("/1")), "ok");
    assertOk(call(get("/2")), "ok");

    assertThat(upstream.connections()).isEqualTo(1);
  }

  /**
   * The upstream closes an idle pooled connection: the gateway notices at once (its read interest stays on), so
   * the next request goes to a new connection and nothing is sent on the dead one.
   */
  @Test
  void anIdleConnectionClosedByTheUpstreamIsDroppedAndTheNextRequestSucceeds() throws IOException {
    serve(c -> {
      c.ok("from " + c.seen.connection);
      c.socket.shutdownOutput(); // FIN, keep reading: would the gateway still send on it?
      return true;
    });

    assertOk(call(get("/1")), "from 1");
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closedByGateway(1));
    assertOk(call(get("/2")), "from 2");

    assertThat(upstream.seenOn(1)).hasSize(1);
  }

  /** Without waiting for the gateway to notice: it may send on the dead connection, then it retries on a new one. */
  @Test
  void anIdleConnectionClosedByTheUpstreamRightBeforeTheNextRequestIsNo502() throws IOException {
    serve(c -> {
      c.ok("from " + c.seen.connection);
      return false;
    });

    for (int i = 1; i <= 5; i++) {
      assertOk(call(get("/" + i)), "from " + i);
    }
    assertThat(upstream.connections()).isEqualTo(5);
  }

  // Response bodies

  /** The old client took an HTTP/1.1 answer with neither Content-Length nor chunked as empty. */
  @Test
  void aCloseDelimitedBodyArrivesWholeAndItsConnectionIsNotReused() throws IOException {
    String body = "x".repeat(100_000) + "END";
    serve(c -> {
      c.body();
      if (c.seen.connection == 1) {
        c.send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body.substring(0, 50_000));
        RawUpstream.pause(50); // the upstream is slow; the rest comes in a later read
        c.send(body.substring(50_000));
        return false;
      }
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
      return true;
    });

    assertOk(call(get("/close-delimited")), body);
    assertOk(call(get("/next")), "next");

    assertThat(upstream.connections()).isEqualTo(2);
  }

  @ParameterizedTest
  @CsvSource({"false, false", "false, true", "true, false", "true, true"})
  void aChunkedBodyIsRelayedAndTheConnectionReused(boolean trailers, boolean apart) throws IOException {
    serve(c -> {
      c.body();
      c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n"
          + "5\r\nhello\r\n6;ext=1\r\n world\r\n");
      if (apart) RawUpstream.pause(30);
      c.send("1\r\n" + c.index + "\r\n0\r\n" + (trailers ? "X-Sum: abc\r\nX-More: d\r\n" : "") + "\r\n");
      return true;
    });

    assertOk(call(get("/1")), "hello world1");
    assertOk(call(get("/2")), "hello world2");

    assertThat(upstream.connections()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void oneHundredContinueIsSkippedForTheFinalAnswer(boolean apart) throws IOException {
    serve(c -> {
      c.send("HTTP/1.1 100 Continue\r\n\r\n");
      if (apart) RawUpstream.pause(30);
      String got = new String(c.body(), StandardCharsets.ISO_8859_1);
      c.send("HTTP/1.1 200 OK\r\nContent-Length: " + got.length() + "\r\n\r\n" + got);
      return true;
    });

    assertOk(call(post("/1", "payload one")), "payload one");
    assertOk(call(post("/2", "payload two")), "payload two");

    assertThat(upstream.connections()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void earlyHintsAreSkippedForTheFinalAnswer(boolean apart) throws IOException {
    serve(c -> {
      c.body();
      String hints = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n";
      String last = "HTTP/1.1 201 Created\r\nContent-Length: 4\r\nX-Final: yes\r\n\r\ndone";
      if (apart) {
        c.send(hints);
        RawUpstream.pause(30);
        c.send(hints + last);
      } else {
        c.send(hints + last);
      }
      return true;
    });

    for (int i = 0; i < 2; i++) {
      Reply r = call(get("/hints"));
      assertThat(r.status()).as(r.head()).isEqualTo(201);
      assertThat(r.header("x-final")).isEqualTo("yes");
      assertThat(r.body()).isEqualTo("done");
    }
    assertThat(upstream.connections()).isEqualTo(1);
  }

  /** The old client waited for a body after a 304 that carried Content-Length. */
  @ParameterizedTest
  @ValueSource(ints = {304, 204})
  void noBodyStatusWithContentLengthAnswersAtOnceAndKeepsTheConnection(int status) throws IOException {
    serve(c -> {
      c.body();
      if (c.index == 1) c.send("HTTP/1.1 " + status + " X\r\nContent-Length: 1234\r\nETag: \"e\"\r\n\r\n");
      else c.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
      return true;
    });

    Reply first = call(get("/cached"));
    assertThat(first.status()).isEqualTo(status);
    assertThat(first.body()).isEmpty();
    assertOk(call(get("/next")), "next");

    assertThat(upstream.connections()).isEqualTo(1);
  }

  /** Two answers on one client connection: the first must not leave stray bytes that corrupt the second. */
  @Test
  void headWithContentLengthHasNoBodyAndTheNextRequestOnBothConnectionsWorks() throws IOException {
    serve(c -> {
      c.body();
      if (c.head().startsWith("HEAD ")) c.send("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
      else c.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext");
      return true;
    });

    try (Socket socket = client()) {
      OutputStream out = socket.getOutputStream();
      out.write(latin1(head("HEAD /h HTTP/1.1", "Host: a")));
      Reply head = read(socket.getInputStream(), true);
      out.write(latin1(get("/after-head")));
      Reply next = read(socket.getInputStream(), false);

      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo("1234");
      assertOk(next, "next");
    }
    assertThat(upstream.connections()).isEqualTo(1);
    assertThat(upstream.seenOn(1)).extracting(s -> s.head.substring(0, 5)).containsExactly("HEAD ", "GET /");
  }

  /** More bytes than the Content-Length: the connection cannot be trusted with another request. */
  @Test
  void bytesAfterACompleteResponseCloseThatConnection() throws IOException {
    serve(c -> {
      c.body();
      if (c.seen.connection == 1) {
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\nsmuggled");
      } else {
        c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
      }
      return true;
    });

    assertOk(call(get("/1")), "ok");
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.closedByGateway(1));
    assertOk(call(get("/2")), "fresh");

    assertThat(upstream.connections()).isEqualTo(2);
    assertThat(upstream.seenOn(1)).hasSize(1);
  }

  // Malformed answers

  @ParameterizedTest
  @ValueSource(strings = {
    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!",
    "HTTP/1.1 200 OK\r\nX-A: b\r\n folded\r\nContent-Length: 2\r\n\r\nok",
    "HTTP/1.1 200 OK\r\nX-A: b\rc\r\nContent-Length: 2\r\n\r\nok",
    "SSH-2.0-OpenSSH_9.6\r\n\r\n",
    "HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok",
    "HUGE",
    "HTTP/1.1 200 OK\r\nX-Cut: b",
  })
  void aMalformedAnswerIs502AndTheGatewayKeepsServing(String answer) throws IOException {
    String bytes = answer.equals("HUGE")
        ? "HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(17 * 1024) + "\r\nContent-Length: 2\r\n\r\nok"
        : answer;
    serve(c -> {
      c.body();
      if (c.seen.connection == 1) {
        c.send(bytes);
        return !answer.startsWith("HTTP/1.1 200 OK\r\nX-Cut"); // that one closes mid-head
      }
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nsane");
      return true;
    });

    Reply bad = call(get("/bad"));
    Reply good = call(get("/good"));

    assertThat(bad.status()).as(bad.body()).isEqualTo(502);
    assertThat(bad.header("x-dragoman-reason")).isEqualTo("UR");
    assertThat(bad.header("content-type")).isEqualTo("application/json");
    assertThat(bad.body()).startsWith("{\"error\": \"upstream reset: ").endsWith("\"}\n");
    assertOk(good, "sane");
    assertThat(upstream.connections()).isEqualTo(2);
    assertThat(upstream.seenOn(1)).hasSize(1);
  }

  /**
   * A keep-alive connection that fails may only have been closed by the upstream, and a request that sent no body is
   * then tried once more on a new one. A malformed answer is not that: the upstream answered, and is asked once.
   */
  @Test
  void aMalformedAnswerOnAReusedConnectionIsNotSentAgain() throws IOException {
    serve(c -> {
      c.body();
      if (c.index == 1) return c.reply("first");
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!");
      return true;
    });

    assertOk(call(get("/first")), "first");
    Reply bad = call(get("/second"));

    assertThat(bad.status()).as(bad.body()).isEqualTo(502);
    assertThat(upstream.seen()).hasSize(2);
    assertThat(upstream.connections()).isEqualTo(1);
  }

  @Test
  void aSilentUpstreamOnAReusedConnectionIsAskedOnceAndTimesOutOnce() throws IOException {
    serve(c -> {
      c.body();
      if (c.index == 1) return c.reply("first");
      c.socket.setSoTimeout(10_000);
      c.in.transferTo(OutputStream.nullOutputStream()); // silent until the gateway gives up
      return false;
    }, idle(300));

    assertOk(call(get("/first")), "first");
    Reply r = call(get("/silent"));

    assertThat(r.status()).as(r.body()).isEqualTo(504);
    assertThat(r.header("x-dragoman-reason")).isEqualTo("UT");
    assertThat(upstream.seen()).hasSize(2);
    assertThat(upstream.connections()).as("no second try on a new connection").isEqualTo(1);
  }

  @Test
  void anUpstreamThatSendsInterimAnswersWithoutEndIsRefused() throws IOException {
    serve(c -> {
      c.body();
      c.send("HTTP/1.1 100 Continue\r\n\r\n".repeat(17) + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      return true;
    });

    Reply r = call(get("/chatty"));

    assertThat(r.status()).as(r.body()).isEqualTo(502);
    assertThat(r.body()).isEqualTo("{\"error\": \"upstream reset: malformed response head from upstream: more than 16"
        + " interim (1xx) answers\"}\n");
  }

  /** A Mapping's added header that HTTP/1.1 cannot carry: refused once, named, and no upstream is asked. */
  @Test
  void aHeaderTheGatewayCannotWriteIs502WithoutAskingTheUpstream() throws IOException {
    serve(c -> c.ok("should not be asked"), adding(new HeaderValue("x-bad", "a\u010aX-Injected: 1", false)));

    Reply r = call(get("/bad-header"));

    assertThat(r.status()).as(r.body()).isEqualTo(502);
    assertThat(r.body()).isEqualTo("{\"error\": \"cannot send x-bad upstream: it holds character U+010A, which is not"
        + " ISO-8859-1\"}\n");
    assertThat(upstream.seen()).isEmpty();
  }

  /** add_request_headers can name Content-Length; a value that is not a length is refused, never sent. */
  @Test
  void aContentLengthThatIsNotALengthIs502WithoutAskingTheUpstream() throws IOException {
    serve(c -> c.ok("should not be asked"), adding(new HeaderValue("content-length", "-1", false)));

    Reply r = call(get("/bad-length"));

    assertThat(r.status()).as(r.body()).isEqualTo(502);
    assertThat(r.body()).isEqualTo("{\"error\": \"cannot send Content-Length \\\"-1\\\" upstream: not a length\"}\n");
    assertThat(upstream.seen()).isEmpty();
  }

  @Test
  void theMalformedAnswerIsNamedInTheErrorBody() throws IOException {
    serve(c -> {
      c.body();
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!");
      return true;
    });

    Reply bad = call(get("/bad"));

    assertThat(bad.body()).isEqualTo(
        "{\"error\": \"upstream reset: malformed response head from upstream: different Content-Length values\"}\n");
  }

  // Request bodies

  @Test
  void aFixedLengthBodyArrivesIntact() throws IOException {
    byte[] body = new byte[200_000];
    for (int i = 0; i < body.length; i++) body[i] = (byte) (i * 31 + 7);
    serve(c -> c.reply("got " + c.body().length));

    String request = head("PUT /upload HTTP/1.1", "Host: a", "Content-Length: " + body.length);
    Reply r;
    try (Socket socket = client()) {
      socket.getOutputStream().write(latin1(request));
      socket.getOutputStream().write(body);
      r = read(socket.getInputStream(), false);
    }

    assertOk(r, "got " + body.length);
    ScriptedUpstream.Seen seen = upstream.seen().get(0);
    assertThat(RawUpstream.header(seen.head, "content-length")).isEqualTo(String.valueOf(body.length));
    assertThat(RawUpstream.header(seen.head, "transfer-encoding")).isNull();
    assertThat(seen.body).isEqualTo(body);
  }

  @Test
  void aChunkedBodyArrivesIntactAndChunked() throws IOException {
    serve(c -> c.ok("seen"));
    String request = head("POST /chunks HTTP/1.1", "Host: a", "Transfer-Encoding: chunked")
        + "5\r\nhello\r\n1;x=y\r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";

    assertOk(call(request), "seen");

    ScriptedUpstream.Seen seen = upstream.seen().get(0);
    assertThat(RawUpstream.header(seen.head, "transfer-encoding")).isEqualToIgnoringCase("chunked");
    assertThat(RawUpstream.header(seen.head, "content-length")).isNull();
    assertThat(seen.body()).isEqualTo("hello, world");
  }

  /** No body, no framing header, and nothing after the head: the next request head follows it directly. */
  @Test
  void aGetSendsNoBody() throws IOException {
    serve(c -> c.ok("fine"));

    assertOk(call(get("/1")), "fine");
    assertOk(call(get("/2")), "fine");

    List<ScriptedUpstream.Seen> seen = upstream.seenOn(1);
    assertThat(seen).hasSize(2);
    for (ScriptedUpstream.Seen s : seen) {
      assertThat(s.head).startsWith("GET /");
      assertThat(RawUpstream.header(s.head, "content-length")).isNull();
      assertThat(RawUpstream.header(s.head, "transfer-encoding")).isNull();
      assertThat(s.body).isEmpty();
    }
  }

  /**
   * The upstream refuses after the head alone and reads nothing more, while a body too large for the socket buffers
   * still streams: the client hears the answer, and the connection (its request never completed) is not reused.
   */
  @Test
  void anAnswerBeforeTheBodyIsSentReachesTheClientAndTheConnectionIsNotReused() throws Exception {
    CountDownLatch answered = new CountDownLatch(1);
    serve(c -> {
      if (c.seen.connection == 1) {
        c.send("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 4\r\n\r\nbig!");
        await().atMost(Duration.ofSeconds(10)).until(() -> answered.getCount() == 0);
        c.socket.setSoTimeout(10_000);
        c.in.transferTo(OutputStream.nullOutputStream()); // now drain until the gateway closes
        return true; // the next read finds the end: closedByGateway
      }
      return c.ok("small");
    });
    byte[] body = new byte[30 * 1024 * 1024]; // under the 32 MiB body limit, far over the socket buffers

    Reply r;
    try (Socket socket = client()) {
      OutputStream out = socket.getOutputStream();
      out.write(latin1(head("POST /big HTTP/1.1", "Host: a", "Content-Length: " + body.length)));
      out.flush();
      CompletableFuture.runAsync(() -> {
        try {
          out.write(body);
        } catch (IOException e) {
          // the gateway stops reading once it has answered
        }
      });
      r = read(socket.getInputStream(), false);
      answered.countDown();
    }

    assertThat(r.status()).isEqualTo(413);
    assertThat(r.body()).isEqualTo("big!");
    await().atMost(Duration.ofSeconds(10)).until(() -> upstream.closedByGateway(1));
    assertOk(call(post("/small", "s")), "small");
    assertThat(upstream.connections()).isEqualTo(2);
    assertThat(upstream.seenOn(1)).hasSize(1);
  }

  // Idle timeout

  @Test
  void aSilentUpstreamIs504UTAfterTheIdleTimeout() throws IOException {
    serve(c -> {
      c.body();
      c.socket.setSoTimeout(10_000);
      c.in.transferTo(OutputStream.nullOutputStream()); // silent until the gateway gives up
      return false;
    }, idle(300));

    Reply r = call(get("/silent"));

    assertThat(r.status()).as(r.body()).isEqualTo(504);
    assertThat(r.header("x-dragoman-reason")).isEqualTo("UT");
    assertThat(r.body()).isEqualTo("{\"error\": \"upstream idle for more than 300 ms\"}\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.seen().size() == 1);
  }

  /**
   * An early answer (the upload still going) whose body then stalls: the upstream is the one silent, and the idle
   * limit cuts it even though the request was never sent whole.
   */
  @Test
  void anEarlyAnswerThatStallsIsCutByTheIdleTimeout() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    serve(c -> {
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf!"); // then nothing: 5 of 10 bytes
      waitFor(done);
      return false;
    }, idle(300));

    try (Socket socket = client()) {
      OutputStream out = socket.getOutputStream();
      out.write(latin1(head("POST /early HTTP/1.1", "Host: a", "Content-Length: 8") + "0123")); // 4 of 8 bytes
      out.flush();
      String head = RawUpstream.readHead(socket.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 200");
      byte[] rest = socket.getInputStream().readAllBytes(); // ends when the gateway cuts the connection
      assertThat(new String(rest, StandardCharsets.ISO_8859_1)).isEqualTo("half!");
    } finally {
      done.countDown();
    }
  }

  @Test
  void aSlowButSteadyBodyIsNotCutByTheIdleTimeout() throws IOException {
    serve(c -> {
      c.body();
      RawUpstream.pause(200); // the head comes late, but within the limit
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n");
      for (int i = 0; i < 12; i++) {
        RawUpstream.pause(100);
        c.send(String.valueOf((char) ('a' + i)));
      }
      return true;
    }, idle(300));

    assertOk(call(get("/slow")), "abcdefghijkl");
    assertOk(call(get("/again")), "abcdefghijkl");
    assertThat(upstream.connections()).isEqualTo(1);
  }

  /**
   * The idle limit is the stream's (Envoy's route idle_timeout counts bytes either way): while the client still
   * uploads, the upstream waiting for the body is not idle.
   */
  @Test
  void aSlowUploadIsNotCutByTheIdleTimeout() throws Exception {
    serve(c -> c.reply("got " + new String(c.body(), StandardCharsets.ISO_8859_1)), idle(300));

    Reply r;
    try (Socket socket = client()) {
      OutputStream out = socket.getOutputStream();
      out.write(latin1(head("POST /upload HTTP/1.1", "Host: a", "Content-Length: 8")));
      out.flush();
      for (int i = 0; i < 8; i++) {
        RawUpstream.pause(100); // the client's pace, not a wait for the gateway
        out.write('0' + i);
        out.flush();
      }
      r = read(socket.getInputStream(), false);
    }

    assertOk(r, "got 01234567");
  }

  // The connection itself, driven on its I/O thread as ProxyExchange drives it

  /**
   * A head the gateway refuses, with body bytes in the same read: those bytes were pushed back for the body, and
   * closing the connection must give their buffer back to the pool.
   */
  @Test
  void aRefusedHeadWithBodyBytesBehindItGivesItsBufferBack() throws Exception {
    answerEveryRequestWith("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello");
    CountingPool pool = new CountingPool(16 * 1024, new AtomicInteger());
    Http1Connection c = connect(pool);
    CompletableFuture<ClientExchange> answer = new CompletableFuture<>();
    c.getIoThread().execute(() -> send(c, "/bad", into(answer)));

    assertThat(answer).failsWithin(Duration.ofSeconds(10));
    awaitClosedWithBuffersBack(c, pool);
  }

  /**
   * Bytes after a complete response, read with it, wait in the push-back buffer for a read event that closes the
   * connection. Until that event it must not look idle: the pool hands an idle connection to the next request at once
   * (another client's, served in the same round of the I/O thread), which would take those bytes as its answer.
   */
  @Test
  void bytesReadAfterAResponseAreNeverTheNextRequestsAnswer() throws Exception {
    serve(c -> {
      c.send(c.index == 1
          ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled"
          : "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
      return true;
    });
    Http1Connection c = connect(new CountingPool(16 * 1024, new AtomicInteger()));
    CompletableFuture<String> second = new CompletableFuture<>();
    CompletableFuture<ClientExchange> first = new CompletableFuture<>();
    first.thenAccept(exchange -> readBody(exchange.getResponseChannel(), new StringBuilder(), () -> {
      if (!c.idle()) {
        second.complete("not reused");
        return;
      }
      CompletableFuture<ClientExchange> next = new CompletableFuture<>();
      next.whenComplete((ex, e) -> {
        StringBuilder body = new StringBuilder();
        if (e != null) second.complete("failed: " + e.getMessage());
        else readBody(ex.getResponseChannel(), body, () -> second.complete(body.toString()));
      });
      send(c, "/2", into(next));
    }));
    c.getIoThread().execute(() -> send(c, "/1", into(first)));

    assertThat(second.get(10, TimeUnit.SECONDS)).isIn("not reused", "fresh");
    await().atMost(Duration.ofSeconds(5)).until(() -> !c.isOpen());
  }

  /**
   * Closing a response channel before its body was all read (nothing in ProxyExchange does today, but a conduit
   * reports that as the body's end) must not leave the connection idle: the unread rest would be the next answer.
   */
  @Test
  void aResponseChannelClosedMidBodyLeavesNoIdleConnection() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    serve(c -> {
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"); // the head alone: no bytes wait behind it
      waitFor(closed);
      c.send("HTTP/1.1 200 OK\r\n"); // the body's bytes, which the next request must never take for its answer
      return true;
    });
    Http1Connection c = connect(new CountingPool(16 * 1024, new AtomicInteger()));
    ClientExchange exchange = answered(c, "/half");

    CompletableFuture<Boolean> idle = new CompletableFuture<>();
    c.getIoThread().execute(() -> {
      IoUtils.safeClose(exchange.getResponseChannel());
      idle.complete(c.idle());
    });

    assertThat(idle.get(10, TimeUnit.SECONDS)).isFalse();
    closed.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> !c.isOpen());
  }

  /**
   * A body that came in the same read as its head is handed over whole, in the buffer it was read into: the response
   * counts as read at once (the connection is idle again before the caller has written a byte), the buffer goes back
   * to the pool when the caller closes it, and the next exchange on the connection starts clean.
   */
  @Test
  void aBodyThatCameWithItsHeadIsHandedOverWholeAndTheConnectionIsFreeAtOnce() throws Exception {
    serve(c -> {
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nwhole " + c.index);
      return true;
    });
    CountingPool pool = new CountingPool(16 * 1024, new AtomicInteger());
    Http1Connection c = connect(pool);

    for (int i = 1; i <= 2; i++) {
      CompletableFuture<ClientExchange> answer = new CompletableFuture<>();
      c.getIoThread().execute(() -> send(c, "/whole", into(answer)));
      ClientExchange exchange = answer.get(10, TimeUnit.SECONDS);
      CompletableFuture<String> taken = new CompletableFuture<>();
      c.getIoThread().execute(() -> {
        PooledByteBuffer whole = Http1Connection.takeWholeBody(exchange);
        if (whole == null) {
          taken.complete("not whole");
          return;
        }
        String body = StandardCharsets.ISO_8859_1.decode(whole.getBuffer()).toString();
        taken.complete(body + (c.idle() ? ", idle" : ", busy"));
        whole.close();
      });

      assertThat(taken.get(10, TimeUnit.SECONDS)).isEqualTo("whole " + i + ", idle");
    }
    assertThat(upstream.connections()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(2)).untilAsserted(
        () -> assertThat(pool.held.get()).as("pooled buffers not given back").isZero());
  }

  /** Neither taken whole nor read as a channel (the caller gave up on the answer): closing gives the buffer back. */
  @Test
  void aWholeBodyNobodyTookGoesBackToThePoolWhenTheConnectionCloses() throws Exception {
    answerEveryRequestWith("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
    CountingPool pool = new CountingPool(16 * 1024, new AtomicInteger());
    Http1Connection c = connect(pool);
    answered(c, "/retry-me");
    await().atMost(Duration.ofSeconds(2)).until(() -> pool.held.get() == 1); // the body, held whole

    c.getIoThread().execute(() -> IoUtils.safeClose(c));

    awaitClosedWithBuffersBack(c, pool);
  }

  /**
   * A bug in whoever hears the answer (an unexpected exception) must not leave the connection hanging with its
   * exchange: XNIO's socket conduit swallows what a read handler throws, so the connection closes itself (and logs it).
   */
  @Test
  void anAnswerListenerThatThrowsClosesTheConnectionAndGivesItsBuffersBack() throws Exception {
    answerEveryRequestWith("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CountingPool pool = new CountingPool(16 * 1024, new AtomicInteger());
    Http1Connection c = connect(pool);
    c.getIoThread().execute(() -> send(c, "/throws", new ClientCallback<>() {
      @Override
      public void completed(ClientExchange exchange) {
        throw new IllegalStateException("a bug in the listener");
      }

      @Override
      public void failed(IOException e) {}
    }));

    awaitClosedWithBuffersBack(c, pool);
  }

  /** A body still on its way when the head arrives is not whole: it is read through the response channel. */
  @Test
  void aBodyThatFollowsItsHeadLaterIsReadThroughTheChannel() throws Exception {
    CountDownLatch headSeen = new CountDownLatch(1);
    serve(c -> {
      c.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe");
      waitFor(headSeen);
      c.send("llo");
      return true;
    });
    Http1Connection c = connect(new CountingPool(16 * 1024, new AtomicInteger()));
    ClientExchange exchange = answered(c, "/apart");

    CompletableFuture<String> body = new CompletableFuture<>();
    c.getIoThread().execute(() -> {
      if (Http1Connection.takeWholeBody(exchange) != null) {
        body.complete("taken whole");
        return;
      }
      StringBuilder into = new StringBuilder();
      readBody(exchange.getResponseChannel(), into, () -> body.complete(into.toString()));
      headSeen.countDown();
    });

    assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
  }

  /** Routes everything to a new scripted upstream that answers each request with {@code raw}, bytes as they are. */
  private void answerEveryRequestWith(String raw) throws IOException {
    serve(c -> {
      c.send(raw);
      return true;
    });
  }

  private static void awaitClosedWithBuffersBack(Http1Connection c, CountingPool pool) {
    await().atMost(Duration.ofSeconds(5)).until(() -> !c.isOpen());
    await().atMost(Duration.ofSeconds(2)).untilAsserted(
        () -> assertThat(pool.held.get()).as("pooled buffers not given back").isZero());
  }

  /** Sends a GET on the connection's I/O thread and waits until its answer's head is read. */
  private static ClientExchange answered(Http1Connection c, String path) throws Exception {
    CompletableFuture<ClientExchange> answer = new CompletableFuture<>();
    c.getIoThread().execute(() -> send(c, path, into(answer)));
    return answer.get(10, TimeUnit.SECONDS);
  }

  /** For an upstream script: waits (bounded) until the test lets it go on. */
  private static void waitFor(CountDownLatch latch) throws IOException {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      throw new IOException(e);
    }
  }

  /** A new connection to the upstream, made on the I/O thread of a worker of its own. */
  private Http1Connection connect(ByteBufferPool pool) throws Exception {
    worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 1));
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.port());
    StreamConnection c = worker.getIoThread().openStreamConnection(address, null, OptionMap.EMPTY).get();
    return onIoThread(c, () -> new Http1Connection(c, pool));
  }

  private static <T> T onIoThread(StreamConnection c, Callable<T> task) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    c.getIoThread().execute(() -> {
      try {
        result.complete(task.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  /** Sends a GET (on the I/O thread); {@code answered} hears the exchange once its response head is read. */
  private static void send(Http1Connection c, String path, ClientCallback<ClientExchange> answered) {
    c.sendRequest(new ClientRequest().setMethod(Methods.GET).setPath(path), new ClientCallback<>() {
      @Override
      public void completed(ClientExchange exchange) {
        exchange.setResponseListener(answered);
        BodyWriter.write(exchange.getRequestChannel(), ByteBuffer.allocate(0), () -> {}, answered::failed);
      }

      @Override
      public void failed(IOException e) {
        answered.failed(e);
      }
    });
  }

  /** Reads a response body to its end on the I/O thread, then runs {@code then} with it. */
  private static void readBody(StreamSourceChannel channel, StringBuilder into, Runnable then) {
    ByteBuffer buffer = ByteBuffer.allocate(1024);
    try {
      for (int n; (n = channel.read(buffer.clear())) != 0; ) {
        if (n < 0) {
          then.run();
          return;
        }
        into.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
      }
      channel.getReadSetter().set(ch -> readBody(channel, into, then));
      channel.resumeReads();
    } catch (IOException e) {
      into.append("failed: ").append(e.getMessage());
      then.run();
    }
  }

  /** What a callback heard: the exchange, or its failure. */
  private static ClientCallback<ClientExchange> into(CompletableFuture<ClientExchange> future) {
    return new ClientCallback<>() {
      @Override
      public void completed(ClientExchange exchange) {
        future.complete(exchange);
      }

      @Override
      public void failed(IOException e) {
        future.completeExceptionally(e);
      }
    };
  }
}
