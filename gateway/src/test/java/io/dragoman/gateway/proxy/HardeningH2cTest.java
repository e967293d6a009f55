package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dragoman.gateway.mapping.Mapping;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * {@code Upgrade: h2c} is not accepted on the public listener: the request is answered as HTTP/1.1 and the upgrade
 * headers never reach the upstream. (An upgraded connection was served by Undertow's HTTP/2 code outside the
 * gateway's control: a client was left hanging when the upstream died mid-response.) Prior knowledge is covered by
 * {@link HardeningHttp2Test} and {@link GrpcProxyTest}.
 */
class HardeningH2cTest {
  private static final String SETTINGS = "AAMAAABkAARAAAAAAAIAAAAA";

  @AutoClose private final HardeningRig rig = HardeningRig.started();

  @Test
  void anH2cUpgradeIsAnsweredAsHttp11AndNotForwarded() throws Exception {
    HardeningRig.Response r = rig.first(head("GET /a HTTP/1.1", "Host: a", "Connection: Upgrade, HTTP2-Settings",
        "Upgrade: h2c", "HTTP2-Settings: " + SETTINGS, "X-After: 1"));

    assertThat(r.status()).isEqualTo(200); // not 101 Switching Protocols
    assertThat(r.body()).isEqualTo("ok");
    RecordedRequest seen = rig.upstream.takeRequest();
    assertThat(seen.getHeaders().get("Upgrade")).isNull();
    assertThat(seen.getHeaders().get("HTTP2-Settings")).isNull();
    assertThat(seen.getHeaders().get("X-After")).isEqualTo("1");
  }

  /** HTTP2-Settings is connection-specific even when Connection does not name it; h2c even on a route allowing it. */
  @Test
  void h2cIsNeverForwardedEvenOnARouteThatAllowsIt() throws Exception {
    rig.routes(Mapping.builder("up", "/", rig.service("svc.ns", 80))
        .forward(ProxyHarness.forward("/", OptionalLong.empty(), false, List.of("h2c", "websocket"))).build());

    HardeningRig.Response r = rig.first(
        head("GET /a HTTP/1.1", "Host: a", "Connection: Upgrade", "Upgrade: h2c", "HTTP2-Settings: " + SETTINGS));

    assertThat(r.status()).isEqualTo(200);
    RecordedRequest seen = rig.upstream.takeRequest();
    assertThat(seen.getHeaders().get("Upgrade")).isNull();
    assertThat(seen.getHeaders().get("HTTP2-Settings")).isNull();
  }

  /** The JDK client asks for h2c by default over http://: it gets HTTP/1.1, and a cut upstream cuts it at once. */
  @Test
  void anUpstreamDyingMidResponseCutsAClientThatAskedForH2c() throws Exception {
    try (MockWebServer dying = new MockWebServer()) {
      dying.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(new byte[256 * 1024]))
          .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build());
      dying.enqueue(new MockResponse.Builder().code(200).body("whole").build());
      dying.start();
      rig.routes(Mapping.builder("dying", "/", rig.service("dying.ns", 80, dying)).build());
      HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      URI uri = URI.create("http://127.0.0.1:" + rig.proxy.port() + "/big");
      HttpRequest request = HttpRequest.newBuilder(uri).GET().build();

      // Far longer than a prompt cut takes: a client left hanging ends in TimeoutException, which fails the test.
      assertThatThrownBy(() -> h2c.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
              .get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IOException.class);

      HttpResponse<String> next = h2c.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(next.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(next.body()).isEqualTo("whole");
      assertThat(dying.takeRequest().getHeaders().get("Upgrade")).isNull();
    }
  }
}
