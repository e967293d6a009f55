package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ServiceRef;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code shadow: true}: the shadow gets a copy, and nothing it does reaches the real exchange. */
class ShadowTest {
  private final MockWebServer real = new MockWebServer();
  private final MockWebServer shadow = new MockWebServer();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private ProxyHarness gateway;

  @BeforeEach
  void start() throws IOException {
    real.start();
    shadow.start();
    gateway = new ProxyHarness();
  }

  @AfterEach
  void stop() {
    gateway.close();
    real.close();
    shadow.close();
  }

  private void routes(ServiceRef shadowService, long shadowTimeoutMs) {
    Mapping live = Mapping.builder("live", "/api/", gateway.service("live.ns", 80, real.getPort()))
        .forward(ProxyHarness.forward("/v1/", OptionalLong.of(3000), false, List.of())).build();
    Mapping copy = Mapping.builder("mirror", "/api/", shadowService)
        .forward(ProxyHarness.forward("/mirror/", OptionalLong.of(shadowTimeoutMs), false, List.of()))
        .policies(ProxyHarness.policies(true, Optional.empty(), List.of()))
        .build();
    gateway.routes(live, copy);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(gateway.url(path)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shadowReceivesTheSameRequestUnderItsOwnRewriteWithMarkedHost() throws Exception {
    routes(gateway.service("mirror.ns", 8080, shadow.getPort()), 3000);
    real.enqueue(new MockResponse.Builder().code(200).body("real").build());
    shadow.enqueue(new MockResponse.Builder().code(500).body("shadow answer is dropped").build());
    String body = "{\"instances\": [1.0, 2.0, 5.0]}";

    HttpResponse<String> r = post("/api/predict?x=1", body);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("real");
    RecordedRequest live = real.takeRequest(5, TimeUnit.SECONDS);
    assertThat(live.getTarget()).isEqualTo("/v1/predict?x=1");
    assertThat(live.getHeaders().get("Host")).isEqualTo("127.0.0.1:" + gateway.port());
    RecordedRequest copy = shadow.takeRequest(5, TimeUnit.SECONDS);
    assertThat(copy.getMethod()).isEqualTo("POST");
    assertThat(copy.getTarget()).isEqualTo("/mirror/predict?x=1");
    assertThat(copy.getHeaders().get("Host")).isEqualTo("127.0.0.1-shadow:" + gateway.port());
    assertThat(copy.getHeaders().get("Content-Type")).isEqualTo("application/json");
    assertThat(copy.getHeaders().get("X-Request-Id")).isEqualTo(live.getHeaders().get("X-Request-Id"));
    assertThat(copy.getBody().utf8()).isEqualTo(body);
    assertThat(gateway.listener.counts).isEmpty();
  }

  @Test
  void hangingShadowDoesNotDelayTheRealResponse() throws Exception {
    routes(gateway.service("mirror.ns", 8080, shadow.getPort()), 20_000);
    real.enqueue(new MockResponse.Builder().code(200).body("fast").build());
    shadow.enqueue(new MockResponse.Builder().code(200).headersDelay(30, TimeUnit.SECONDS).build());

    long start = System.nanoTime();
    HttpResponse<String> r = post("/api/x", "payload");
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("fast");
    // The shadow got its copy and is still hanging (it would answer after 30 s, its own timeout is 20 s) ...
    RecordedRequest copy = shadow.takeRequest(5, TimeUnit.SECONDS);
    assertThat(copy.getBody().utf8()).isEqualTo("payload");
    // ... while the real request finished far inside its own 3 s timeout.
    assertThat(tookMs).isLessThan(2000);
    assertThat(gateway.listener.counts).isEmpty();
  }

  @Test
  void deadShadowNeverFailsTheRealRequest() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    routes(gateway.service("dead.ns", 8080, closedPort), 3000);
    for (int i = 0; i < 3; i++) real.enqueue(new MockResponse.Builder().code(201).body("ok" + i).build());

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = post("/api/x", "n" + i);
      assertThat(r.statusCode()).isEqualTo(201);
      assertThat(r.body()).isEqualTo("ok" + i);
      assertThat(real.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).isEqualTo("n" + i);
    }
    assertThat(gateway.listener.get("failure:UF")).isZero(); // a shadow's failure is not the route's failure
  }

  @Test
  void bodyOverTheCopyLimitGoesOnlyToTheRealUpstreamAndIsCounted() throws Exception {
    routes(gateway.service("mirror.ns", 8080, shadow.getPort()), 3000);
    real.enqueue(new MockResponse.Builder().code(200).body("big ok").build());
    String big = "x".repeat(Shadows.DEFAULT_MAX_BODY_BYTES + 1);

    HttpResponse<String> r = post("/api/upload", big);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(real.takeRequest(5, TimeUnit.SECONDS).getBodySize()).isEqualTo(big.length());
    assertThat(gateway.listener.get("shadowDropped:mirror")).isEqualTo(1);
    assertThat(shadow.getRequestCount()).isZero();
  }

  @Test
  void saturatedShadowUpstreamDropsCopiesInsteadOfQueueing() throws Exception {
    routes(gateway.service("mirror.ns", 8080, shadow.getPort()), 20_000);
    real.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).body("ok").build();
      }
    });
    shadow.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).headersDelay(30, TimeUnit.SECONDS).build();
      }
    });

    int copies = Shadows.DEFAULT_MAX_IN_FLIGHT + 3;
    for (int i = 0; i < copies; i++) {
      assertThat(client.send(HttpRequest.newBuilder(gateway.url("/api/q" + i)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    await().atMost(Duration.ofSeconds(10))
        .until(() -> shadow.getRequestCount() == Shadows.DEFAULT_MAX_IN_FLIGHT);
    assertThat(gateway.listener.get("shadowDropped:mirror")).isEqualTo(3);
  }
}
