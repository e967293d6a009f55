package io.dragoman.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dragoman.gateway.routing.AdminFixtures;
import io.dragoman.gateway.routing.RouteTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServerTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Health health = new Health();
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final AtomicReference<RouteTable> table = new AtomicReference<>(AdminFixtures.canaryTable());
  private AdminServer server;

  @BeforeEach
  void start() {
    server = startServer(table::get);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private AdminServer startServer(Supplier<RouteTable> tables) {
    AdminServer s =
        new AdminServer(
            "127.0.0.1",
            0,
            tables,
            () -> new DiagInfo("default", "ambassador", "0.1.0-test", health.ready(),
                DiagnosticsJsonTest.INFO.startedAt()),
            health,
            metrics);
    s.start();
    return s;
  }

  private HttpResponse<String> send(AdminServer s, String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(server, "GET", path);
  }

  private static String contentType(HttpResponse<?> r) {
    return r.headers().firstValue("content-type").orElse("");
  }

  private static String error(HttpResponse<String> r) throws Exception {
    assertThat(contentType(r)).isEqualTo("application/json");
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.size()).isEqualTo(1);
    return body.get("error").asText();
  }

  @Test
  void boundToAnEphemeralPort() {
    assertThat(server.port()).isPositive().isNotEqualTo(0);
  }

  @Test
  void aliveWhileChecksPass() throws Exception {
    HttpResponse<String> r = get("/ambassador/v0/check_alive");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).isEqualTo("text/plain; charset=utf-8");
    assertThat(r.body()).isEqualTo("ok\n");
  }

  @Test
  void notAliveNamesTheFailingChecks() throws Exception {
    AtomicBoolean loopOk = new AtomicBoolean(true);
    health.addLivenessCheck("event-loop", loopOk::get);
    health.addLivenessCheck("builder", () -> false);

    HttpResponse<String> r = get("/ambassador/v0/check_alive");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(error(r)).isEqualTo("liveness checks failing: builder");

    loopOk.set(false);
    assertThat(error(get("/ambassador/v0/check_alive")))
        .isEqualTo("liveness checks failing: builder, event-loop");
  }

  @Test
  void readinessFlips() throws Exception {
    HttpResponse<String> before = get("/ambassador/v0/check_ready");
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(error(before)).isEqualTo("not ready: no complete configuration live yet");

    health.markReady();
    HttpResponse<String> ready = get("/ambassador/v0/check_ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(contentType(ready)).isEqualTo("text/plain; charset=utf-8");
    assertThat(ready.body()).isEqualTo("ready\n");

    health.markDraining();
    HttpResponse<String> draining = get("/ambassador/v0/check_ready");
    assertThat(draining.statusCode()).isEqualTo(503);
    assertThat(error(draining)).isEqualTo("draining");
    // Draining still means alive: the pod must finish its in-flight work, not be restarted.
    assertThat(get("/ambassador/v0/check_alive").statusCode()).isEqualTo(200);
  }

  @Test
  void diagHtml() throws Exception {
    for (String path : new String[] {"/ambassador/v0/diag/", "/ambassador/v0/diag"}) {
      HttpResponse<String> r = get(path);

      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(contentType(r)).as(path).isEqualTo("text/html; charset=utf-8");
      assertThat(r.headers().firstValue("cache-control")).as(path).hasValue("no-store");
      assertThat(r.body()).as(path).startsWith("<!DOCTYPE html>").contains("generation 7")
          .contains("mnist-v1.kubeflow:80</code> 90.00%");
    }
  }

  @Test
  void diagJson() throws Exception {
    health.markReady();
    for (String path : new String[] {"/ambassador/v0/diag/?json=true", "/ambassador/v0/diag?json=true"}) {
      HttpResponse<String> r = get(path);

      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(contentType(r)).as(path).isEqualTo("application/json");
      JsonNode root = JSON.readTree(r.body());
      assertThat(root.get("generation").asLong()).isEqualTo(7);
      assertThat(root.get("ready").asBoolean()).isTrue();
      assertThat(root.get("routes").get(0).get("upstreams").get(1).get("weight").asDouble()).isEqualTo(10.0);
      assertThat(root.get("errors").get(0).get("object").asText()).isEqualTo("broken.default.2");
    }
  }

  @Test
  void diagFollowsTheLiveTable() throws Exception {
    table.set(RouteTable.empty());

    JsonNode root = JSON.readTree(get("/ambassador/v0/diag/?json=true").body());
    assertThat(root.get("generation").asLong()).isZero();
    assertThat(root.get("routes")).isEmpty();
  }

  @Test
  void diagWithJsonFalseIsHtml() throws Exception {
    assertThat(contentType(get("/ambassador/v0/diag/?json=false"))).isEqualTo("text/html; charset=utf-8");
  }

  @Test
  void metrics() throws Exception {
    metrics.requestCompleted("m", "ns", "GET", 200, 0.01);
    metrics.requestCompleted("m", "ns", "GET", 200, 0.02);
    metrics.tableSwapped(table.get());

    HttpResponse<String> r = get("/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body().lines())
        .contains(
            "dragoman_requests_total{code=\"200\",mapping=\"m\",method=\"GET\",namespace=\"ns\"} 2.0",
            "dragoman_routes 4.0");
  }

  @Test
  void unknownPathIs404Json() throws Exception {
    HttpResponse<String> r = get("/ambassador/v0/nope");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(error(r)).isEqualTo("no admin endpoint at /ambassador/v0/nope");
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/metrics/").statusCode()).isEqualTo(404);
  }

  @Test
  void otherMethodsAre405Json() throws Exception {
    for (String method : new String[] {"POST", "PUT", "DELETE"}) {
      HttpResponse<String> r = send(server, method, "/ambassador/v0/check_ready");

      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(r.headers().firstValue("allow")).as(method).hasValue("GET, HEAD");
      assertThat(error(r)).as(method).isEqualTo("method " + method + " not allowed (expected: GET or HEAD)");
    }
  }

  @Test
  void headAnswersWithoutBody() throws Exception {
    HttpResponse<String> r = send(server, "HEAD", "/ambassador/v0/check_alive");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).isEqualTo("text/plain; charset=utf-8");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void aRenderingBugIsA500JsonAnswer() throws Exception {
    try (AdminServer broken =
        startServer(
            () -> {
              throw new IllegalStateException("bug");
            })) {
      HttpResponse<String> r = send(broken, "GET", "/ambassador/v0/diag/");

      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(error(r)).isEqualTo("internal error answering /ambassador/v0/diag/");
      // The rest of the admin port keeps working.
      assertThat(send(broken, "GET", "/ambassador/v0/check_alive").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void portBeforeStartIsAnError() {
    AdminServer s = new AdminServer("127.0.0.1", 0, table::get, () -> DiagnosticsJsonTest.INFO, health, metrics);

    assertThatThrownBy(s::port).isInstanceOf(IllegalStateException.class);
    s.close();
  }

  @Test
  void rejectsAnImpossiblePort() {
    assertThatThrownBy(
            () -> new AdminServer("127.0.0.1", 70000, table::get, () -> DiagnosticsJsonTest.INFO, health, metrics))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("admin port: 70000 (expected: 0-65535, 0 for any free port)");
  }

  @Test
  void closeReleasesThePort() throws Exception {
    int port = server.port();
    server.close();

    assertThatThrownBy(
            () ->
                CLIENT.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }
}
