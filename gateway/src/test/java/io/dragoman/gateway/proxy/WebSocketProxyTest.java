package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.Mapping;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code allow_upgrade: [websocket]}: the handshake and the upgraded stream pass both ways; otherwise stripped. */
class WebSocketProxyTest {
  private final MockWebServer upstream = new MockWebServer();
  private final OkHttpClient okhttp = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(10)).build();
  private ProxyHarness gateway;

  @BeforeEach
  void start() throws IOException {
    upstream.start();
    gateway = new ProxyHarness();
  }

  @AfterEach
  void stop() {
    okhttp.dispatcher().executorService().shutdown();
    okhttp.connectionPool().evictAll();
    gateway.close();
    upstream.close();
  }

  private void route(List<String> allowUpgrade) {
    gateway.routes(Mapping.builder("ws", "/ws/", gateway.service("chat.ns", 80, upstream.getPort()))
        .forward(ProxyHarness.forward("/socket/", OptionalLong.of(1000), false, allowUpgrade)).build());
  }

  /** The upstream echoes each text message back with a prefix. */
  private static final class Echo extends WebSocketListener {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @Override
    public void onMessage(WebSocket socket, String text) {
      received.add(text);
      socket.send("echo:" + text);
    }

    @Override
    public void onClosing(WebSocket socket, int code, String reason) {
      socket.close(code, reason);
    }
  }

  /** What the client saw. */
  private static final class Client extends WebSocketListener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void onOpen(WebSocket socket, Response response) {
      events.add("open " + response.code());
    }

    @Override
    public void onMessage(WebSocket socket, String text) {
      events.add(text);
    }

    @Override
    public void onClosed(WebSocket socket, int code, String reason) {
      events.add("closed " + code + " " + reason);
    }

    @Override
    public void onFailure(WebSocket socket, Throwable t, Response response) {
      events.add("failure " + t + (response == null ? "" : " " + response.code()));
    }
  }

  @Test
  void upgradedStreamCarriesMessagesBothWaysPastTheRequestTimeout() throws Exception {
    route(List.of("websocket"));
    Echo echo = new Echo();
    upstream.enqueue(new MockResponse.Builder().webSocketUpgrade(echo).build());
    Client client = new Client();

    WebSocket socket = okhttp.newWebSocket(
        new Request.Builder().url("ws://127.0.0.1:" + gateway.port() + "/ws/room1").build(), client);

    assertThat(client.events.poll(10, TimeUnit.SECONDS)).isEqualTo("open 101");
    RecordedRequest handshake = upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(handshake.getTarget()).isEqualTo("/socket/room1");
    assertThat(handshake.getHeaders().get("Upgrade")).isEqualTo("websocket");
    assertThat(handshake.getHeaders().get("Connection")).isEqualToIgnoringCase("upgrade");
    assertThat(handshake.getHeaders().get("Sec-WebSocket-Key")).isNotEmpty();

    socket.send("hello");
    assertThat(echo.received.poll(5, TimeUnit.SECONDS)).isEqualTo("hello");
    assertThat(client.events.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:hello");
    // The route's 1 s request timeout ends at the upgrade: the stream outlives it, with nothing cut.
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(client.events::isEmpty);
    socket.send("again");
    assertThat(echo.received.poll(5, TimeUnit.SECONDS)).isEqualTo("again");
    assertThat(client.events.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:again");
    socket.close(1000, "bye");
    assertThat(client.events.poll(5, TimeUnit.SECONDS)).isEqualTo("closed 1000 bye");
  }

  /**
   * After the 101 the bytes are WebSocket frames, not HTTP/1.1: the gateway's framing checks (FramingConduit) stop.
   * A zero mask key leaves the payload as written, bytes a request head would be refused for.
   */
  @Test
  void upgradedBytesThatWouldBeBadHttpFramingPassUntouched() throws Exception {
    route(List.of("websocket"));
    Echo echo = new Echo();
    upstream.enqueue(new MockResponse.Builder().webSocketUpgrade(echo).build());
    String text = "x\r\n folded\r\n-5\r\n";

    try (java.net.Socket s = new java.net.Socket("127.0.0.1", gateway.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(HardeningRig.latin1(HardeningRig.head("GET /ws/room1 HTTP/1.1", "Host: chat",
          "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==")));
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) head.append((char) s.getInputStream().read());
      java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
      frame.write(0x81); // FIN, text
      frame.write(0x80 | text.length()); // masked, short length
      frame.write(new byte[4]); // mask key 0
      frame.write(HardeningRig.latin1(text));
      s.getOutputStream().write(frame.toByteArray());

      assertThat(head.toString()).startsWith("HTTP/1.1 101 ");
      assertThat(echo.received.poll(5, TimeUnit.SECONDS)).isEqualTo(text);
    }
  }

  @Test
  void withoutPermissionUpgradeStaysStripped() throws Exception {
    route(List.of());
    upstream.enqueue(new MockResponse.Builder().code(200).body("plain").build());

    // java.net.http refuses to set Upgrade itself, so the raw handshake headers go by a plain socket.
    String response;
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", gateway.port())) {
      s.getOutputStream().write(("GET /ws/room1 HTTP/1.1\r\nHost: chat\r\nConnection: Upgrade\r\n"
          + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.setSoTimeout(5000);
      byte[] buf = new byte[4096];
      int n = s.getInputStream().read(buf);
      response = new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
    }

    assertThat(response).startsWith("HTTP/1.1 200 ");
    RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getHeaders().get("Upgrade")).isNull();
    assertThat(seen.getHeaders().get("Connection")).isNull();
  }
}
