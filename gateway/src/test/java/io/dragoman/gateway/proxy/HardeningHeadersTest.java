package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.proxy.HardeningRig.Response;
import java.util.List;
import java.util.Locale;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** Client forwarding claims cross only from a trusted proxy; hop-by-hop headers never cross. */
class HardeningHeadersTest {
  private static final String GET = head("GET /a HTTP/1.1", "Host: a");
  private static final String CLAIMS = head("GET /a HTTP/1.1", "Host: a", "X-Forwarded-For: 6.6.6.6",
      "X-Forwarded-Proto: https", "X-Forwarded-Host: public.example", "Forwarded: for=6.6.6.6", "X-Real-IP: 6.6.6.6",
      "Connection: keep-alive, X-Private", "X-Private: secret", "TE: trailers", "Upgrade: h2c");

  @Test
  void trustedProxyClaimsAreKeptAndForwardedForIsAppendedTo() throws Exception {
    try (HardeningRig rig = new HardeningRig(s -> s.withTrustedProxies(TrustedProxies.parse(List.of("127.0.0.1/32"))))) {
      assertThat(rig.first(CLAIMS).status()).isEqualTo(200);

      RecordedRequest seen = rig.upstream.takeRequest();
      assertThat(seen.getHeaders().values("X-Forwarded-For")).containsExactly("6.6.6.6, 127.0.0.1");
      assertThat(seen.getHeaders().get("X-Forwarded-Proto")).isEqualTo("https");
      assertThat(seen.getHeaders().get("X-Forwarded-Host")).isEqualTo("public.example");
      assertThat(seen.getHeaders().get("Forwarded")).isEqualTo("for=6.6.6.6");
      assertThat(seen.getHeaders().get("X-Real-IP")).isEqualTo("6.6.6.6");
      assertHopByHopRemoved(seen);
    }
  }

  @Test
  void untrustedPeerClaimsAreReplaced() throws Exception {
    try (HardeningRig rig = new HardeningRig(s -> s.withTrustedProxies(TrustedProxies.parse(List.of("10.0.0.0/8"))))) {
      assertThat(rig.first(CLAIMS).status()).isEqualTo(200);

      RecordedRequest seen = rig.upstream.takeRequest();
      assertThat(seen.getHeaders().values("X-Forwarded-For")).containsExactly("127.0.0.1");
      assertThat(seen.getHeaders().get("X-Forwarded-Proto")).isEqualTo("http");
      assertThat(seen.getHeaders().get("X-Forwarded-Host")).isEqualTo("a");
      assertThat(seen.getHeaders().get("Forwarded")).isNull();
      assertThat(seen.getHeaders().get("X-Real-IP")).isNull();
      assertHopByHopRemoved(seen);
    }
  }

  @Test
  void upstreamHopByHopHeadersStopAtTheGateway() throws Exception {
    try (HardeningRig rig = new HardeningRig()) {
      rig.upstream.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse.Builder().code(200)
              .addHeader("Connection", "keep-alive, X-Upstream-Private")
              .addHeader("X-Upstream-Private", "secret")
              .addHeader("Keep-Alive", "timeout=5")
              .addHeader("Proxy-Connection", "keep-alive")
              .addHeader("X-Kept", "one")
              .addHeader("X-Kept", "two")
              .body("ok")
              .build();
        }
      });

      List<Response> answers = rig.send(GET + GET).responses();

      assertThat(answers).hasSize(2); // the connection stayed usable
      for (Response r : answers) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.header("X-Upstream-Private")).isNull();
        assertThat(r.header("Keep-Alive")).isNull();
        assertThat(r.header("Proxy-Connection")).isNull();
        assertThat(r.header("Connection")).isEqualTo("keep-alive"); // the gateway's own, not the upstream's list
        assertThat(r.headers()).filteredOn(h -> h.toLowerCase(Locale.ROOT).startsWith("x-kept:")).hasSize(2);
      }
    }
  }

  private static void assertHopByHopRemoved(RecordedRequest seen) {
    assertThat(seen.getHeaders().get("X-Private")).isNull();
    assertThat(seen.getHeaders().get("TE")).isNull();
    assertThat(seen.getHeaders().get("Upgrade")).isNull();
    assertThat(seen.getHeaders().values("X-Request-Id")).hasSize(1);
  }
}
