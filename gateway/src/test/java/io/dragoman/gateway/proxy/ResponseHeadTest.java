package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dragoman.gateway.proxy.ResponseHead.Framing;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The response head parser and the request head writer alone, on bytes as an upstream would send them. */
class ResponseHeadTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Parses a whole head, which must end exactly where the string does. */
  private static ResponseHead parse(String head) throws ResponseHead.MalformedException {
    byte[] b = bytes(head);
    int end = ResponseHead.end(b, 0, b.length);
    assertThat(end).as("end of %s", head).isEqualTo(b.length);
    return ResponseHead.parse(b, 0, end);
  }

  /** A head of the given status line and header lines, CRLF everywhere. */
  private static String head(String statusLine, String... headers) {
    StringBuilder sb = new StringBuilder(statusLine).append("\r\n");
    for (String h : headers) sb.append(h).append("\r\n");
    return sb.append("\r\n").toString();
  }

  /** Header lines from a CSV cell: {@code |} separates lines, empty means none. */
  private static String[] lines(String cell) {
    return cell == null || cell.isEmpty() ? new String[0] : cell.split("\\|");
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "'HTTP/1.1 200 OK';              HTTP/1.1; 200; OK",
    "'HTTP/1.0 404 Not Found';       HTTP/1.0; 404; Not Found",
    "'HTTP/1.1 200 ';                HTTP/1.1; 200; ''",
    "'HTTP/1.1 200';                 HTTP/1.1; 200; ''",
    "'HTTP/1.1 503 Service  Busy ';  HTTP/1.1; 503; 'Service  Busy '",
    "'HTTP/1.1 999 Whatever';        HTTP/1.1; 999; Whatever",
    "'HTTP/1.1 100 Continue';        HTTP/1.1; 100; Continue",
  })
  void statusLines(String statusLine, String protocol, int status, String reason) throws Exception {
    ResponseHead h = parse(head(statusLine));

    assertThat(h.protocol()).isEqualTo(new HttpString(protocol));
    assertThat(h.status()).isEqualTo(status);
    assertThat(h.reason()).isEqualTo(reason);
  }

  @Test
  void aReasonPhraseIsKeptExactlyAndMayBeEmptyOrAbsent() throws Exception {
    assertThat(parse("HTTP/1.1 200 \r\n\r\n").reason()).isEmpty();
    assertThat(parse("HTTP/1.1 200\r\n\r\n").reason()).isEmpty();
    assertThat(parse("HTTP/1.1 503 Service  Busy \r\n\r\n").reason()).isEqualTo("Service  Busy ");
    assertThat(parse("HTTP/1.1 200 d\u00e9j\u00e0 vu\r\n\r\n").reason()).isEqualTo("d\u00e9j\u00e0 vu");
  }

  @Test
  void linesMayEndInABareLineFeed() throws Exception {
    ResponseHead lf = parse("HTTP/1.1 201 Created\nLocation: /a\nX-Two: 2\n\n");
    ResponseHead mixed = parse("HTTP/1.0 201 Created\r\nLocation: /a\nX-Two: 2\r\n\n");

    for (ResponseHead h : List.of(lf, mixed)) {
      assertThat(h.status()).isEqualTo(201);
      assertThat(h.reason()).isEqualTo("Created");
      assertThat(h.headers().getFirst("location")).isEqualTo("/a");
      assertThat(h.headers().getFirst("x-two")).isEqualTo("2");
      assertThat(h.headers().size()).isEqualTo(2);
    }
    assertThat(mixed.protocol()).isEqualTo(Protocols.HTTP_1_0);
    assertThat(parse("HTTP/1.1 204 No Content\n\n").headers().size()).isZero();
  }

  @Test
  void headerValuesAreKeptByteForByteAsIso88591() throws Exception {
    byte[] raw = {'c', 'a', 'f', (byte) 0xe9, ' ', ' ', (byte) 0xff, (byte) 0x80, '\t', 'x'};
    String value = new String(raw, StandardCharsets.ISO_8859_1);

    ResponseHead h = parse(head("HTTP/1.1 200 OK", "X-Latin: " + value, "X-Padded: \t  inner  space \t ",
        "X-Empty:", "X-Empty-Spaced:   ", "Set-Cookie: a=1", "set-cookie: b=2", "X-Mixed-Case: v"));

    assertThat(h.headers().getFirst("x-latin").getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(raw);
    assertThat(h.headers().getFirst("x-padded")).isEqualTo("inner  space");
    assertThat(h.headers().getFirst("x-empty")).isEmpty();
    assertThat(h.headers().getFirst("x-empty-spaced")).isEmpty();
    assertThat(h.headers().get("set-cookie")).containsExactly("a=1", "b=2");
    assertThat(h.headers().get("x-mixed-case").getHeaderName().toString()).isEqualTo("X-Mixed-Case");
  }

  @Test
  void exactlyTheMostHeaderFieldsAllowedIsFine() throws Exception {
    String[] fields = new String[ResponseHead.MAX_HEADERS];
    for (int i = 0; i < fields.length; i++) fields[i] = "X-" + i + ": " + i;

    assertThat(parse(head("HTTP/1.1 200 OK", fields)).headers().size()).isEqualTo(ResponseHead.MAX_HEADERS);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "HTTP/1.1 200 OK\\r\\nA: b\\r\\n c\\r\\n\\r\\n;           obsolete line folding",
    "HTTP/1.1 200 OK\\r\\nA: b\\r\\n\\tc\\r\\n\\r\\n;          obsolete line folding",
    "HTTP/1.1 200 OK\\r\\nA: b\\rc\\r\\n\\r\\n;              bare CR",
    "HTTP/1.1 200 OK\\rX\\r\\nA: b\\r\\n\\r\\n;              bare CR",
    "HTTP/1.1 200 OK\\r\\nA: b\\r\\r\\n\\r\\n;               bare CR",
    "HTTP/1.1 200 OK\\r\\nA : b\\r\\n\\r\\n;                header line without a name and a colon",
    "HTTP/1.1 200 OK\\r\\nA\\t: b\\r\\n\\r\\n;               header line without a name and a colon",
    "HTTP/1.1 200 OK\\r\\nA b\\r\\n\\r\\n;                  header line without a name and a colon",
    "HTTP/1.1 200 OK\\r\\n: b\\r\\n\\r\\n;                  header line without a name and a colon",
    "HTTP/1.1 200 OK\\r\\nA@x: b\\r\\n\\r\\n;               header line without a name and a colon",
    "HTTP/1.1 200 OK\\r\\nA: b\\x00c\\r\\n\\r\\n;          control character in a value",
    "HTTP/1.1 200 OK\\r\\nA: b\\x1bc\\r\\n\\r\\n;          control character in a value",
    "HTTP/1.1 200 OK\\r\\nA: b\\x7f\\r\\n\\r\\n;           control character in a value",
    "HTTP/1.1 20 OK\\r\\n\\r\\n;                          status code is not three digits",
    "HTTP/1.1 2x0 OK\\r\\n\\r\\n;                         status code is not three digits",
    "HTTP/1.1 -20 OK\\r\\n\\r\\n;                         status code is not three digits",
    "HTTP/1.1 2000 OK\\r\\n\\r\\n;                        no space after the status code",
    "HTTP/1.1 200OK\\r\\n\\r\\n;                          no space after the status code",
    "HTTP/1.1 099 Low\\r\\n\\r\\n;                        status code 99",
    "HTTP/1.1 20\\r\\n\\r\\n;                             status line without a status code",
    "HTTP/1.1\\r\\n\\r\\n;                                status line without a status code",
    "HTTP/1.1200 OK\\r\\n\\r\\n;                          status line without a status code",
    "HTTP/1.1  200 OK\\r\\n\\r\\n;                        status code is not three digits",
    "HTTP/2 200 OK\\r\\n\\r\\n;                           status line does not start with HTTP/1.0 or HTTP/1.1",
    "HTTP/2.0 200 OK\\r\\n\\r\\n;                         status line does not start with HTTP/1.0 or HTTP/1.1",
    "HTTP/1.2 200 OK\\r\\n\\r\\n;                         status line does not start with HTTP/1.0 or HTTP/1.1",
    "http/1.1 200 OK\\r\\n\\r\\n;                         status line does not start with HTTP/1.0 or HTTP/1.1",
    "ICY 200 OK\\r\\n\\r\\n;                              status line does not start with HTTP/1.0 or HTTP/1.1",
    "SSH-2.0-OpenSSH_9.6\\r\\n\\r\\n;                     status line does not start with HTTP/1.0 or HTTP/1.1",
    "\\r\\nHTTP/1.1 200 OK\\r\\n\\r\\n;                     status line does not start with HTTP/1.0 or HTTP/1.1",
  })
  void malformedHeadsAreRefusedWithTheirReason(String escaped, String reason) {
    byte[] b = bytes(unescape(escaped));
    int end = ResponseHead.end(b, 0, b.length);
    assertThat(end).as("a head ends in %s", escaped).isPositive();

    assertThatThrownBy(() -> ResponseHead.parse(b, 0, end))
        .isInstanceOf(ResponseHead.MalformedException.class)
        .hasMessage("malformed response head from upstream: " + reason);
  }

  /** CsvSource hands over {@code \r} literally: turn the Java-style escapes used above into the bytes. */
  private static String unescape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        out.append(c);
        continue;
      }
      char e = s.charAt(++i);
      switch (e) {
        case 'r' -> out.append('\r');
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'x' -> {
          out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
          i += 2;
        }
        default -> out.append('\\').append(e);
      }
    }
    return out.toString();
  }

  @Test
  void moreThanTheMostHeaderFieldsIsRefused() {
    String[] fields = new String[ResponseHead.MAX_HEADERS + 1];
    for (int i = 0; i < fields.length; i++) fields[i] = "X-" + i + ": " + i;

    assertThatThrownBy(() -> parse(head("HTTP/1.1 200 OK", fields)))
        .isInstanceOf(ResponseHead.MalformedException.class)
        .hasMessage("malformed response head from upstream: more than 256 header fields");
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "'';                                        -1",
    "Content-Length: 5;                         5",
    "Content-Length: 0;                         0",
    "Content-Length:  42 ;                      42",
    "Content-Length: 5, 5;                      5",
    "Content-Length: 5|Content-Length: 5;       5",
    "Content-Length: 5,5|content-length: 5;     5",
    "Content-Length: 999999999999999999;        999999999999999999",
  })
  void contentLength(String headers, long expected) throws Exception {
    assertThat(parse(head("HTTP/1.1 200 OK", lines(headers))).contentLength()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "Content-Length: 5|Content-Length: 6;       different Content-Length values",
    "Content-Length: 5, 6;                      different Content-Length values",
    "Content-Length: abc;                       Content-Length \"abc\"",
    "Content-Length: -1;                        Content-Length \"-1\"",
    "Content-Length: +5;                        Content-Length \"+5\"",
    "Content-Length: 0x10;                      Content-Length \"0x10\"",
    "Content-Length: 1 2;                       Content-Length \"1 2\"",
    "Content-Length: 5,;                        Content-Length \"\"",
    "Content-Length:;                           Content-Length \"\"",
    "Content-Length: 1000000000000000000;       Content-Length \"1000000000000000000\"",
  })
  void contentLengthThatCannotBeTrustedIsRefused(String headers, String reason) throws Exception {
    ResponseHead h = parse(head("HTTP/1.1 200 OK", lines(headers)));

    assertThatThrownBy(h::contentLength)
        .isInstanceOf(ResponseHead.MalformedException.class)
        .hasMessage("malformed response head from upstream: " + reason);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "200; false; Content-Length: 5;                                 LENGTH",
    "200; false; Content-Length: 0;                                 LENGTH",
    "200; false; Transfer-Encoding: chunked;                        CHUNKED",
    "200; false; Transfer-Encoding: Chunked;                        CHUNKED",
    "200; false; Transfer-Encoding: gzip, chunked;                  CHUNKED",
    "200; false; Transfer-Encoding: gzip|Transfer-Encoding: chunked; CHUNKED",
    "200; false; Transfer-Encoding: chunked, gzip;                  UNTIL_CLOSE",
    "200; false; Transfer-Encoding: chunked|Transfer-Encoding: gzip; UNTIL_CLOSE",
    "200; false; Transfer-Encoding: gzip;                           UNTIL_CLOSE",
    "200; false; Transfer-Encoding: chunked|Content-Length: 5;      CHUNKED",
    "200; false; Transfer-Encoding: gzip|Content-Length: 5;         UNTIL_CLOSE",
    "200; false; '';                                                UNTIL_CLOSE",
    "404; false; X-A: b;                                            UNTIL_CLOSE",
    "200; true;  Content-Length: 5;                                 NONE",
    "200; true;  Transfer-Encoding: chunked;                        NONE",
    "200; true;  '';                                                NONE",
    "204; false; Content-Length: 5;                                 NONE",
    "304; false; Content-Length: 5;                                 NONE",
    "304; false; Transfer-Encoding: chunked;                        NONE",
    "100; false; '';                                                NONE",
    "101; false; Upgrade: websocket;                                NONE",
    "103; false; Link: </a.css>;                                    NONE",
    "199; false; Content-Length: 5;                                 NONE",
  })
  void framing(int status, boolean headRequest, String headers, Framing expected) throws Exception {
    ResponseHead h = parse(head("HTTP/1.1 " + status + " X", lines(headers)));

    assertThat(h.framing(headRequest)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "HTTP/1.1; Content-Length: 5;                                 true",
    "HTTP/1.1; Transfer-Encoding: chunked;                        true",
    "HTTP/1.1; Content-Length: 5|Connection: close;               false",
    "HTTP/1.1; Content-Length: 5|Connection: CLOSE;               false",
    "HTTP/1.1; Content-Length: 5|Connection: keep-alive, close;   false",
    "HTTP/1.1; Content-Length: 5|Connection: x|Connection: close; false",
    "HTTP/1.1; Content-Length: 5|Connection: upgrade;             true",
    "HTTP/1.1; Content-Length: 5|Connection: closed;              true",
    "HTTP/1.1; '';                                                false",
    "HTTP/1.1; Transfer-Encoding: gzip;                           false",
    "HTTP/1.1; Transfer-Encoding: chunked|Content-Length: 5;      false",
    "HTTP/1.0; Content-Length: 5;                                 false",
    "HTTP/1.0; Content-Length: 5|Connection: keep-alive;          true",
    "HTTP/1.0; Content-Length: 5|Connection: Keep-Alive;          true",
    "HTTP/1.0; Content-Length: 5|Connection: keep-alive, close;   false",
    "HTTP/1.0; Transfer-Encoding: chunked|Connection: keep-alive; false",
    "HTTP/1.0; Connection: keep-alive;                            false",
  })
  void keepAlive(String protocol, String headers, boolean expected) throws Exception {
    ResponseHead h = parse(head(protocol + " 200 OK", lines(headers)));

    assertThat(h.keepAlive(h.framing(false))).isEqualTo(expected);
  }

  @Test
  void responsesWithoutABodyKeepTheConnection() throws Exception {
    ResponseHead notModified = parse(head("HTTP/1.1 304 Not Modified", "Content-Length: 1234"));
    ResponseHead noContent = parse(head("HTTP/1.1 204 No Content", "Content-Length: 7"));
    ResponseHead head = parse(head("HTTP/1.1 200 OK", "Content-Length: 1234"));

    assertThat(notModified.keepAlive(notModified.framing(false))).isTrue();
    assertThat(noContent.keepAlive(noContent.framing(false))).isTrue();
    assertThat(head.keepAlive(head.framing(true))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 102, 103, 199})
  void interimAnswersAreFollowedByAnotherHead(int status) throws Exception {
    assertThat(parse(head("HTTP/1.1 " + status + " X")).interim()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {101, 200, 204, 304, 500})
  void finalAnswersAreNotInterim(int status) throws Exception {
    assertThat(parse(head("HTTP/1.1 " + status + " X")).interim()).isFalse();
  }

  @Test
  void endIsMinusOneUntilTheBlankLineArrives() {
    String full = "HTTP/1.1 200 OK\r\nA: b\r\n\r\n";
    for (int n = 0; n < full.length(); n++) {
      byte[] b = bytes(full.substring(0, n));
      assertThat(ResponseHead.end(b, 0, b.length)).as("first %d bytes", n).isEqualTo(-1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "HTTP/1.1 200 OK\r\nA: b\r\nContent-Length: 4\r\n\r\n",
    "HTTP/1.1 200 OK\nA: b\nContent-Length: 4\n\n",
    "HTTP/1.1 200 OK\r\nA: b\nContent-Length: 4\r\n\n",
    "HTTP/1.1 200 OK\nA: b\nContent-Length: 4\n\r\n",
    "HTTP/1.1 200 OK\r\n\r\n",
  })
  void endIsFoundWhereverTheReadsSplitTheHead(String headText) {
    String stream = headText + "BODY\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"; // what follows must not be mistaken for it
    byte[] all = stream.getBytes(StandardCharsets.ISO_8859_1);
    for (int first = 0; first <= headText.length(); first++) {
      for (int second = first; second <= all.length; second += Math.max(1, (all.length - first) / 7)) {
        assertThat(scanInReads(all, first, second)).as("reads split at %d and %d", first, second)
            .isEqualTo(headText.length());
      }
    }
  }

  /**
   * Scans as {@link Http1Connection} does: a buffer filled read by read, each scan starting two bytes before the
   * previous read's end.
   */
  private static int scanInReads(byte[] all, int... splits) {
    byte[] b = new byte[all.length];
    int scanned = 0;
    int read = 0;
    int[] ends = new int[splits.length + 1];
    System.arraycopy(splits, 0, ends, 0, splits.length);
    ends[splits.length] = all.length;
    for (int upTo : ends) {
      System.arraycopy(all, read, b, read, upTo - read);
      read = upTo;
      int end = ResponseHead.end(b, scanned, read);
      if (end >= 0) return end;
      scanned = Math.max(0, read - 2);
    }
    return -1;
  }

  @Test
  void endAndParseWorkAtAnOffsetInTheBuffer() throws Exception {
    byte[] b = bytes("garbage\n\nHTTP/1.1 202 Accepted\r\nX: y\r\n\r\nbody");
    int from = "garbage\n\n".length();

    int end = ResponseHead.end(b, from, b.length);
    ResponseHead h = ResponseHead.parse(b, from, end);

    assertThat(end).isEqualTo(b.length - "body".length());
    assertThat(h.status()).isEqualTo(202);
    assertThat(h.headers().getFirst("x")).isEqualTo("y");
  }

  // RequestHead

  private static String written(ByteBuffer b, int from) {
    byte[] out = new byte[b.position() - from];
    b.get(from, out);
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  @Test
  void requestHeadIsWrittenLineByLineWithEveryValue() throws Exception {
    HeaderMap headers = new HeaderMap();
    headers.add(new HttpString("Host"), "svc.ns");
    headers.add(new HttpString("X-Many"), "1");
    headers.add(new HttpString("X-Many"), "2");
    headers.add(new HttpString("X-Latin"), "caf\u00e9\tok");
    ByteBuffer into = ByteBuffer.allocate(1024);
    into.position(3);

    ByteBuffer out = RequestHead.write(into, Methods.POST, "/a/b?c=d%20e", headers);

    assertThat(out).isSameAs(into);
    String text = written(out, 3);
    assertThat(text).startsWith("POST /a/b?c=d%20e HTTP/1.1\r\n").endsWith("\r\n\r\n");
    List<String> lines = List.of(text.substring(0, text.length() - 4).split("\r\n", -1));
    // HeaderMap orders names by their hash; a name's values keep their order
    assertThat(lines.subList(1, lines.size()))
        .containsExactlyInAnyOrder("Host: svc.ns", "X-Many: 1", "X-Many: 2", "X-Latin: caf\u00e9\tok")
        .containsSubsequence("X-Many: 1", "X-Many: 2");
    assertThat(text.getBytes(StandardCharsets.ISO_8859_1)).contains((byte) 0xe9);
    assertThat(text.length()).as("one byte per char").isEqualTo(out.position() - 3);
  }

  @Test
  void aRequestHeadLargerThanTheBufferGoesToAHeapBufferOfItsOwn() throws Exception {
    HeaderMap headers = new HeaderMap();
    headers.add(new HttpString("X-Big"), "v".repeat(5000));
    ByteBuffer into = ByteBuffer.allocate(256);
    into.position(10);

    ByteBuffer out = RequestHead.write(into, Methods.GET, "/big", headers);

    String expected = "GET /big HTTP/1.1\r\nX-Big: " + "v".repeat(5000) + "\r\n\r\n";
    assertThat(out).isNotSameAs(into);
    assertThat(into.position()).as("the pooled buffer is left as it was").isEqualTo(10);
    assertThat(out.position()).isEqualTo(expected.length());
    assertThat(out.capacity()).isEqualTo(expected.length());
    assertThat(written(out, 0)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
    "/a\\nb;  ok;            the request path;  a",
    "/a;     a\\r\\nX-In: 1;  X-Test;            d",
    "/a;     a\\x00;       X-Test;            0",
    "/a;     a\\x7f;       X-Test;            7f",
    "/a\\x01; ok;          the request path;  1",
  })
  void requestHeadRefusesControlCharacters(String path, String value, String what, String hex) {
    HeaderMap headers = new HeaderMap();
    headers.add(new HttpString("X-Test"), unescape(value));

    assertThatThrownBy(() -> RequestHead.write(ByteBuffer.allocate(256), Methods.GET, unescape(path), headers))
        .isInstanceOf(RequestHead.UnsafeException.class)
        .hasMessage("cannot send " + what + " upstream: it holds control character 0x" + hex);
  }

  /** A char beyond ISO-8859-1 (a Mapping's header value is any YAML string) cannot be sent as one byte. */
  @Test
  void requestHeadRefusesCharactersBeyondIso88591() {
    HeaderMap headers = new HeaderMap();
    // U+010A cast to a byte is 0x0A, a line feed: written as is it would start a header of the value's choosing.
    headers.add(new HttpString("X-Test"), "a\u010aX-Injected: 1");

    assertThatThrownBy(() -> RequestHead.write(ByteBuffer.allocate(256), Methods.GET, "/", headers))
        .isInstanceOf(RequestHead.UnsafeException.class)
        .hasMessage("cannot send X-Test upstream: it holds character U+010A, which is not ISO-8859-1");
  }
}
