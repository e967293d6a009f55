package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static io.dragoman.gateway.proxy.HardeningRig.latin1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.ProxyTestTables;
import io.dragoman.gateway.routing.RouteTable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own HTTP/1.1 server ({@link Http1ServerConnection}) over real loopback sockets: keep-alive,
 * pipelining, request bodies, the hand-off to Undertow mid-connection, early answers, response framing, the idle
 * limit, graceful drain, and clients that hang up. Every route goes to a scripted upstream that echoes what it read.
 */
class Http1ServerConnectionTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final LoopbackResolver resolver = new LoopbackResolver();
  private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.empty());
  /** Counted down when the upstream holds a request to {@code /held}; it answers once {@link #release} is. */
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private ScriptedUpstream upstream;
  private ProxyServer proxy;

  @BeforeEach
  void start() throws IOException {
    upstream = new ScriptedUpstream(this::answer);
    resolver.route("svc.ns", 80, upstream.port());
    // Only /api/ is routed (the prefix is rewritten to "/"): anything else is the gateway's own 404.
    table.set(ProxyTestTables.of(
        Mapping.builder("api", "/api/", new ServiceRef("svc.ns:80", false, "svc.ns", 80)).build()));
    gateway(UnaryOperator.identity());
  }

  private void gateway(UnaryOperator<ProxySettings> tune) {
    if (proxy != null) proxy.close();
    ProxySettings settings = LoopbackSettings.quiet().withHttp1Server(ProxySettings.Http1Server.OWN);
    proxy = new ProxyServer(tune.apply(settings), table::get, resolver, ProxyListener.NONE);
    proxy.start();
  }

  @AfterEach
  void stop() throws IOException {
    release.countDown();
    proxy.close();
    upstream.close();
  }

  /** Echoes "METHOD target body", except for the targets that script another answer. */
  private boolean answer(ScriptedUpstream.Call c) throws IOException {
    String[] requestLine = c.head().substring(0, c.head().indexOf('\r')).split(" ");
    String method = requestLine[0];
    String target = requestLine[1];
    String echo = method + " " + target + " " + new String(c.body(), StandardCharsets.ISO_8859_1);
    switch (target) {
      case "/chunked" -> c.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
      case "/until-close" -> {
        c.send("HTTP/1.1 200 OK\r\n\r\nread to the end");
        return false;
      }
      case "/204" -> c.send("HTTP/1.1 204 No Content\r\n\r\n");
      case "/304" -> c.send("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n");
      case "/held" -> {
        held.countDown();
        awaitRelease();
        c.reply(echo);
      }
      default -> {
        if (method.equals("HEAD")) c.send("HTTP/1.1 200 OK\r\nContent-Length: " + echo.length() + "\r\n\r\n");
        else c.reply(echo);
      }
    }
    return true;
  }

  private void awaitRelease() throws IOException {
    try {
      if (!release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) throw new IOException("never released");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private Socket client() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setSoTimeout(HardeningRig.READ_TIMEOUT_MS);
    return socket;
  }

  private static String get(String path) {
    return head("GET " + path + " HTTP/1.1", "Host: a");
  }

  private static String postHead(String path, int length) {
    return head("POST " + path + " HTTP/1.1", "Host: a", "Content-Length: " + length);
  }

  private static String post(String path, String body) {
    return postHead(path, body.length()) + body;
  }

  private static void write(Socket socket, String bytes) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(latin1(bytes));
    out.flush();
  }

  private static HardeningRig.Response next(Socket socket) throws IOException {
    return HardeningRig.readResponses(socket.getInputStream(), 1).get(0);
  }

  private static void assertOk(HardeningRig.Response r, String body) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(body);
  }

  private List<String> bodiesSeenUpstream() {
    return upstream.seen().stream().map(ScriptedUpstream.Seen::body).toList();
  }

  // Keep-alive and pipelining

  @Test
  void pipelinedRequestsAreAnsweredInOrderAndEachBodyReachesTheUpstreamExactly() throws IOException {
    try (Socket socket = client()) {
      write(socket, get("/api/1") + post("/api/2", "two\r\n\r\nGET /smuggled HTTP/1.1") + get("/api/3"));

      List<HardeningRig.Response> responses = HardeningRig.readResponses(socket.getInputStream(), 3);

      assertThat(responses).extracting(HardeningRig.Response::body)
          .containsExactly("GET /1 ", "POST /2 two\r\n\r\nGET /smuggled HTTP/1.1", "GET /3 ");
    }
    assertThat(bodiesSeenUpstream()).containsExactly("", "two\r\n\r\nGET /smuggled HTTP/1.1", "");
  }

  @Test
  void aBodyLargerThanTheHeadBufferIsRelayedWholeAndTheNextRequestFollows() throws IOException {
    String body = "0123456789abcdef".repeat(10_000); // 160 KB: most of it is read from the socket, not with the head

    try (Socket socket = client()) {
      write(socket, post("/api/big", body) + get("/api/after"));

      assertOk(next(socket), "POST /big " + body);
      assertOk(next(socket), "GET /after ");
    }
    assertThat(bodiesSeenUpstream()).containsExactly(body, "");
  }

  @Test
  void aBodyArrivingInPiecesIsRelayedWhole() throws IOException {
    try (Socket socket = client()) {
      write(socket, postHead("/api/pieces", 12) + "first ");
      // The relay started with half the body in hand: the upstream has the head and waits for the rest.
      await().atMost(WAIT).until(() -> upstream.seen().size() == 1);
      write(socket, "second");

      assertOk(next(socket), "POST /pieces first second");
    }
    assertThat(bodiesSeenUpstream()).containsExactly("first second");
  }

  @Test
  void persistentResponsesSayKeepAliveAndCarryADate() throws IOException {
    try (Socket socket = client()) {
      write(socket, get("/api/1"));
      HardeningRig.Response first = next(socket);
      write(socket, get("/api/2"));
      HardeningRig.Response second = next(socket);

      assertOk(first, "GET /1 ");
      assertOk(second, "GET /2 ");
      assertThat(first.header("Connection")).isEqualTo("keep-alive");
      assertThat(DateTimeFormatter.RFC_1123_DATE_TIME.parse(first.header("Date"))).isNotNull();
    }
  }

  @Test
  void connectionCloseFromTheClientIsAnsweredWithCloseAndTheSocketCloses() throws IOException {
    try (Socket socket = client()) {
      write(socket, head("GET /api/last HTTP/1.1", "Host: a", "Connection: close"));

      HardeningRig.Exchange exchange = HardeningRig.readResponses(socket.getInputStream());

      assertOk(exchange.only(), "GET /last ");
      assertThat(exchange.only().header("Connection")).isEqualTo("close");
      assertThat(exchange.closed()).isTrue();
    }
  }

  // Hand-off to Undertow

  @Test
  void aChunkedRequestMidConnectionIsHandedOffAndTheConnectionGoesOn() throws IOException {
    String chunked = head("POST /api/chunked-in HTTP/1.1", "Host: a", "Transfer-Encoding: chunked")
        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    try (Socket socket = client()) {
      write(socket, get("/api/1"));
      assertOk(next(socket), "GET /1 ");
      write(socket, chunked);
      assertOk(next(socket), "POST /chunked-in hello world");
      write(socket, get("/api/3"));
      assertOk(next(socket), "GET /3 ");
    }
    assertThat(bodiesSeenUpstream()).containsExactly("", "hello world", "");
  }

  @Test
  void aHandOffWithPipelinedBytesInHandLosesNone() throws IOException {
    String chunked = head("POST /api/chunked-in HTTP/1.1", "Host: a", "Transfer-Encoding: chunked")
        + "3\r\nabc\r\n0\r\n\r\n";
    try (Socket socket = client()) {
      write(socket, get("/api/1") + chunked + get("/api/3"));

      List<HardeningRig.Response> responses = HardeningRig.readResponses(socket.getInputStream(), 3);

      assertThat(responses).extracting(HardeningRig.Response::body)
          .containsExactly("GET /1 ", "POST /chunked-in abc", "GET /3 ");
    }
  }

  @Test
  void aHeadRequestIsHandedOffAndAGetFollowsOnTheSameConnection() throws IOException {
    try (Socket socket = client()) {
      write(socket, head("HEAD /api/h HTTP/1.1", "Host: a"));
      String headAnswer = RawUpstream.readHead(socket.getInputStream());
      write(socket, get("/api/g"));

      assertThat(headAnswer).startsWith("HTTP/1.1 200");
      assertThat(RawUpstream.header(headAnswer, "content-length")).isEqualTo(String.valueOf("HEAD /h ".length()));
      assertOk(next(socket), "GET /g ");
    }
  }

  // Early answers

  @Test
  void anEarlyAnswerToAPostLeavesTheRestOfItsBodyDrainedNotParsed() throws IOException {
    String rest = "\r\nGET /api/smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
    try (Socket socket = client()) {
      write(socket, postHead("/nowhere", 5 + rest.length()) + "start");
      HardeningRig.Response early = next(socket);
      write(socket, rest + get("/api/after"));

      assertThat(early.status()).isEqualTo(404);
      assertThat(early.header("Connection")).isEqualTo("keep-alive");
      assertOk(next(socket), "GET /after ");
    }
    assertThat(upstream.seen()).extracting(s -> s.head.substring(0, s.head.indexOf('\r')))
        .containsExactly("GET /after HTTP/1.1");
  }

  // Response framing

  @Test
  void anUpstreamChunkedAnswerReachesTheClientChunkedOnAReusedConnection() throws IOException {
    try (Socket socket = client()) {
      write(socket, get("/api/chunked"));
      HardeningRig.Response chunked = next(socket);
      write(socket, get("/api/next"));

      assertOk(chunked, "hello world");
      assertThat(chunked.header("Transfer-Encoding")).isEqualTo("chunked");
      assertThat(chunked.header("Content-Length")).isNull();
      assertOk(next(socket), "GET /next ");
    }
  }

  @Test
  void anUpstreamAnswerDelimitedByItsCloseReachesTheClientChunkedOnAReusedConnection() throws IOException {
    try (Socket socket = client()) {
      write(socket, get("/api/until-close"));
      HardeningRig.Response untilClose = next(socket);
      write(socket, get("/api/next"));

      assertOk(untilClose, "read to the end");
      assertThat(untilClose.header("Transfer-Encoding")).isEqualTo("chunked");
      assertThat(untilClose.header("Connection")).isEqualTo("keep-alive");
      assertOk(next(socket), "GET /next ");
    }
  }

  @Test
  void a204And304CarryNoBodyAndTheConnectionIsReused() throws IOException {
    try (Socket socket = client()) {
      write(socket, get("/api/204") + get("/api/304") + get("/api/next"));

      List<HardeningRig.Response> responses = HardeningRig.readResponses(socket.getInputStream(), 3);

      assertThat(responses).extracting(HardeningRig.Response::status).containsExactly(204, 304, 200);
      assertThat(responses.get(0).header("Transfer-Encoding")).isNull();
      assertThat(responses.get(0).header("Content-Length")).isNull();
      assertThat(responses.get(1).header("Transfer-Encoding")).isNull();
      assertThat(responses.get(1).header("ETag")).isEqualTo("\"v1\"");
      assertThat(responses.get(2).body()).isEqualTo("GET /next ");
    }
  }

  // Idle limit, drain, clients that leave

  @Test
  void aKeepAliveConnectionIdleLongerThanTheLimitIsClosed() throws IOException {
    gateway(s -> s.withIdleConnectionTimeoutMs(300));
    try (Socket socket = client()) {
      write(socket, get("/api/1"));
      assertOk(next(socket), "GET /1 ");
      long answered = System.nanoTime();

      await().atMost(WAIT).until(() -> proxy.openConnections() == 0);

      assertThat(socket.getInputStream().read()).as("closed by the gateway").isEqualTo(-1);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered)).isGreaterThanOrEqualTo(200);
    }
  }

  @Test
  void onceDrainBeginsANewRequestOnAnOpenConnectionGets503WhileTheOneInFlightFinishes() throws Exception {
    try (Socket inFlight = client(); Socket idle = client()) {
      write(inFlight, get("/api/held"));
      await().atMost(WAIT).until(() -> held.getCount() == 0);
      write(idle, get("/api/before"));
      assertOk(next(idle), "GET /before ");

      assertThat(proxy.drain(Duration.ZERO)).as("one request still in flight").isFalse();
      write(idle, get("/api/after"));
      HardeningRig.Response refused = next(idle);
      release.countDown();

      assertThat(refused.status()).isEqualTo(503);
      assertOk(next(inFlight), "GET /held ");
      assertThat(proxy.drain(WAIT)).as("nothing left in flight").isTrue();
    }
  }

  @Test
  void aClientThatHangsUpWhileTheUpstreamAnswersLeavesNothingBehind() throws Exception {
    try (Socket leaving = client()) {
      write(leaving, get("/api/held"));
      await().atMost(WAIT).until(() -> held.getCount() == 0);
      assertThat(proxy.openConnections()).isEqualTo(1);
    }
    release.countDown(); // the upstream answers a client that is gone

    try (Socket socket = client()) {
      write(socket, get("/api/later"));
      assertOk(next(socket), "GET /later ");
    }

    await().atMost(WAIT).until(() -> proxy.openConnections() == 0);
    assertThat(proxy.drain(WAIT)).as("no exchange left unfinished").isTrue();
  }
}
