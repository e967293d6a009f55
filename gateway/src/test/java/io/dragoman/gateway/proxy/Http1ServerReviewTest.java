package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.Mapping;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Review findings on the gateway's own HTTP/1.1 server ({@link Http1ServerConnection}): each case is run against both
 * servers, and the own one must answer as Undertow does.
 */
class Http1ServerReviewTest {

  private static HardeningRig rig(ProxySettings.Http1Server server) throws Exception {
    return new HardeningRig(s -> s.withHttp1Server(server));
  }

  /**
   * Empty lines before a request line (RFC 9112 lets a server skip them) were not counted against the head limit when
   * the parse decided whether to wait for more: a head that filled the read buffer together with them was neither
   * served nor handed off, and the connection spun on reads into a full buffer until the head timeout (408). Handed
   * off, it is answered at once, as Undertow answers it.
   */
  @Test
  void aHeadThatFillsTheBufferAfterEmptyLinesIsAnsweredAsUndertowAnswersIt() throws Exception {
    String request = "\r\n\r\n"
        + head("GET /x HTTP/1.1", "Host: a", "X-Pad: " + "p".repeat(20_000), "Connection: close");
    HardeningRig.Exchange undertow;
    try (HardeningRig rig = rig(ProxySettings.Http1Server.UNDERTOW)) {
      undertow = rig.send(request);
    }
    try (HardeningRig rig = rig(ProxySettings.Http1Server.OWN)) {
      long start = System.nanoTime();
      HardeningRig.Exchange own = rig.send(request);

      assertThat(own.responses()).extracting(HardeningRig.Response::status)
          .isNotEmpty()
          .isEqualTo(undertow.responses().stream().map(HardeningRig.Response::status).toList());
      assertThat(own.closed()).isEqualTo(undertow.closed());
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3)); // not the head timeout
    }
  }

  /**
   * A declared body over the route's limit is answered 413 at once; the body nobody will read must not hold the
   * connection open: Undertow closes it, where the own server waited to read and drop the whole refused body.
   */
  @ParameterizedTest
  @EnumSource(ProxySettings.Http1Server.class)
  void aBodyOverTheLimitIsRefusedAndTheConnectionClosed(ProxySettings.Http1Server server) throws Exception {
    try (HardeningRig rig = rig(server)) {
      rig.routes(Mapping.builder("small", "/small/", rig.service("small.ns", 80)).forward(maxBody(1024)).build());

      HardeningRig.Exchange x = rig.send(head("POST /small/x HTTP/1.1", "Host: a", "Content-Length: 4096"));

      assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(413);
      assertThat(x.closed()).isTrue();
      assertThat(rig.upstream.getRequestCount()).isZero();
    }
  }

  /**
   * Before a route sets its limit, the listener's ({@code maxRequestBodyBytes}, Undertow's MAX_ENTITY_SIZE) applies:
   * an early answer (here 404) to a request declaring a body over it closes the connection rather than drain it.
   */
  @ParameterizedTest
  @EnumSource(ProxySettings.Http1Server.class)
  void anEarlyAnswerToABodyOverTheListenerLimitClosesTheConnection(ProxySettings.Http1Server server)
      throws Exception {
    try (HardeningRig rig = new HardeningRig(s -> s.withHttp1Server(server).withMaxRequestBodyBytes(1024))) {
      rig.routes(Mapping.builder("only", "/only/", rig.service("only.ns", 80)).build());

      HardeningRig.Exchange x = rig.send(head("POST /elsewhere HTTP/1.1", "Host: a", "Content-Length: 4096"));

      assertThat(x.responses()).extracting(HardeningRig.Response::status).containsExactly(404);
      assertThat(x.closed()).isTrue();
    }
  }

  private static ForwardSpec maxBody(long bytes) {
    ForwardSpec d = ForwardSpec.DEFAULTS;
    return new ForwardSpec(d.rewrite(), d.regexRewrite(), d.hostRewrite(), d.autoHostRewrite(), d.addRequestHeaders(),
        d.removeRequestHeaders(), d.addResponseHeaders(), d.removeResponseHeaders(), d.timeoutMs(),
        d.connectTimeoutMs(), d.idleTimeoutMs(), d.grpc(), d.allowUpgrade(), OptionalLong.of(bytes));
  }
}
