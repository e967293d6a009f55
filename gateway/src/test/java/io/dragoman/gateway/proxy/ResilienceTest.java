package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.CircuitBreaker;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.RetryPolicy;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code retry_policy} and {@code circuit_breakers} over real sockets. */
class ResilienceTest {
  private final MockWebServer upstream = new MockWebServer();
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private ProxyHarness gateway;

  @BeforeEach
  void start() throws IOException {
    upstream.start();
    gateway = new ProxyHarness();
  }

  @AfterEach
  void stop() {
    gateway.close();
    upstream.close();
  }

  private void route(Optional<RetryPolicy> retry, List<CircuitBreaker> breakers) {
    gateway.routes(Mapping.builder("models", "/m/", gateway.service("models.ns", 80, upstream.getPort()))
        .forward(ProxyHarness.forward("/", OptionalLong.of(3000), false, List.of()))
        .policies(ProxyHarness.policies(false, retry, breakers)).build());
  }

  private HttpResponse<String> post(String body) throws Exception {
    return client.send(HttpRequest.newBuilder(gateway.url("/m/predict"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void retriesOn503ThenRelaysTheSuccessWithTheSameBody() throws Exception {
    route(Optional.of(new RetryPolicy("5xx", 2, OptionalLong.empty())), List.of());
    upstream.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    upstream.enqueue(new MockResponse.Builder().code(200).body("ok").build());

    HttpResponse<String> r = post("{\"x\": 1}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok");
    assertThat(upstream.getRequestCount()).isEqualTo(2);
    assertThat(upstream.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).isEqualTo("{\"x\": 1}");
    assertThat(upstream.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).isEqualTo("{\"x\": 1}");
    assertThat(gateway.listener.get("retried:models")).isEqualTo(1);
  }

  @Test
  void retriesStopAtNumRetriesAndTheLastAnswerIsRelayed() throws Exception {
    route(Optional.of(new RetryPolicy("gateway-error", 1, OptionalLong.empty())), List.of());
    upstream.enqueue(new MockResponse.Builder().code(503).body("busy 1").build());
    upstream.enqueue(new MockResponse.Builder().code(502).body("busy 2").build());

    HttpResponse<String> r = client.send(HttpRequest.newBuilder(gateway.url("/m/get")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).isEqualTo("busy 2");
    assertThat(upstream.getRequestCount()).isEqualTo(2);
  }

  @Test
  void streamedLargePostIsNeverRetried() throws Exception {
    route(Optional.of(new RetryPolicy("5xx", 3, OptionalLong.empty())), List.of());
    upstream.enqueue(new MockResponse.Builder().code(503).body("busy").build());
    upstream.enqueue(new MockResponse.Builder().code(200).body("must not be reached").build());
    String big = "y".repeat(ProxyExchange.MAX_RETRY_BODY_BYTES + 1);

    HttpResponse<String> r = post(big);

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("busy");
    assertThat(upstream.getRequestCount()).isEqualTo(1);
    assertThat(upstream.takeRequest(5, TimeUnit.SECONDS).getBodySize()).isEqualTo(big.length());
    assertThat(gateway.listener.get("retried:models")).isZero();
  }

  @Test
  void perTryTimeoutAbandonsASlowTryAndRetries() throws Exception {
    route(Optional.of(new RetryPolicy("5xx", 1, OptionalLong.of(300))), List.of());
    upstream.enqueue(new MockResponse.Builder().code(200).body("too late").headersDelay(5, TimeUnit.SECONDS).build());
    upstream.enqueue(new MockResponse.Builder().code(200).body("second try").build());

    HttpResponse<String> r = client.send(HttpRequest.newBuilder(gateway.url("/m/get")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("second try");
    assertThat(upstream.getRequestCount()).isEqualTo(2);
    assertThat(gateway.listener.get("retried:models")).isEqualTo(1);
  }

  @Test
  void perTryTimeoutWithoutRetriesLeftIs504() throws Exception {
    route(Optional.of(new RetryPolicy("connect-failure", 1, OptionalLong.of(300))), List.of());
    upstream.enqueue(new MockResponse.Builder().code(200).body("too late").headersDelay(5, TimeUnit.SECONDS).build());

    HttpResponse<String> r = client.send(HttpRequest.newBuilder(gateway.url("/m/get")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.headers().firstValue("x-dragoman-reason")).contains("UT");
    assertThat(upstream.getRequestCount()).isEqualTo(1);
  }

  @Test
  void circuitBreakerMaxRequestsOverflowsWith503Uo() throws Exception {
    route(Optional.empty(), List.of(new CircuitBreaker(1024, 1024, 1, 3)));
    upstream.enqueue(new MockResponse.Builder().code(200).body("slow").headersDelay(1500, TimeUnit.MILLISECONDS)
        .build());
    upstream.enqueue(new MockResponse.Builder().code(200).body("after").build());

    CompletableFuture<HttpResponse<String>> first = client.sendAsync(
        HttpRequest.newBuilder(gateway.url("/m/a")).build(), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.getRequestCount() == 1);
    HttpResponse<String> second = client.send(HttpRequest.newBuilder(gateway.url("/m/b")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(second.headers().firstValue("x-dragoman-reason")).contains("UO");
    assertThat(first.get(5, TimeUnit.SECONDS).body()).isEqualTo("slow");
    assertThat(upstream.getRequestCount()).isEqualTo(1);
    assertThat(gateway.listener.get("failure:UO")).isEqualTo(1);
    // The slot comes back when the first exchange ends.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(client.send(
        HttpRequest.newBuilder(gateway.url("/m/c")).build(), HttpResponse.BodyHandlers.ofString()).body())
        .isEqualTo("after"));
  }
}
