package io.dragoman.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as an operator runs it: start, serve, and drain on SIGTERM without failing a request. */
class GatewayProcessIT {
  private static final Pattern READY = Pattern.compile("routes on :(\\d+), admin on [^:]+:(\\d+)");

  @TempDir Path dir;
  private final MockWebServer upstream = new MockWebServer();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> output = new CopyOnWriteArrayList<>();
  private Process process;

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    upstream.close();
  }

  @Test
  void sigtermDrainsInFlightRequestsAndExitsZero() throws Exception {
    upstream.start();
    upstream.enqueue(new MockResponse.Builder().code(200).body("slow answer").headersDelay(3, TimeUnit.SECONDS).build());
    Files.writeString(dir.resolve("slow.yaml"),
        "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: slow}\nspec:\n  prefix: /slow/\n"
            + "  service: 127.0.0.1:" + upstream.getPort() + "\n  timeout_ms: 20000\n");

    int[] ports = startJar("--drain-seconds", "1");
    int port = ports[0];
    int adminPort = ports[1];
    assertThat(status(adminPort, "/ambassador/v0/check_ready")).isEqualTo(200);
    assertThat(output).as("run as java -jar, the I/O threads get their ordered key sets (proxy/SelectedKeys)")
        .noneMatch(l -> l.contains("hash order"));

    CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow/")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(upstream.takeRequest(10, TimeUnit.SECONDS)).isNotNull(); // the request reached the upstream

    long t0 = System.nanoTime();
    process.destroy(); // SIGTERM

    await().atMost(Duration.ofSeconds(5)).until(() -> status(adminPort, "/ambassador/v0/check_ready") == 503);
    HttpResponse<String> answered = inFlight.get(30, TimeUnit.SECONDS);
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.body()).isEqualTo("slow answer");
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited within the bound").isTrue();
    assertThat(process.exitValue()).as(String.join("\n", output)).isZero();
    System.out.printf("SIGTERM to exit: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void sigtermUnderLoadFailsNoRequestStartedDuringTheDrain() throws Exception {
    upstream.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
        return new MockResponse.Builder().code(200).body("ok").build();
      }
    });
    upstream.start();
    Files.writeString(dir.resolve("fast.yaml"),
        "apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata: {name: fast}\nspec:\n  prefix: /fast/\n"
            + "  service: 127.0.0.1:" + upstream.getPort() + "\n");
    int port = startJar("--drain-seconds", "2")[0];

    java.util.concurrent.atomic.AtomicLong sigterm = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    List<String> failedDuringDrain = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger okDuringDrain = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService load = java.util.concurrent.Executors.newFixedThreadPool(4);
    HttpClient keepAlive = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long drainNanos = TimeUnit.SECONDS.toNanos(2) - TimeUnit.MILLISECONDS.toNanos(300); // margin for the clock
    for (int i = 0; i < 4; i++) {
      load.submit(() -> {
        while (process.isAlive()) {
          long start = System.nanoTime();
          String outcome;
          try {
            HttpResponse<String> r = keepAlive.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fast/")).build(),
                HttpResponse.BodyHandlers.ofString());
            outcome = r.statusCode() == 200 ? null : r.statusCode() + " " + r.body();
          } catch (Exception e) {
            outcome = e.toString();
          }
          long since = start - sigterm.get();
          if (since >= 0 && since < drainNanos) {
            if (outcome == null) okDuringDrain.incrementAndGet();
            else failedDuringDrain.add(outcome);
          }
        }
        return null;
      });
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> upstream.getRequestCount() > 200);
    sigterm.set(System.nanoTime());
    process.destroy();

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    load.shutdown();
    assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    System.out.printf("SIGTERM under load: %d requests answered during the drain, %d failed%n",
        okDuringDrain.get(), failedDuringDrain.size());
    assertThat(failedDuringDrain).isEmpty();
    assertThat(okDuringDrain.get()).isPositive();
    assertThat(process.exitValue()).isZero();
  }

  @Test
  void theJarOpensToTheGatewayWhatItsIoThreadsReach() throws Exception {
    try (JarFile jar = new JarFile(Path.of("target", "dragoman-gateway.jar").toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Add-Opens")).isEqualTo("java.base/sun.nio.ch");
    }
  }

  /** Starts the packaged jar on free ports with the test's config folder; returns {public port, admin port}. */
  private int[] startJar(String... extra) throws Exception {
    Path jar = Path.of("target", "dragoman-gateway.jar").toAbsolutePath();
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
        "--config", dir.toString(), "--port", "0", "--admin-port", "0", "--access-log", "off"));
    cmd.addAll(List.of(extra));
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) output.add(line);
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> output.stream().anyMatch(l -> READY.matcher(l).find()));
    Matcher m = output.stream().map(READY::matcher).filter(Matcher::find).findFirst().orElseThrow();
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
  }

  private int status(int port, String path) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
