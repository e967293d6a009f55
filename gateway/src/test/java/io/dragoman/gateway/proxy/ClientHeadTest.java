package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static io.dragoman.gateway.proxy.HardeningRig.latin1;
import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xnio.OptionMap;

/**
 * {@link ClientHead#parse}: what the gateway's own HTTP/1.1 server serves, what it waits for, and every request it
 * leaves to Undertow ({@link ClientHead#HAND_OFF}, never an error).
 */
class ClientHeadTest {
  private static final ClientHead.Limits LIMITS = new ClientHead.Limits(1024, 8192, 10, 2048, 5, 3);

  private static ClientHead parse(String bytes) {
    return parse(bytes, LIMITS);
  }

  private static ClientHead parse(String bytes, ClientHead.Limits limits) {
    byte[] a = latin1(bytes);
    return ClientHead.parse(a, 0, a.length, limits);
  }

  private static String get(String target, String... headers) {
    String[] lines = new String[headers.length + 2];
    lines[0] = "GET " + target + " HTTP/1.1";
    lines[1] = "Host: a.example";
    System.arraycopy(headers, 0, lines, 2, headers.length);
    return head(lines);
  }

  // Served

  @Test
  void aPlainGetIsServedWithItsMethodTargetAndEnd() {
    String request = get("/models/m1");

    ClientHead h = parse(request + "GET /next");

    assertThat(h).isNotSameAs(ClientHead.HAND_OFF).isNotNull();
    assertThat(h.method).isEqualTo(Methods.GET);
    assertThat(h.uri).isEqualTo("/models/m1");
    assertThat(h.query).isEmpty();
    assertThat(h.contentLength).isZero();
    assertThat(h.close).isFalse();
    assertThat(h.end).as("just past the head, before the pipelined bytes").isEqualTo(request.length());
  }

  @Test
  void theQueryIsSplitOffTheTargetWithoutItsQuestionMark() {
    ClientHead h = parse(get("/search?q=a%20b&page=2"));

    assertThat(h.uri).isEqualTo("/search");
    assertThat(h.query).isEqualTo("q=a%20b&page=2");
  }

  @Test
  void headerValuesAreTrimmedOfOptionalWhitespace() {
    ClientHead h = parse(get("/", "X-One:value", "X-Two: \t spaced value \t ", "X-Empty:"));

    assertThat(h.headers.getFirst("X-One")).isEqualTo("value");
    assertThat(h.headers.getFirst("x-two")).isEqualTo("spaced value");
    assertThat(h.headers.getFirst("X-Empty")).isEmpty();
    assertThat(h.headers.getFirst(Headers.HOST)).isEqualTo("a.example");
  }

  @Test
  void aContentLengthIsTheBodysLengthAndTheEndIsWhereTheBodyStarts() {
    String request = head("POST /p HTTP/1.1", "Host: a", "Content-Length: 11");

    ClientHead h = parse(request + "hello world");

    assertThat(h.method).isEqualTo(Methods.POST);
    assertThat(h.contentLength).isEqualTo(11);
    assertThat(h.end).isEqualTo(request.length());
  }

  @ParameterizedTest
  @ValueSource(strings = {"close", "Close", "keep-alive, close", "foo ,CLOSE"})
  void connectionCloseInAnyCaseOrPositionEndsTheConnection(String value) {
    assertThat(parse(get("/", "Connection: " + value)).close).isTrue();
  }

  @Test
  void connectionKeepAliveDoesNotClose() {
    assertThat(parse(get("/", "Connection: keep-alive")).close).isFalse();
  }

  @Test
  void emptyLinesBeforeTheRequestLineAreSkipped() {
    String request = "\r\n\r\n" + get("/after-blank-lines");

    ClientHead h = parse(request);

    assertThat(h.uri).isEqualTo("/after-blank-lines");
    assertThat(h.end).isEqualTo(request.length());
  }

  @Test
  void parsingStartsAtTheOffsetGiven() {
    String first = get("/first");
    String both = first + get("/second?x=1");
    byte[] a = latin1(both);

    ClientHead h = ClientHead.parse(a, first.length(), a.length, LIMITS);

    assertThat(h.uri).isEqualTo("/second");
    assertThat(h.query).isEqualTo("x=1");
    assertThat(h.end).isEqualTo(a.length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.example:8080", "svc-1.ns.svc.cluster.local", "10.0.0.1", "localhost:65535"})
  void aHostOfNameAndOptionalPortIsServed(String host) {
    ClientHead h = parse(head("GET / HTTP/1.1", "Host: " + host));

    assertThat(h).isNotSameAs(ClientHead.HAND_OFF).isNotNull();
  }

  @Test
  void anUnusualButValidMethodIsServed() {
    assertThat(parse(head("PATCH /x HTTP/1.1", "Host: a")).method).isEqualTo(Methods.PATCH);
  }

  @Test
  void aHeadAtTheLimitsIsServed() {
    ClientHead.Limits limits = new ClientHead.Limits(1024, 8192, 3, 2048, 2, 2);

    ClientHead h = parse(get("/q?a=1&b=2", "Cookie: x=1; y=2", "X-Third: 3"), limits);

    assertThat(h).isNotSameAs(ClientHead.HAND_OFF).isNotNull();
  }

  // Incomplete

  @ParameterizedTest
  @ValueSource(strings = {"", "\r\n", "GET", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: a\r\n", "GET / HTTP/1.1\r\nHost: a\r\n\r"})
  void aHeadNotWholeYetIsNull(String partial) {
    assertThat(parse(partial)).isNull();
  }

  // Handed off to Undertow

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      HTTP/1.0                | GET / HTTP/1.0
      HTTP/2 version          | GET / HTTP/2.0
      HEAD                    | HEAD / HTTP/1.1
      CONNECT                 | CONNECT a.example:443 HTTP/1.1
      absolute-form           | GET http://a.example/ HTTP/1.1
      asterisk-form           | OPTIONS * HTTP/1.1
      percent without hex     | GET /a%zz HTTP/1.1
      percent cut short       | GET /a%2 HTTP/1.1
      fragment in target      | GET /a#b HTTP/1.1
      two spaces              | GET  / HTTP/1.1
      no method               | ' / HTTP/1.1'
      """)
  void aRequestLineOutsideWhatIsServedIsHandedOff(String why, String requestLine) {
    assertThat(parse(head(requestLine, "Host: a"))).as(why).isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void theHttp2PrefaceIsHandedOff() {
    assertThat(parse("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void aPriRequestWithAnOriginTargetIsHandedOffToo() {
    assertThat(parse(head("PRI / HTTP/1.1", "Host: a"))).isSameAs(ClientHead.HAND_OFF);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      bare LF ending the request line | 'GET / HTTP/1.1{LF}Host: a{CR}{LF}{CR}{LF}'
      bare LF ending a header         | 'GET / HTTP/1.1{CR}{LF}Host: a{LF}{CR}{LF}'
      bare LF ending the head         | 'GET / HTTP/1.1{CR}{LF}Host: a{CR}{LF}{LF}'
      bare LF first                   | '{LF}'
      bare CR in a value              | 'GET / HTTP/1.1{CR}{LF}Host: a{CR}{LF}X: a{CR}b{CR}{LF}{CR}{LF}'
      space before the colon          | 'GET / HTTP/1.1{CR}{LF}Host : a{CR}{LF}{CR}{LF}'
      empty header name               | 'GET / HTTP/1.1{CR}{LF}Host: a{CR}{LF}: v{CR}{LF}{CR}{LF}'
      obs-fold                        | 'GET / HTTP/1.1{CR}{LF}Host: a{CR}{LF}X: a{CR}{LF}  b{CR}{LF}{CR}{LF}'
      NUL in a value                  | 'GET / HTTP/1.1{CR}{LF}Host: a{CR}{LF}X: a{x00}b{CR}{LF}{CR}{LF}'
      DEL in a value                  | 'GET / HTTP/1.1{CR}{LF}Host: a{CR}{LF}X: a{x7f}b{CR}{LF}{CR}{LF}'
      obs-text in a value             | 'GET / HTTP/1.1{CR}{LF}Host: a{CR}{LF}X: caf{xe9}{CR}{LF}{CR}{LF}'
      vertical tab in a value         | 'GET / HTTP/1.1{CR}{LF}Host: a{CR}{LF}X: a{x0b}b{CR}{LF}{CR}{LF}'
      """)
  void aMalformedHeadIsHandedOff(String why, String escaped) {
    assertThat(parse(unescape(escaped))).as(why).isSameAs(ClientHead.HAND_OFF);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no Host                       | X-Other: a
      IP-literal Host               | Host: [::1]
      IP-literal Host with port     | Host: [::1]:8080
      Host with a port too large    | Host: a:65536
      Host with an empty port       | Host: a:
      Host with a non-digit port    | Host: a:80x
      Host with a six-digit port    | Host: a:000080
      Host with userinfo            | Host: user@a
      Host with an underscore       | Host: a_b
      empty Host                    | 'Host: '
      """)
  void aHostOutsideNameAndPortIsHandedOff(String why, String hostLine) {
    assertThat(parse(head("GET / HTTP/1.1", hostLine))).as(why).isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void twoHostsAreHandedOff() {
    assertThat(parse(head("GET / HTTP/1.1", "Host: a", "Host: a"))).isSameAs(ClientHead.HAND_OFF);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      two Content-Length fields        | Content-Length: 3  | Content-Length: 3
      a Content-Length list            | Content-Length: 3, 3 | X: 1
      a signed Content-Length          | Content-Length: +3 | X: 1
      a hex Content-Length             | Content-Length: 0x3 | X: 1
      an empty Content-Length          | 'Content-Length: ' | X: 1
      a Content-Length of 19 digits    | Content-Length: 1000000000000000000 | X: 1
      Transfer-Encoding                | Transfer-Encoding: chunked | X: 1
      Transfer-Encoding with a length  | Content-Length: 3  | Transfer-Encoding: chunked
      Expect                           | Content-Length: 3  | Expect: 100-continue
      Upgrade                          | Upgrade: websocket | Connection: Upgrade
      Upgrade in another case          | uPgRaDe: h2c       | X: 1
      """)
  void aBodyOrProtocolChangeOutsideWhatIsServedIsHandedOff(String why, String first, String second) {
    assertThat(parse(head("POST / HTTP/1.1", "Host: a", first, second))).as(why).isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void eighteenContentLengthDigitsAreServed() {
    ClientHead h = parse(head("POST / HTTP/1.1", "Host: a", "Content-Length: 000000000000000042"));

    assertThat(h.contentLength).isEqualTo(42);
  }

  // Limits

  @Test
  void aHeadOverMaxHeadBytesIsHandedOffEvenBeforeItEnds() {
    ClientHead.Limits limits = new ClientHead.Limits(64, 8192, 10, 2048, 5, 3);
    String longHeader = "X-Long: " + "v".repeat(80);

    assertThat(parse(get("/", longHeader), limits)).as("whole").isSameAs(ClientHead.HAND_OFF);
    assertThat(parse("GET / HTTP/1.1\r\n" + longHeader, limits)).as("unfinished").isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void aHeadOfExactlyMaxHeadBytesIsServedAndOneByteMoreIsHandedOff() {
    String request = get("/");
    ClientHead.Limits limits = new ClientHead.Limits(request.length(), 8192, 10, 2048, 5, 3);

    assertThat(parse(request, limits)).isNotSameAs(ClientHead.HAND_OFF).isNotNull();
    assertThat(parse(get("/x"), limits)).isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void moreHeadersThanMaxHeadersAreHandedOff() {
    ClientHead.Limits limits = new ClientHead.Limits(1024, 8192, 3, 2048, 5, 3);

    assertThat(parse(get("/", "X-1: 1", "X-2: 2"), limits)).isNotSameAs(ClientHead.HAND_OFF);
    assertThat(parse(get("/", "X-1: 1", "X-2: 2", "X-3: 3"), limits)).isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void moreQueryParametersThanAllowedAreHandedOff() {
    ClientHead.Limits limits = new ClientHead.Limits(1024, 8192, 10, 2048, 3, 3);

    assertThat(parse(get("/q?a=1&b=2&c=3"), limits)).isNotSameAs(ClientHead.HAND_OFF);
    assertThat(parse(get("/q?a=1&b=2&c=3&d=4"), limits)).isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void moreCookiesThanAllowedAreHandedOff() {
    ClientHead.Limits limits = new ClientHead.Limits(1024, 8192, 10, 2048, 5, 2);

    assertThat(parse(get("/", "Cookie: a=1; b=2"), limits)).isNotSameAs(ClientHead.HAND_OFF);
    assertThat(parse(get("/", "Cookie: a=1; b=2; c=3"), limits)).isSameAs(ClientHead.HAND_OFF);
    // counted over all Cookie fields of the request
    assertThat(parse(get("/", "Cookie: a=1", "Cookie: b=2; c=3"), limits)).isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void repeatedFieldsCountTowardsMaxHeaders() {
    String[] many = Collections.nCopies(11, "X-Same: v").toArray(String[]::new);

    assertThat(parse(get("/", many))).isSameAs(ClientHead.HAND_OFF);
  }

  // What the guard would refuse is never served: the gateway skips the guard for heads served here

  @Test
  void anUnderscoreInAHeaderNameIsHandedOff() {
    assertThat(parse(get("/", "X_User: a"))).isSameAs(ClientHead.HAND_OFF);
    assertThat(parse(get("/", "X-User: a_b"))).as("in a value it is fine").isNotSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void aTargetOverMaxUriBytesIsHandedOff() {
    ClientHead.Limits limits = new ClientHead.Limits(1024, 8192, 10, 10, 5, 3);

    assertThat(parse(get("/123456?89"), limits)).as("10 bytes").isNotSameAs(ClientHead.HAND_OFF);
    assertThat(parse(get("/123456?890"), limits)).as("11 bytes").isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void aHeadOverTheGuardsMeasureIsHandedOff() {
    // The guard counts "GET" + "/" + "HTTP/1.1" + 4, then name + value + 4 per field: 16 + 4 + 1 + 4 = 25.
    String request = head("GET / HTTP/1.1", "Host:a");
    ClientHead.Limits exact = new ClientHead.Limits(1024, 25, 10, 2048, 5, 3);
    ClientHead.Limits under = new ClientHead.Limits(1024, 24, 10, 2048, 5, 3);

    assertThat(parse(request, exact)).isNotSameAs(ClientHead.HAND_OFF).isNotNull();
    assertThat(parse(request, under)).isSameAs(ClientHead.HAND_OFF);
  }

  @Test
  void aHostLongerThanHostSyntaxAllowsIsHandedOff() {
    String longest = "a".repeat(HostSyntax.MAX_LENGTH - 5) + ":8080";

    assertThat(parse(head("GET / HTTP/1.1", "Host: " + longest))).isNotSameAs(ClientHead.HAND_OFF);
    assertThat(parse(head("GET / HTTP/1.1", "Host: a" + longest))).isSameAs(ClientHead.HAND_OFF);
  }

  /**
   * Heads built from pieces near and over every rule: each one served must pass {@link RequestGuard} with the same
   * limits, since the gateway does not run the guard again on them.
   */
  @Test
  void everyServedHeadPassesTheGuard() throws Exception {
    String[] methods = {"GET", "POST", "PATCH", "DELETE", "M_X", "G\\T"};
    String[] targets = {"/", "/a?b=1&c=2", "/" + "x".repeat(40), "/%41?%zz", "/a?b=1&c=2&d=3&e=4&f=5&g=6", "/a;b=c"};
    String[] hosts = {"a", "a.example:8080", "", "a:65536", "a_b", "[::1]", "h".repeat(262), "h".repeat(255) + ":1",
        "-a-", "1.2.3.4:0"};
    String[] fields = {"X-A: 1", "X_A: 1", "Content-Length: 5", "Content-Length: 1x", "Cookie: a=1; b=2",
        "Cookie: a=1", "X-Long: " + "v".repeat(160), "Connection: close", "Accept: */*", "Trailer: x", "te: gzip",
        "X-Tab: a\tb", "X-Ctl: a\u0001b", "Transfer-Encoding: chunked"};
    ClientHead.Limits limits = new ClientHead.Limits(1024, 400, 6, 40, 5, 2);
    OptionMap guardLimits = OptionMap.builder()
        .set(ListenerOptions.GUARD_MAX_HEADER_BYTES, 400)
        .set(ListenerOptions.GUARD_MAX_HEADERS, 6)
        .set(ListenerOptions.GUARD_MAX_URI_BYTES, 40)
        .getMap();
    Random random = new Random(7);
    int served = 0;
    for (int n = 0; n < 20_000; n++) {
      List<String> lines = new ArrayList<>();
      lines.add(pick(random, methods) + " " + pick(random, targets) + " HTTP/1.1");
      lines.add("Host: " + pick(random, hosts));
      for (int f = random.nextInt(6); f > 0; f--) lines.add(pick(random, fields));
      Collections.shuffle(lines.subList(1, lines.size()), random);
      String request = head(lines.toArray(String[]::new));

      ClientHead h = parse(request, limits);
      if (h == null || h == ClientHead.HAND_OFF) continue;
      served++;
      HttpServerExchange e = new HttpServerExchange(null);
      e.setProtocol(Protocols.HTTP_1_1);
      e.setRequestMethod(h.method);
      e.setRequestURI(h.uri);
      e.setQueryString(h.query);
      for (HeaderValues values : h.headers) e.getRequestHeaders().addAll(values.getHeaderName(), values);
      DownstreamExchange guarded = new UndertowExchange(e);
      try {
        RequestGuard.check(guarded);
        RequestGuard.checkSize(guarded, guardLimits);
      } catch (BadRequestException refused) {
        throw new AssertionError("served, but the guard refuses it (" + refused.getMessage() + "):\n" + request);
      }
    }
    assertThat(served).as("heads served out of 20,000").isGreaterThan(500);
  }

  private static String pick(Random random, String[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  /** CSV text with {CR}, {LF} and {xHH} turned into the bytes they name. */
  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    Matcher m = Pattern.compile("\\{(CR|LF|x[0-9a-f]{2})}").matcher(s);
    while (m.find()) {
      String token = m.group(1);
      char c = token.equals("CR") ? '\r' : token.equals("LF") ? '\n' : (char) Integer.parseInt(token.substring(1), 16);
      m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(c)));
    }
    return m.appendTail(out).toString();
  }
}
