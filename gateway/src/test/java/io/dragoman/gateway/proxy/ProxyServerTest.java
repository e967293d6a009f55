package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.HeaderValue;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.ProxyTestTables;
import io.dragoman.gateway.routing.RouteTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The data plane over real sockets: what reached the upstream, what the client got. */
class ProxyServerTest {
  private final MockWebServer upstream = new MockWebServer();
  private final LoopbackResolver resolver = new LoopbackResolver();
  private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.empty());
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ProxyServer proxy;

  @BeforeEach
  void start() throws IOException {
    upstream.start();
    proxy = new ProxyServer(LoopbackSettings.of(2, AccessLog.Format.TEXT), table::get, resolver, ProxyListener.NONE);
    proxy.start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    upstream.close();
  }

  private ServiceRef service(String host, int port) {
    resolver.route(host, port, upstream.getPort());
    return new ServiceRef(host + ":" + port, false, host, port);
  }

  private void routes(Mapping... mappings) {
    table.set(ProxyTestTables.of(mappings));
  }

  /** No rewrite, and the whole upstream exchange bounded to 300 ms. */
  private static ForwardSpec timeout300() {
    return new ForwardSpec("/", Optional.empty(), "", false, List.of(), List.of(), List.of(), List.of(),
        OptionalLong.of(300), OptionalLong.empty(), OptionalLong.empty(), false, List.of(), OptionalLong.empty());
  }

  private static ForwardSpec forward(String rewrite) {
    ForwardSpec d = ForwardSpec.DEFAULTS;
    return new ForwardSpec(rewrite, d.regexRewrite(), d.hostRewrite(), d.autoHostRewrite(), d.addRequestHeaders(),
        d.removeRequestHeaders(), d.addResponseHeaders(), d.removeResponseHeaders(), d.timeoutMs(),
        d.connectTimeoutMs(), d.idleTimeoutMs(), d.grpc(), d.allowUpgrade(), d.maxRequestBodyBytes());
  }

  private URI url(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + proxy.port() + pathAndQuery);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(url(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void seedHttpbinMappingRewritesPathAndHost() throws Exception {
    ForwardSpec f = forward("/");
    f = new ForwardSpec(f.rewrite(), f.regexRewrite(), "httpbin.org", false, f.addRequestHeaders(),
        f.removeRequestHeaders(), f.addResponseHeaders(), f.removeResponseHeaders(), f.timeoutMs(),
        f.connectTimeoutMs(), f.idleTimeoutMs(), false, List.of(), OptionalLong.empty());
    routes(Mapping.builder("httpbin_mapping", "/httpbin/", service("httpbin.org", 80)).forward(f).build());
    upstream.enqueue(new MockResponse.Builder().code(200).body("{\"args\": {\"a\": \"1\"}}").build());

    HttpResponse<String> r = get("/httpbin/get?a=1");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"args\": {\"a\": \"1\"}}");
    RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getMethod()).isEqualTo("GET");
    assertThat(seen.getTarget()).isEqualTo("/get?a=1");
    assertThat(seen.getHeaders().get("Host")).isEqualTo("httpbin.org");
  }

  @Test
  void seedTfServingMappingForwardsPostBodyAndRefusesGet() throws Exception {
    MatchSpec post = new MatchSpec("/models/test/", false, false, true, "POST", false, List.of(), "", false,
        List.of(), 0);
    routes(Mapping.builder("tfserving-mapping-test-post", "/models/test/", service("test.kubeflow", 8000))
        .namespace("kubeflow").match(post).forward(forward("/model/test/:predict")).build());
    upstream.enqueue(new MockResponse.Builder().code(200).body("{\"predictions\": [2.5, 3.0, 4.5]}").build());
    String body = "{\"instances\": [1.0, 2.0, 5.0]}";

    HttpResponse<String> r = client.send(
        HttpRequest.newBuilder(url("/models/test/")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"predictions\": [2.5, 3.0, 4.5]}");
    RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getMethod()).isEqualTo("POST");
    assertThat(seen.getTarget()).isEqualTo("/model/test/:predict");
    assertThat(seen.getHeaders().get("Content-Type")).isEqualTo("application/json");
    assertThat(seen.getBody().utf8()).isEqualTo(body);

    HttpResponse<String> wrongMethod = get("/models/test/");
    assertThat(wrongMethod.statusCode()).isEqualTo(404);
    assertThat(wrongMethod.headers().firstValue("x-dragoman-reason")).contains("NR");
    assertThat(wrongMethod.headers().firstValue("content-type")).contains("application/json");
    assertThat(wrongMethod.body()).isEqualTo("{\"error\": \"no route for GET /models/test/\"}\n");
  }

  @Test
  void emptyRewriteKeepsPathAndAutoHostRewriteSendsUpstreamName() throws Exception {
    ForwardSpec f = forward("");
    f = new ForwardSpec(f.rewrite(), f.regexRewrite(), "", true, f.addRequestHeaders(), f.removeRequestHeaders(),
        f.addResponseHeaders(), f.removeResponseHeaders(), f.timeoutMs(), f.connectTimeoutMs(), f.idleTimeoutMs(),
        false, List.of(), OptionalLong.empty());
    routes(Mapping.builder("keep", "/keep/", service("keeper.ns", 8080)).forward(f).build());
    upstream.enqueue(new MockResponse.Builder().code(204).build());

    HttpResponse<String> r = get("/keep/a/b?x=1&y=%20");

    assertThat(r.statusCode()).isEqualTo(204);
    RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getTarget()).isEqualTo("/keep/a/b?x=1&y=%20");
    assertThat(seen.getHeaders().get("Host")).isEqualTo("keeper.ns");
  }

  @Test
  void clientHostPassesThroughByDefault() throws Exception {
    routes(Mapping.builder("m", "/", service("svc.ns", 80)).build());
    upstream.enqueue(new MockResponse.Builder().code(200).build());

    get("/x");

    assertThat(upstream.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Host"))
        .isEqualTo("127.0.0.1:" + proxy.port());
  }

  @Test
  void addsAndRemovesHeadersBothWays() throws Exception {
    ForwardSpec f = forward("/");
    f = new ForwardSpec("/", Optional.empty(), "", false,
        List.of(new HeaderValue("x-added", "one", false), new HeaderValue("x-multi", "b", true)),
        List.of("x-secret"),
        List.of(new HeaderValue("x-served-by", "dragoman", false)),
        List.of("server"),
        OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), false, List.of(), OptionalLong.empty());
    routes(Mapping.builder("h", "/h/", service("h.ns", 80)).forward(f).build());
    upstream.enqueue(new MockResponse.Builder().code(200).addHeader("Server", "upstream/1.0")
        .addHeader("X-Upstream", "yes").body("ok").build());

    HttpResponse<String> r = client.send(
        HttpRequest.newBuilder(url("/h/")).header("X-Secret", "s3cr3t").header("X-Multi", "a").GET().build(),
        HttpResponse.BodyHandlers.ofString());

    RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getHeaders().get("x-added")).isEqualTo("one");
    assertThat(seen.getHeaders().values("x-multi")).containsExactly("a", "b");
    assertThat(seen.getHeaders().get("x-secret")).isNull();
    assertThat(r.headers().firstValue("x-served-by")).contains("dragoman");
    assertThat(r.headers().firstValue("x-upstream")).contains("yes");
    assertThat(r.headers().firstValue("server")).isEmpty();
  }

  @Test
  void hopByHopAndForgedForwardingHeadersAreReplaced() throws Exception {
    routes(Mapping.builder("m", "/", service("svc.ns", 80)).build());
    upstream.enqueue(new MockResponse.Builder().code(200).build());

    String raw = "GET /hop HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive, X-Private\r\n"
        + "X-Private: drop-me\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\n"
        + "X-Forwarded-For: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nForwarded: for=6.6.6.6\r\n"
        + "X-Forwarded-Proto: https\r\nX-Request-Id: forged\r\n\r\n";
    String response = exchangeRaw(raw);

    assertThat(response).startsWith("HTTP/1.1 200");
    RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getHeaders().get("X-Private")).isNull();
    assertThat(seen.getHeaders().get("Keep-Alive")).isNull();
    assertThat(seen.getHeaders().get("Proxy-Connection")).isNull();
    assertThat(seen.getHeaders().get("X-Real-IP")).isNull();
    assertThat(seen.getHeaders().get("Forwarded")).isNull();
    assertThat(seen.getHeaders().values("X-Forwarded-For")).containsExactly("127.0.0.1");
    assertThat(seen.getHeaders().get("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(seen.getHeaders().get("X-Forwarded-Host")).isEqualTo("example.com");
    assertThat(seen.getHeaders().values("X-Request-Id")).hasSize(1);
    assertThat(seen.getHeaders().get("X-Request-Id"))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  @Test
  void tenMebibyteBodiesStreamIdenticallyBothWays() throws Exception {
    routes(Mapping.builder("big", "/big/", service("big.ns", 80)).build());
    byte[] payload = new byte[10 * 1024 * 1024];
    new Random(42).nextBytes(payload);
    upstream.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(payload)).build());

    HttpResponse<byte[]> r = client.send(
        HttpRequest.newBuilder(url("/big/up")).POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(payload);
    RecordedRequest seen = upstream.takeRequest(10, TimeUnit.SECONDS);
    assertThat(seen.getBodySize()).isEqualTo(payload.length);
    assertThat(seen.getBody().toByteArray()).isEqualTo(payload);
  }

  @Test
  void chunkedUploadArrivesWhole() throws Exception {
    routes(Mapping.builder("c", "/c/", service("c.ns", 80)).build());
    upstream.enqueue(new MockResponse.Builder().code(200).body("done").build());

    String raw = "POST /c/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    String response = exchangeRaw(raw);

    assertThat(response).startsWith("HTTP/1.1 200").endsWith("done");
    RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getBody().utf8()).isEqualTo("hello world");
  }

  @Test
  void bareNanInJsonBodyIsUntouched() throws Exception {
    routes(Mapping.builder("m", "/models/half_plus_two/", service("tf.ns", 8501))
        .forward(forward("/v1/models/half_plus_two:predict")).build());
    upstream.enqueue(new MockResponse.Builder().code(200).body("{\"predictions\": [NaN, Infinity]}").build());
    String body = "{\"instances\": [NaN, -Infinity, 1e309, {\"b64\": \"AAE=\"}]}";

    HttpResponse<String> r = client.send(
        HttpRequest.newBuilder(url("/models/half_plus_two/")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.body()).isEqualTo("{\"predictions\": [NaN, Infinity]}");
    RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getTarget()).isEqualTo("/v1/models/half_plus_two:predict");
    assertThat(seen.getBody().utf8()).isEqualTo(body);
  }

  @Test
  void keepAliveConnectionsAreReused() throws Exception {
    routes(Mapping.builder("m", "/", service("svc.ns", 80)).build());
    for (int i = 0; i < 5; i++) upstream.enqueue(new MockResponse.Builder().code(200).body("r" + i).build());

    for (int i = 0; i < 5; i++) assertThat(get("/k").body()).isEqualTo("r" + i);

    int first = upstream.takeRequest(5, TimeUnit.SECONDS).getConnectionIndex();
    for (int i = 1; i < 5; i++) {
      assertThat(upstream.takeRequest(5, TimeUnit.SECONDS).getConnectionIndex()).isEqualTo(first);
    }
  }

  @Test
  void refusedConnectionIs503UF() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    resolver.route("dead.ns", 80, closedPort);
    routes(Mapping.builder("dead", "/dead/", new ServiceRef("dead.ns", false, "dead.ns", 80)).build());

    HttpResponse<String> r = get("/dead/x");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("x-dragoman-reason")).contains("UF");
    assertThat(r.body()).startsWith("{\"error\": \"upstream connect error:");
  }

  @Test
  void unresolvableUpstreamIs503UF() throws Exception {
    routes(Mapping.builder("nx", "/nx/", new ServiceRef("nowhere.ns", false, "nowhere.ns", 80)).build());

    HttpResponse<String> r = get("/nx/");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("x-dragoman-reason")).contains("UF");
    assertThat(r.body()).contains("cannot resolve nowhere.ns");
  }

  @Test
  void hangingUpstreamIs504UTAfterTimeout() throws Exception {
    ForwardSpec f = timeout300();
    routes(Mapping.builder("slow", "/slow/", service("slow.ns", 80)).forward(f).build());
    upstream.enqueue(new MockResponse.Builder().code(200).headersDelay(10, TimeUnit.SECONDS).build());

    long t0 = System.nanoTime();
    HttpResponse<String> r = get("/slow/");
    long ms = (System.nanoTime() - t0) / 1_000_000;

    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.headers().firstValue("x-dragoman-reason")).contains("UT");
    assertThat(r.body()).isEqualTo("{\"error\": \"upstream timeout after 300 ms\"}\n");
    assertThat(ms).isLessThan(5_000); // bounded by the route's timeout, not the upstream's 10 s
  }

  /** A client that stops mid-body: the route's timeout answers 504 UT and the connection is closed after it. */
  @Test
  void stalledRequestBodyIs504UTAndTheConnectionIsClosed() throws Exception {
    ForwardSpec f = timeout300();
    routes(Mapping.builder("upload", "/upload/", service("upload.ns", 80)).forward(f).build());

    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("POST /upload/ HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789")
          .getBytes(StandardCharsets.ISO_8859_1));
      HardeningRig.Exchange x = HardeningRig.readResponses(socket.getInputStream());

      assertThat(x.responses()).hasSize(1);
      assertThat(x.responses().get(0).status()).isEqualTo(504);
      assertThat(x.responses().get(0).headers()).contains("x-dragoman-reason: UT", "Connection: close");
      assertThat(x.closed()).isTrue();
    }
  }

  /**
   * Many at once: the abandoned upstream connection fails late (once it is closed, on its next read), and that
   * callback must not cut the client's connection while the 504 is on its way. It did for about a third of them.
   */
  @Test
  void concurrentStalledUploadsAllGet504() throws Exception {
    ForwardSpec f = timeout300();
    routes(Mapping.builder("upload", "/upload/", service("upload.ns", 80)).forward(f).build());
    byte[] stalled = "POST /upload/ HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789"
        .getBytes(StandardCharsets.ISO_8859_1);

    java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        statuses.add(clients.submit(() -> {
          try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(stalled);
            HardeningRig.Exchange x = HardeningRig.readResponses(socket.getInputStream());
            return x.responses().isEmpty() ? -1 : x.responses().get(0).status();
          }
        }));
      }
      for (java.util.concurrent.Future<Integer> status : statuses) {
        assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(504);
      }
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void silentUpstreamIs504UTAfterIdleTimeout() throws Exception {
    ForwardSpec f = new ForwardSpec("/", Optional.empty(), "", false, List.of(), List.of(), List.of(), List.of(),
        OptionalLong.of(0), OptionalLong.empty(), OptionalLong.of(300), false, List.of(), OptionalLong.empty());
    routes(Mapping.builder("idle", "/idle/", service("idle.ns", 80)).forward(f).build());
    upstream.enqueue(new MockResponse.Builder().code(200).headersDelay(10, TimeUnit.SECONDS).build());

    HttpResponse<String> r = get("/idle/");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
    assertThat(r.headers().firstValue("x-dragoman-reason")).contains("UT");
    assertThat(r.body()).isEqualTo("{\"error\": \"upstream idle for more than 300 ms\"}\n");
  }

  @Test
  void upstreamResetBeforeResponseIs502UR() throws Exception {
    routes(Mapping.builder("reset", "/reset/", service("reset.ns", 80)).build());
    upstream.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());

    HttpResponse<String> r = client.send(
        HttpRequest.newBuilder(url("/reset/")).POST(HttpRequest.BodyPublishers.ofString("payload")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("x-dragoman-reason")).contains("UR");
  }

  @Test
  void upstreamResetMidResponseCutsThatClientOnlyAndTheNextRequestIsServed() throws Exception {
    routes(Mapping.builder("cut", "/cut/", service("cut.ns", 80)).build());
    upstream.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(new byte[256 * 1024]))
        .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build());
    upstream.enqueue(new MockResponse.Builder().code(200).body("whole").build());

    // Headers were already relayed, so no status can tell the client: its stream is cut, never completed.
    // (A client that asks for h2c is answered in HTTP/1.1 too: see HardeningH2cTest.)
    HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> http1.send(
            HttpRequest.newBuilder(url("/cut/big")).GET().build(), HttpResponse.BodyHandlers.ofByteArray()))
        .isInstanceOf(IOException.class);

    HttpResponse<String> next = get("/cut/next");
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(next.body()).isEqualTo("whole");
  }

  @Test
  void bodyOverTheRouteLimitIs413BeforeForwarding() throws Exception {
    ForwardSpec f = forward("/");
    f = new ForwardSpec("/", Optional.empty(), "", false, List.of(), List.of(), List.of(), List.of(),
        OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), false, List.of(), OptionalLong.of(1024));
    routes(Mapping.builder("small", "/small/", service("small.ns", 80)).forward(f).build());

    HttpResponse<String> r = client.send(
        HttpRequest.newBuilder(url("/small/")).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(upstream.getRequestCount()).isZero();
  }

  @Test
  void ambiguousPathsAre400AndNeverForwarded() throws Exception {
    routes(Mapping.builder("m", "/", service("svc.ns", 80)).build());
    for (String path : List.of("/a%2Fb", "/a%5Cb", "/../etc/passwd", "/a;jsessionid=1", "/a%00b", "/%C3%28")) {
      String response = exchangeRaw("GET " + path + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      assertThat(response).as(path).startsWith("HTTP/1.1 400");
      assertThat(response).as(path).contains("x-dragoman-reason: BR");
    }
    assertThat(upstream.getRequestCount()).isZero();
  }

  @Test
  void normalisedPathIsWhatMatchesAndWhatIsForwarded() throws Exception {
    routes(Mapping.builder("m", "/api/", service("svc.ns", 80)).forward(forward("/v1/")).build());
    upstream.enqueue(new MockResponse.Builder().code(200).build());

    String response = exchangeRaw("GET //api/./x/../%7Euser//doc HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 200");
    assertThat(upstream.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/v1/~user/doc");
  }

  @Test
  void underscoreHeaderNamesAreRefused() throws Exception {
    routes(Mapping.builder("m", "/", service("svc.ns", 80)).build());

    String response = exchangeRaw("GET / HTTP/1.1\r\nHost: a\r\nX_User: admin\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 400");
    assertThat(upstream.getRequestCount()).isZero();
  }

  /** Sends raw bytes and reads until the server closes (requests carry Connection: close or are answered then closed). */
  private String exchangeRaw(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      if (!request.contains("Connection: close")) {
        s.shutdownOutput();
      }
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
