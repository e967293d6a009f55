package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;

/**
 * The guard on its own, for the rules Undertow 2.4.4's parser pre-empts on a real socket: the guard must still
 * hold if a future parser lets them through.
 */
class HardeningGuardTest {
  private static HttpServerExchange exchange(String... headers) {
    HttpServerExchange e = new HttpServerExchange(null);
    e.setProtocol(Protocols.HTTP_1_1);
    e.setRequestMethod(Methods.POST);
    e.setRequestURI("/a");
    e.setQueryString("");
    for (int i = 0; i < headers.length; i += 2) e.getRequestHeaders().add(new HttpString(headers[i]), headers[i + 1]);
    return e;
  }

  /** The guard reads the exchange through the gateway's own interface. */
  private static DownstreamExchange guarded(HttpServerExchange e) {
    return new UndertowExchange(e);
  }

  private static BadRequestException refusal(HttpServerExchange e) {
    return catchThrowableOfType(BadRequestException.class, () -> RequestGuard.check(guarded(e)));
  }

  @Test
  void acceptsAPlainRequest() throws Exception {
    RequestGuard.check(guarded(exchange("Host", "a:8080", "Content-Length", "5")));
    RequestGuard.check(guarded(exchange("Host", "[::1]:80", "Transfer-Encoding", "Chunked")));
  }

  @Test
  void refusesAmbiguousFraming() {
    assertThat(refusal(exchange("Host", "a", "Content-Length", "5", "Transfer-Encoding", "chunked")).getMessage())
        .isEqualTo("both Content-Length and Transfer-Encoding");
    assertThat(refusal(exchange("Host", "a", "Content-Length", "5", "Content-Length", "6")).getMessage())
        .isEqualTo("more than one Content-Length");
    assertThat(refusal(exchange("Host", "a", "Content-Length", "+5")).getMessage())
        .isEqualTo("Content-Length is not a plain number: +5");
    assertThat(refusal(exchange("Host", "a", "Content-Length", "9999999999999999999")).getMessage())
        .isEqualTo("Content-Length is not a plain number: 9999999999999999999");
    assertThat(refusal(exchange("Host", "a", "Transfer-Encoding", "chunked", "Transfer-Encoding", "chunked"))
        .getMessage()).isEqualTo("Transfer-Encoding other than chunked: chunked, chunked");
  }

  @Test
  void refusesBadHeaderSyntax() {
    assertThat(refusal(exchange("Host", "a", "X Y", "z")).getMessage()).isEqualTo("invalid character in header name: X Y");
    assertThat(refusal(exchange("Host", "a", "X-A", "b\rc")).getMessage()).isEqualTo("control character in header X-A");
    assertThat(refusal(exchange("Host", "a", "X-A", "b\0c")).getMessage()).isEqualTo("control character in header X-A");
    assertThat(refusal(exchange("Host", "a", "X-A", "b\nc")).getMessage()).isEqualTo("control character in header X-A");
  }

  @Test
  void refusesMissingDuplicateAndMalformedHost() {
    assertThat(refusal(exchange()).getMessage()).isEqualTo("missing Host header");
    assertThat(refusal(exchange("Host", "a", "Host", "b")).getMessage()).isEqualTo("more than one Host header");
    for (String bad : new String[] {"", "u@a", "a/b", "a b", "a:", "a:x", "a:65536", "[zz]", "a,b"}) {
      assertThat(refusal(exchange("Host", bad)).getMessage()).as(bad)
          .isEqualTo("malformed Host header: " + RequestGuard.printable(bad));
    }
  }

  @Test
  void refusesUnknownProtocolVersions() {
    HttpServerExchange e = exchange("Host", "a");
    e.setProtocol(new HttpString("HTTP/1.2"));

    assertThat(refusal(e).getMessage()).isEqualTo("unsupported protocol version: HTTP/1.2");
  }

  @Test
  void http2PseudoHeadersAreAcceptedOnlyOnHttp2() throws Exception {
    HttpServerExchange h2 = exchange(":method", "POST", ":path", "/a", ":authority", "a", "Host", "a");
    h2.setProtocol(Protocols.HTTP_2_0);
    HttpServerExchange h1 = exchange(":method", "POST", "Host", "a");

    RequestGuard.check(guarded(h2));
    assertThat(refusal(h1).getMessage()).isEqualTo("invalid character in header name: :method");
  }

  /** Undertow's HTTP/2 listener copies :authority into Host, a null value when the client sent none. */
  @Test
  void http2WithoutAuthorityIsMissingItsHost() {
    HttpServerExchange h2 = exchange(":method", "POST");
    h2.setProtocol(Protocols.HTTP_2_0);
    h2.getRequestHeaders().put(io.undertow.util.Headers.HOST, (String) null);

    assertThat(refusal(h2).getMessage()).isEqualTo("missing Host header");
  }

  @Test
  void sizeLimitsAnswer414And431() {
    HttpServerExchange longUri = exchange("Host", "a");
    longUri.setRequestURI("/" + "a".repeat(100));
    HttpServerExchange bigHead = exchange("Host", "a", "X-A", "b".repeat(100));
    HttpServerExchange manyFields = exchange("Host", "a", "X-1", "1", "X-2", "2", "X-3", "3");
    OptionMap limits = OptionMap.builder().set(ListenerOptions.GUARD_MAX_URI_BYTES, 50)
        .set(ListenerOptions.GUARD_MAX_HEADER_BYTES, 100).set(ListenerOptions.GUARD_MAX_HEADERS, 3).getMap();

    BadRequestException uri = catchThrowableOfType(BadRequestException.class,
        () -> RequestGuard.checkSize(guarded(longUri), limits));
    BadRequestException head = catchThrowableOfType(BadRequestException.class,
        () -> RequestGuard.checkSize(guarded(bigHead), limits));
    BadRequestException fields = catchThrowableOfType(BadRequestException.class,
        () -> RequestGuard.checkSize(guarded(manyFields), limits));

    assertThat(uri.failure()).isEqualTo(Failure.URI_TOO_LONG);
    assertThat(uri.getMessage()).isEqualTo("request target is 101 bytes (limit: 50)");
    assertThat(head.failure()).isEqualTo(Failure.HEADERS_TOO_LARGE);
    assertThat(head.getMessage()).isEqualTo("request head is 134 bytes (limit: 100)");
    assertThat(fields.failure()).isEqualTo(Failure.HEADERS_TOO_LARGE);
    assertThat(fields.getMessage()).isEqualTo("request has 4 header fields (limit: 3)");
    assertThat(catchThrowableOfType(BadRequestException.class,
        () -> RequestGuard.checkSize(guarded(exchange("Host", "a")), limits))).isNull();
  }

  @Test
  void messagesNeverCarryRawControlBytes() {
    assertThat(RequestGuard.printable("a\r\nb\u00ff")).isEqualTo("a\\x0D\\x0Ab\\xFF");
  }
}
