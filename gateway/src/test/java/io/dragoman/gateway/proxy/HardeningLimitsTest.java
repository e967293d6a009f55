package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.Mapping;
import io.undertow.UndertowOptions;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;

/** The listener's limits over a raw socket, and the options Undertow is given. */
class HardeningLimitsTest {
  /** The guard's size refusals keep their own statuses (HARDENING.md: 431 for the head, 414 for the URI). */
  private static final int HEADERS_TOO_LARGE_STATUS = 431;

  private static final int URI_TOO_LONG_STATUS = 414;

  @Test
  void headOverTheLimitIsRefusedWithItsSize() throws Exception {
    try (HardeningRig rig = new HardeningRig()) {
      HardeningRig.Exchange x =
          rig.send(head("GET /a HTTP/1.1", "Host: a", "X-A: " + "b".repeat(70_000), "Connection: close"));

      assertThat(x.status()).isEqualTo(HEADERS_TOO_LARGE_STATUS);
      assertThat(x.only().body()).isEqualTo("{\"error\": \"request head is 70052 bytes (limit: 61440)\"}\n");
      assertThat(rig.upstream.getRequestCount()).isZero();
    }
  }

  @Test
  void tooManyHeaderFieldsAreRefused() throws Exception {
    try (HardeningRig rig = new HardeningRig()) {
      StringBuilder many = new StringBuilder("GET /a HTTP/1.1\r\nHost: a\r\nConnection: close\r\n");
      for (int i = 0; i < 150; i++) many.append("X-H").append(i).append(": v\r\n");

      HardeningRig.Exchange x = rig.send(many + "\r\n");

      assertThat(x.status()).isEqualTo(HEADERS_TOO_LARGE_STATUS);
      assertThat(x.only().body()).isEqualTo("{\"error\": \"request has 152 header fields (limit: 100)\"}\n");
      assertThat(rig.upstream.getRequestCount()).isZero();
    }
  }

  @Test
  void overLongUriIsRefused() throws Exception {
    try (HardeningRig rig = new HardeningRig()) {
      HardeningRig.Exchange x = rig.send(head("GET /" + "a".repeat(9_000) + " HTTP/1.1", "Host: a", "Connection: close"));

      assertThat(x.status()).isEqualTo(URI_TOO_LONG_STATUS);
      assertThat(x.only().body()).isEqualTo("{\"error\": \"request target is 9001 bytes (limit: 8192)\"}\n");
      assertThat(rig.upstream.getRequestCount()).isZero();
    }
  }

  /** Past twice the limits Undertow cuts the head itself: a bare 400, then close. */
  @Test
  void headPastTheHardCeilingIsRefusedByUndertow() throws Exception {
    try (HardeningRig rig = new HardeningRig()) {
      // Just past the 120 KiB ceiling, so Undertow has read every byte when it closes (unread bytes would turn
      // its close into a reset that can overtake the 400).
      HardeningRig.Exchange big = rig.send(head("GET /a HTTP/1.1", "Host: a", "X-A: " + "b".repeat(123_000)));
      StringBuilder many = new StringBuilder("GET /a HTTP/1.1\r\nHost: a\r\n");
      for (int i = 0; i < 250; i++) many.append("X-H").append(i).append(": v\r\n");
      HardeningRig.Exchange count = rig.send(many + "\r\n");

      for (HardeningRig.Exchange x : List.of(big, count)) {
        assertThat(x.status()).isEqualTo(400);
        assertThat(x.only().body()).isEmpty();
        assertThat(x.closed()).isTrue();
      }
      assertThat(rig.upstream.getRequestCount()).isZero();
    }
  }

  /** Slow-loris: a head still incomplete after the timeout is answered 408 and its connection closed. */
  @Test
  void incompleteHeadIs408AfterTheHeadTimeout() throws Exception {
    try (HardeningRig rig = new HardeningRig(s -> s.withHeadLimits(s.maxHeaderBytes(), s.maxHeaders(), 300));
        Socket socket = rig.connect()) {
      long start = System.nanoTime();
      socket.getOutputStream().write(HardeningRig.latin1("GET /a HTTP/1.1\r\nHost: a\r\nX-Slow: "));

      HardeningRig.Exchange x = HardeningRig.readResponses(socket.getInputStream());

      assertThat(x.status()).isEqualTo(408);
      assertThat(x.only().header("x-dragoman-reason")).isEqualTo("SI");
      assertThat(x.only().body()).isEqualTo("{\"error\": \"request head not received within 300 ms\"}\n");
      assertThat(x.closed()).isTrue();
      assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 3_000L);
      assertThat(rig.upstream.getRequestCount()).isZero();
    }
  }

  /** The timer starts at the head's first byte: a request that follows a served one gets the same limit. */
  @Test
  void incompleteSecondHeadOnAKeptConnectionIs408Too() throws Exception {
    try (HardeningRig rig = new HardeningRig(s -> s.withHeadLimits(s.maxHeaderBytes(), s.maxHeaders(), 300));
        Socket socket = rig.connect()) {
      InputStream in = socket.getInputStream();
      socket.getOutputStream().write(HardeningRig.latin1(head("GET /a HTTP/1.1", "Host: a") + "GET /b HTTP/1.1\r\n"));

      HardeningRig.Exchange x = HardeningRig.readResponses(in);

      assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(200, 408);
      assertThat(x.closed()).isTrue();
      assertThat(rig.upstream.getRequestCount()).isEqualTo(1);
    }
  }

  /** A head read early behind a request the upstream is slow to answer: its clock waits for that answer. */
  @Test
  void aPipelinedHeadIsNotTimedWhileTheRequestBeforeItIsServed() throws Exception {
    try (HardeningRig rig = new HardeningRig(s -> s.withHeadLimits(s.maxHeaderBytes(), s.maxHeaders(), 300));
        MockWebServer slow = new MockWebServer();
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), rig.proxy.port())) {
      slow.enqueue(new MockResponse.Builder().code(200).body("slow").headersDelay(900, TimeUnit.MILLISECONDS).build());
      slow.start();
      rig.routes(Mapping.builder("slow", "/", rig.service("slow.ns", 80, slow)).build());
      socket.setSoTimeout(HardeningRig.READ_TIMEOUT_MS);
      socket.getOutputStream().write(HardeningRig.latin1(head("GET /a HTTP/1.1", "Host: a") + "GET /b HTTP/1.1\r\n"));

      HardeningRig.Exchange x = HardeningRig.readResponses(socket.getInputStream());

      assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(200, 408);
      assertThat(x.responses().get(0).body()).isEqualTo("slow");
      assertThat(x.closed()).isTrue();
    }
  }

  /** Empty lines are not a request head: a client that sends one and falls silent is idle, and closed as such. */
  @Test
  void anEmptyLineAndSilenceIsClosedAtTheIdleLimit() throws Exception {
    try (HardeningRig rig = new HardeningRig(s -> s.withIdleConnectionTimeoutMs(400));
        Socket socket = rig.connect()) {
      long start = System.nanoTime();
      socket.getOutputStream().write(HardeningRig.latin1("\r\n"));

      byte[] answer = socket.getInputStream().readAllBytes(); // up to the close; a socket left open times out here
      long ms = (System.nanoTime() - start) / 1_000_000;

      assertThat(ms).isLessThan(3_000L);
      assertThat(rig.upstream.getRequestCount()).isZero();
      if (rig.proxy.settings().http1Server() == ProxySettings.Http1Server.OWN) {
        assertThat(answer).isEmpty(); // closed as idle (Undertow's server answers the lone line 400 at once)
        assertThat(ms).isGreaterThanOrEqualTo(300L);
      }
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosed() throws Exception {
    try (HardeningRig rig = new HardeningRig(s -> s.withIdleConnectionTimeoutMs(400));
        Socket socket = rig.connect()) {
      InputStream in = socket.getInputStream();
      socket.getOutputStream().write(HardeningRig.latin1(head("GET /a HTTP/1.1", "Host: a")));
      HardeningRig.Response first = HardeningRig.readResponses(in, 1).get(0);
      long start = System.nanoTime();

      int read = in.read();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.header("connection")).isEqualTo("keep-alive");
      assertThat(read).isEqualTo(-1);
      assertThat((System.nanoTime() - start) / 1_000_000).isBetween(300L, 3_000L);
    }
  }

  /** A request whose client falls silent mid-body on a route without a timeout: the idle stream limit cuts it. */
  @Test
  void clientSilentMidBodyIsCutByTheIdleStreamLimit() throws Exception {
    try (HardeningRig rig = new HardeningRig(s -> s.withIdleConnectionTimeoutMs(400)
            .withLimits(s.limits().withIdleStreamTimeoutMs(400)));
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), rig.proxy.port())) {
      rig.routes(Mapping.builder("untimed", "/", rig.service("svc.ns", 80)).forward(HardeningRig.timeout(0)).build());
      socket.setSoTimeout(HardeningRig.READ_TIMEOUT_MS);
      long start = System.nanoTime();
      socket.getOutputStream().write(HardeningRig.latin1(
          head("POST /a HTTP/1.1", "Host: a", "Content-Length: 100") + "0123456789"));

      HardeningRig.Exchange x = HardeningRig.readResponses(socket.getInputStream());

      assertThat(x.closed()).isTrue();
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(HardeningRig.READ_TIMEOUT_MS);
    }
  }

  @Test
  void expectContinueOverTheRouteLimitIs413BeforeTheBodyIsRead() throws Exception {
    try (HardeningRig rig = new HardeningRig()) {
      rig.routes(Mapping.builder("small", "/small/", rig.service("small.ns", 80)).forward(maxBody(1024)).build());

      HardeningRig.Exchange x = rig.send(
          head("POST /small/x HTTP/1.1", "Host: a", "Content-Length: 4096", "Expect: 100-continue"));

      assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(413); // no 100 Continue
      assertThat(x.only().header("x-dragoman-reason")).isEqualTo("BR");
      assertThat(x.only().body()).isEqualTo("{\"error\": \"request body larger than 1024 bytes\"}\n");
      assertThat(x.closed()).isTrue();
      assertThat(rig.upstream.getRequestCount()).isZero();
    }
  }

  @Test
  void bodyWithinTheRouteLimitIsForwarded() throws Exception {
    try (HardeningRig rig = new HardeningRig()) {
      rig.routes(Mapping.builder("small", "/small/", rig.service("small.ns", 80)).forward(maxBody(5)).build());

      HardeningRig.Exchange x = rig.send(head("POST /small/x HTTP/1.1", "Host: a", "Content-Length: 5",
          "Expect: 100-continue", "Connection: close") + "hello");

      // The gateway answers 100-continue itself; the upstream sees an ordinary request.
      assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(100, 200);
      mockwebserver3.RecordedRequest seen = rig.upstream.takeRequest();
      assertThat(seen.getBody().utf8()).isEqualTo("hello");
      assertThat(seen.getHeaders().get("Expect")).isNull();
    }
  }

  @Test
  void everyLimitIsGivenToUndertowExplicitly() {
    ProxySettings s = ProxySettings.defaults(8080);

    OptionMap o = ListenerOptions.of(s);

    assertThat(o.get(UndertowOptions.MAX_HEADER_SIZE, 0)).isEqualTo(2 * 60 * 1024);
    assertThat(o.get(UndertowOptions.MAX_HEADERS, 0)).isEqualTo(200);
    assertThat(o.get(ListenerOptions.GUARD_MAX_HEADER_BYTES, 0)).isEqualTo(60 * 1024);
    assertThat(o.get(ListenerOptions.GUARD_MAX_HEADERS, 0)).isEqualTo(100);
    assertThat(o.get(ListenerOptions.GUARD_MAX_URI_BYTES, 0)).isEqualTo(8 * 1024);
    // FramingConduit answers 408 at 10 s; Undertow's silent close is the backstop for connections it stops following
    assertThat(o.get(UndertowOptions.REQUEST_PARSE_TIMEOUT, 0)).isEqualTo(20_000);
    assertThat(o.get(UndertowOptions.NO_REQUEST_TIMEOUT, 0)).isEqualTo(3_600_000);
    // the idle limit is the gateway's own (IdleSweep); Undertow given it would only stack a conduit that does nothing
    assertThat(o.contains(UndertowOptions.IDLE_TIMEOUT)).isFalse();
    assertThat(ListenerOptions.effectiveIdleTimeoutMs(s)).isEqualTo(3_600_000);
    assertThat(o.get(UndertowOptions.MAX_ENTITY_SIZE, 0L)).isEqualTo(32L * 1024 * 1024);
    assertThat(o.get(UndertowOptions.BUFFER_PIPELINED_DATA, true)).isFalse();
    assertThat(o.get(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)).isFalse();
    assertThat(o.get(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 0)).isEqualTo(100);
    assertThat(o.get(UndertowOptions.MAX_CONCURRENT_REQUESTS_PER_CONNECTION, 0)).isEqualTo(100);
    assertThat(o.get(UndertowOptions.HTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 0)).isEqualTo(60 * 1024);
    assertThat(o.get(UndertowOptions.HTTP2_SETTINGS_ENABLE_PUSH, true)).isFalse();
    assertThat(o.get(UndertowOptions.MAX_RST_FRAMES_PER_WINDOW, 0)).isEqualTo(200);
    assertThat(o.get(UndertowOptions.RST_FRAMES_TIME_WINDOW, 0)).isEqualTo(30_000);
    assertThat(o.get(UndertowOptions.MAX_PARAMETERS, 0)).isEqualTo(1000);
    assertThat(o.get(UndertowOptions.MAX_COOKIES, 0)).isEqualTo(200);
  }

  private static ForwardSpec maxBody(long bytes) {
    ForwardSpec d = ForwardSpec.DEFAULTS;
    return new ForwardSpec(d.rewrite(), d.regexRewrite(), d.hostRewrite(), d.autoHostRewrite(), d.addRequestHeaders(),
        d.removeRequestHeaders(), d.addResponseHeaders(), d.removeResponseHeaders(), d.timeoutMs(),
        d.connectTimeoutMs(), d.idleTimeoutMs(), d.grpc(), d.allowUpgrade(), OptionalLong.of(bytes));
  }
}
