package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Mapping;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ambiguous framing over a raw socket: 400, the connection closed, nothing forwarded. Each case names who refuses
 * it: Undertow's parser (a bare 400 with no body, before any handler runs), {@link RequestGuard} or
 * {@link FramingConduit} (both the gateway's JSON answer with {@code x-dragoman-reason: BR}).
 */
class HardeningFramingTest {
  @AutoClose private final HardeningRig rig = HardeningRig.started();

  /** Refused by Undertow 2.4.4's parser: the test pins that, so an Undertow upgrade that loosens it is noticed. */
  static Stream<Arguments> refusedByUndertow() {
    return Stream.of(
        Arguments.of("Content-Length and Transfer-Encoding",
            head("POST /a HTTP/1.1", "Host: a", "Content-Length: 5", "Transfer-Encoding: chunked") + "0\r\n\r\n"),
        Arguments.of("Transfer-Encoding and Content-Length",
            head("POST /a HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Content-Length: 5") + "0\r\n\r\n"),
        Arguments.of("two different Content-Length",
            head("POST /a HTTP/1.1", "Host: a", "Content-Length: 5", "Content-Length: 6") + "hello!"),
        Arguments.of("two equal Content-Length",
            head("POST /a HTTP/1.1", "Host: a", "Content-Length: 5", "Content-Length: 5") + "hello"),
        Arguments.of("Content-Length list", head("POST /a HTTP/1.1", "Host: a", "Content-Length: 5, 5") + "hello"),
        Arguments.of("Content-Length with sign", head("POST /a HTTP/1.1", "Host: a", "Content-Length: +5") + "hello"),
        Arguments.of("negative Content-Length", head("POST /a HTTP/1.1", "Host: a", "Content-Length: -1") + "hello"),
        Arguments.of("hex Content-Length", head("POST /a HTTP/1.1", "Host: a", "Content-Length: 0x5") + "hello"),
        Arguments.of("Content-Length with letters", head("POST /a HTTP/1.1", "Host: a", "Content-Length: 5a") + "hello"),
        Arguments.of("two Transfer-Encoding",
            head("POST /a HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked")
                + "0\r\n\r\n"),
        Arguments.of("space in header name", head("GET /a HTTP/1.1", "Host: a", "X Y: z")),
        Arguments.of("space before colon", head("GET /a HTTP/1.1", "Host: a", "X-Y : z")),
        Arguments.of("tab before colon", head("GET /a HTTP/1.1", "Host: a", "X-Y\t: z")),
        Arguments.of("empty header name", head("GET /a HTTP/1.1", "Host: a", ": z")),
        Arguments.of("control byte in header name", head("GET /a HTTP/1.1", "Host: a", "X\u0001Y: z")),
        Arguments.of("bare CR in header value", head("GET /a HTTP/1.1", "Host: a", "X-A: b\rc")),
        Arguments.of("NUL in header value", head("GET /a HTTP/1.1", "Host: a", "X-A: b\0c")),
        Arguments.of("DEL in header value", head("GET /a HTTP/1.1", "Host: a", "X-A: b\u007fc")),
        Arguments.of("bare LF line endings", "GET /a HTTP/1.1\nHost: a\n\n"),
        Arguments.of("one bare LF", "GET /a HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n"),
        Arguments.of("missing Host on HTTP/1.1", head("GET /a HTTP/1.1")),
        Arguments.of("duplicate Host", head("GET /a HTTP/1.1", "Host: a", "Host: b")),
        Arguments.of("Host list", head("GET /a HTTP/1.1", "Host: a, b")),
        Arguments.of("Host with path", head("GET /a HTTP/1.1", "Host: a/b")),
        Arguments.of("Host with user-info", head("GET /a HTTP/1.1", "Host: u@a")),
        Arguments.of("Host with space", head("GET /a HTTP/1.1", "Host: a b")),
        Arguments.of("Host with bad port", head("GET /a HTTP/1.1", "Host: a:x")),
        Arguments.of("Host with port out of range", head("GET /a HTTP/1.0", "Host: a:99999")),
        Arguments.of("Content-Length over a long", head("POST /a HTTP/1.1", "Host: a",
            "Content-Length: 99999999999999999999") + "hello"),
        Arguments.of("HTTP/0.9 request", "GET /a\r\n\r\n"),
        Arguments.of("lower-case protocol", head("GET /a http/1.1", "Host: a")),
        Arguments.of("two spaces in request line", head("GET  /a HTTP/1.1", "Host: a")),
        Arguments.of("tab in request line", head("GET\t/a HTTP/1.1", "Host: a")),
        Arguments.of("CONNECT", head("CONNECT evil:443 HTTP/1.1", "Host: a")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedByUndertow")
  void undertowRefusesBeforeAnyHandler(String rule, String request) throws IOException {
    HardeningRig.Exchange x = rig.send(request);

    assertThat(x.status()).as(rule).isEqualTo(400);
    assertThat(x.only().body()).as(rule).isEmpty();
    assertThat(x.only().header("x-dragoman-reason")).as(rule).isNull();
    assertThat(x.closed()).as(rule).isTrue();
    assertThat(rig.upstream.getRequestCount()).as(rule).isZero();
  }

  /** Let through by Undertow, refused by {@link RequestGuard}. */
  static Stream<Arguments> refusedByGuard() {
    return Stream.of(
        Arguments.of(head("POST /a HTTP/1.1", "Host: a", "Transfer-Encoding: gzip, chunked") + "0\r\n\r\n",
            "Transfer-Encoding other than chunked: gzip, chunked"),
        Arguments.of(head("POST /a HTTP/1.1", "Host: a", "Transfer-Encoding: chunked, ") + "0\r\n\r\n",
            "Transfer-Encoding other than chunked: chunked,"),
        Arguments.of(head("POST /a HTTP/1.1", "Host: a", "Transfer-Encoding: identity") + "0\r\n\r\n",
            "Transfer-Encoding other than chunked: identity"),
        Arguments.of(head("POST /a HTTP/1.1", "Host: a", "Transfer-Encoding: xchunked") + "0\r\n\r\n",
            "Transfer-Encoding other than chunked: xchunked"),
        Arguments.of(head("GET /a HTTP/1.1", "Host: "), "malformed Host header: "),
        Arguments.of(head("GET ftp://evil.example/a HTTP/1.1", "Host: a"),
            "absolute request target must be an http or https URL"),
        Arguments.of(head("GET /a HTTP/1.1", "Host: a", "X_User: admin"),
            "header names with underscores are refused: X_User"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("refusedByGuard")
  void guardRefusesWithReason(String request, String message) throws IOException {
    HardeningRig.Exchange x = rig.send(request);

    assertThat(x.status()).isEqualTo(400);
    assertThat(x.only().header("x-dragoman-reason")).isEqualTo("BR");
    assertThat(x.only().body()).isEqualTo("{\"error\": \"" + message + "\"}\n");
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).isZero();
  }

  @Test
  void validThenInvalidOnOneConnectionAnswersTheFirstThen400AndClose() throws Exception {
    try (Socket socket = rig.connect()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(HardeningRig.latin1(head("GET /first HTTP/1.1", "Host: a")));
      HardeningRig.Response first = HardeningRig.readResponses(in, 1).get(0);
      out.write(HardeningRig.latin1(head("GET /second HTTP/1.1", "Host: a", "X Y: z")));
      HardeningRig.Exchange rest = HardeningRig.readResponses(in);

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.body()).isEqualTo("ok");
      assertThat(rest.status()).isEqualTo(400);
      assertThat(rest.closed()).isTrue();
    }
    assertThat(rig.upstream.getRequestCount()).isEqualTo(1);
    assertThat(rig.upstream.takeRequest().getTarget()).isEqualTo("/first");
  }

  /** Undertow no longer buffers pipelined answers (BUFFER_PIPELINED_DATA off), so its 400 can't overtake the 200. */
  @Test
  void pipelinedValidThenInvalidAnswersTheFirstThen400AndClose() throws IOException {
    for (String bad : new String[] {"X Y: z", "X-Y: a\0b", "X_Y: z"}) {
      int before = rig.upstream.getRequestCount();
      HardeningRig.Exchange x =
          rig.send(head("GET /first HTTP/1.1", "Host: a") + head("GET /second HTTP/1.1", "Host: a", bad));

      assertThat(x.responses()).as(bad).extracting(HardeningRig.Response::status).containsExactly(200, 400);
      assertThat(x.responses().get(0).body()).as(bad).isEqualTo("ok");
      assertThat(x.closed()).as(bad).isTrue();
      assertThat(rig.upstream.getRequestCount() - before).as(bad).isEqualTo(1);
    }
  }

  @Test
  void validThenAmbiguousFramingAnswersTheFirstThen400() throws IOException {
    HardeningRig.Exchange x = rig.send(head("GET /first HTTP/1.1", "Host: a")
        + head("POST /second HTTP/1.1", "Host: a", "Content-Length: 3", "Transfer-Encoding: chunked") + "0\r\n\r\n");

    assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(200, 400);
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).isEqualTo(1);
  }

  /**
   * Chunk-size lines are checked on the raw bytes before Undertow's parser (which would read {@code -5}, {@code 0x5}
   * or {@code " 5"} as a last chunk): anything but 1 to 16 hex digits, optionally followed by {@code ;extension},
   * then CRLF, is 400 and close, and the request never reaches the upstream.
   */
  @ParameterizedTest
  @MethodSource("malformedChunkSizes")
  void malformedChunkSizesAre400AndNeverForwarded(String size) throws Exception {
    HardeningRig.Exchange x = rig.send(
        head("POST /a HTTP/1.1", "Host: a", "Transfer-Encoding: chunked") + size + "\r\nhello\r\n0\r\n\r\n");

    assertThat(x.status()).as(size).isEqualTo(400);
    assertThat(x.only().header("x-dragoman-reason")).isEqualTo("BR");
    assertThat(x.only().body()).startsWith("{\"error\": \"chunk");
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).as(size).isZero();
  }

  static Stream<String> malformedChunkSizes() {
    return Stream.of("+5", "-5", "0x5", " 5", "5 ", "5 ;a=b", "g", "", "fffffffffffffffff5", "00000000000000005",
        "8000000000000000", "5\n");
  }

  @Test
  void chunkDataNotFollowedByCrlfIs400() throws Exception {
    HardeningRig.Exchange x = rig.send(
        head("POST /a HTTP/1.1", "Host: a", "Transfer-Encoding: chunked") + "5\r\nhello\n0\r\n\r\n");

    assertThat(x.status()).isEqualTo(400);
    assertThat(x.only().body()).isEqualTo("{\"error\": \"chunk data not followed by CRLF\"}\n");
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).isZero();
  }

  /** Leading zeros up to 16 digits, upper-case hex and chunk extensions are valid, and decoded exactly. */
  @Test
  void strictChunkFramingIsDecodedAndReframedExactly() throws Exception {
    HardeningRig.Exchange x = rig.send(head("POST /a HTTP/1.1", "Host: a", "Transfer-Encoding: chunked",
        "Connection: close") + "0000000000000003\r\nhel\r\n9;name=\"v\"\r\nlo, world\r\n0\r\nX-T: 1\r\n\r\n");

    assertThat(x.status()).isEqualTo(200);
    RecordedRequest seen = rig.upstream.takeRequest();
    assertThat(seen.getBody().utf8()).isEqualTo("hello, world");
    assertThat(seen.getHeaders().get("Transfer-Encoding")).isEqualTo("chunked");
  }

  @Test
  void pipelinedValidThenMalformedChunkSizeAnswersTheFirstThen400() throws Exception {
    HardeningRig.Exchange x = rig.send(head("POST /first HTTP/1.1", "Host: a", "Transfer-Encoding: chunked")
        + "2\r\nok\r\n0\r\n\r\n"
        + head("POST /second HTTP/1.1", "Host: a", "Transfer-Encoding: chunked") + "-5\r\nhello\r\n0\r\n\r\n");

    assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(200, 400);
    assertThat(x.responses().get(0).body()).isEqualTo("ok");
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).isEqualTo(1);
    assertThat(rig.upstream.takeRequest().getTarget()).isEqualTo("/first");
  }

  /** Obsolete line folding (a header or trailer line starting with SP or HTAB) is 400 and close, never joined. */
  @ParameterizedTest
  @MethodSource("obsoleteLineFolding")
  void obsoleteLineFoldingIs400AndNeverForwarded(String request) throws Exception {
    HardeningRig.Exchange x = rig.send(request);

    assertThat(x.status()).isEqualTo(400);
    assertThat(x.only().header("x-dragoman-reason")).isEqualTo("BR");
    assertThat(x.only().body()).startsWith("{\"error\": \"obsolete line folding");
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).isZero();
  }

  static Stream<String> obsoleteLineFolding() {
    return Stream.of(
        head("GET /a HTTP/1.1", "Host: a", "X-A: b", " c"),
        head("GET /a HTTP/1.1", "Host: a", "X-A: b", "\tc"),
        head("GET /a HTTP/1.1", "Host: a", " X-A: b"),
        head("POST /a HTTP/1.1", "Host: a", "Transfer-Encoding: chunked") + "0\r\nX-T: 1\r\n 2\r\n\r\n",
        // the empty lines a client may send before a request change nothing (the refused message still comes first)
        "\r\n" + head("GET /a HTTP/1.1", "Host: a", "X-A: b", " c"),
        "\r\n\r\n" + head("GET /a HTTP/1.1", "Host: a", "X-A: b", " c"));
  }

  /** An empty line after a served request (RFC 9112 allows one after a body) does not change the refusal after it. */
  @Test
  void servedThenEmptyLineThenFoldedAnswersTheFirstThenTheJson400() throws Exception {
    HardeningRig.Exchange x = rig.send(head("POST /first HTTP/1.1", "Host: a", "Content-Length: 2") + "ok\r\n"
        + head("GET /second HTTP/1.1", "Host: a", "X-A: b", " c"));

    assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(200, 400);
    assertThat(x.responses().get(1).header("x-dragoman-reason")).isEqualTo("BR");
    assertThat(x.responses().get(1).body()).startsWith("{\"error\": \"obsolete line folding");
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).isEqualTo(1);
    assertThat(rig.upstream.takeRequest().getTarget()).isEqualTo("/first");
  }

  /** The refusal waits for the answer before it, however long the upstream takes. */
  @Test
  void pipelinedSlowThenMalformedAnswersTheFirstThen400() throws Exception {
    try (MockWebServer slow = new MockWebServer()) {
      slow.enqueue(new MockResponse.Builder().code(200).body("slow").headersDelay(500, TimeUnit.MILLISECONDS).build());
      slow.start();
      rig.routes(Mapping.builder("slow", "/", rig.service("slow.ns", 80, slow)).build());

      HardeningRig.Exchange x = rig.send(head("GET /first HTTP/1.1", "Host: a")
          + head("POST /second HTTP/1.1", "Host: a", "Transfer-Encoding: chunked") + "0x5\r\nhello\r\n0\r\n\r\n");

      assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(200, 400);
      assertThat(x.responses().get(0).body()).isEqualTo("slow");
      assertThat(x.closed()).isTrue();
      assertThat(slow.getRequestCount()).isEqualTo(1);
    }
  }

  /** Asking to upgrade does not end the checks: only a 101 does (see WebSocketProxyTest). */
  @Test
  void anUpgradeNotGrantedLeavesTheConnectionChecked() throws IOException {
    HardeningRig.Exchange x = rig.send(head("GET /first HTTP/1.1", "Host: a", "Connection: Upgrade", "Upgrade: h2c")
        + head("POST /second HTTP/1.1", "Host: a", "Transfer-Encoding: chunked") + "-5\r\nhello\r\n0\r\n\r\n");

    assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(200, 400);
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).isEqualTo(1);
  }

  @Test
  void pipelinedValidThenFoldedAnswersTheFirstThen400() throws IOException {
    HardeningRig.Exchange x =
        rig.send(head("GET /first HTTP/1.1", "Host: a") + head("GET /second HTTP/1.1", "Host: a", "X-A: b", " c"));

    assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(200, 400);
    assertThat(x.closed()).isTrue();
    assertThat(rig.upstream.getRequestCount()).isEqualTo(1);
  }
}
