package io.dragoman.kubeflow.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(HealthServer s, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void livenessAlwaysAndReadinessFromTheSupplier() throws Exception {
    AtomicBoolean ready = new AtomicBoolean();
    try (HealthServer s = new HealthServer("127.0.0.1", 0, ready::get)) {
      s.start();
      assertThat(get(s, "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> notYet = get(s, "/readyz");
      assertThat(notYet.statusCode()).isEqualTo(503);
      assertThat(notYet.body()).isEqualTo("not ready\n");
      ready.set(true);
      HttpResponse<String> now = get(s, "/readyz");
      assertThat(now.statusCode()).isEqualTo(200);
      assertThat(now.body()).isEqualTo("ok\n");
    }
  }
}
