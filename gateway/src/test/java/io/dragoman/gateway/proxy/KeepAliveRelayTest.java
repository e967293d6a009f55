package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static io.dragoman.gateway.proxy.HardeningRig.latin1;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.ProxyTestTables;
import io.dragoman.gateway.routing.RouteTable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive clients whose connection keeps its read interest while a request is relayed ({@link ClientReads}) and
 * bodies moved by {@link Pump}: whatever the client does meanwhile (wait, pipeline, hang up), every answer goes to
 * the right request, in order, and the gateway keeps serving.
 */
class KeepAliveRelayTest {
  private final MockWebServer upstream = new MockWebServer();
  private final LoopbackResolver resolver = new LoopbackResolver();
  private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.empty());
  private ProxyServer proxy;

  @BeforeEach
  void start() throws IOException {
    // Echoes method, path and body; a path under /slow/ is answered after 300 ms.
    upstream.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String sent = request.getBody() == null ? "" : request.getBody().utf8();
        String body = request.getMethod() + " " + request.getTarget() + " " + sent;
        MockResponse.Builder answer = new MockResponse.Builder().code(200).body(body);
        if (request.getTarget().startsWith("/slow/")) answer.headersDelay(300, TimeUnit.MILLISECONDS);
        if (request.getTarget().startsWith("/empty-chunked/")) answer.chunkedBody("", 8); // just "0\r\n\r\n"
        return answer.build();
      }
    });
    upstream.start();
    proxy = new ProxyServer(LoopbackSettings.quiet(), table::get, resolver, ProxyListener.NONE);
    proxy.start();
    resolver.route("svc.ns", 80, upstream.getPort());
    table.set(ProxyTestTables.of(Mapping.builder("all", "/", new ServiceRef("svc.ns:80", false, "svc.ns", 80)).build()));
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    upstream.close();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setSoTimeout(HardeningRig.READ_TIMEOUT_MS);
    return socket;
  }

  /** Sends one request on the connection and reads its one response. */
  private static HardeningRig.Response roundTrip(Socket socket, String request) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(latin1(request));
    out.flush();
    return HardeningRig.readResponses(socket.getInputStream(), 1).get(0);
  }

  private static String post(String path, String body) {
    return head("POST " + path + " HTTP/1.1", "Host: a", "Content-Length: " + body.length()) + body;
  }

  @Test
  void oneConnectionRelaysManyRequestsWithAndWithoutBodiesInTurn() throws IOException {
    try (Socket socket = connect()) {
      for (int i = 0; i < 100; i++) {
        String request = i % 3 == 0 ? head("GET /get/" + i + " HTTP/1.1", "Host: a") : post("/post/" + i, "body-" + i);

        HardeningRig.Response r = roundTrip(socket, request);
        assertThat(r.status()).as("request %d", i).isEqualTo(200);
        assertThat(r.body()).as("request %d", i).isEqualTo(i % 3 == 0 ? "GET /get/" + i + " " : "POST /post/" + i + " body-" + i);
      }
    }
    assertThat(upstream.getRequestCount()).isEqualTo(100);
  }

  @Test
  void anEmptyChunkedAnswerLeavesTheConnectionServing() throws IOException {
    try (Socket socket = connect()) {
      for (int i = 0; i < 3; i++) {
        HardeningRig.Response empty = roundTrip(socket, head("GET /empty-chunked/" + i + " HTTP/1.1", "Host: a"));
        assertThat(empty.status()).as("request %d", i).isEqualTo(200);
        assertThat(empty.body()).as("request %d", i).isEmpty();
        assertThat(empty.header("Connection")).as("request %d", i).isEqualTo("keep-alive");

        HardeningRig.Response next = roundTrip(socket, post("/after/" + i, "next"));
        assertThat(next.body()).as("request %d", i).isEqualTo("POST /after/" + i + " next");
      }
    }
  }

  @Test
  void requestsPipelinedWhileTheFirstIsRelayedAreAnsweredInOrder() throws IOException {
    try (Socket socket = connect()) {
      socket.getOutputStream().write(latin1(post("/slow/1", "one") + post("/2", "two") + post("/3", "three")));

      List<HardeningRig.Response> responses = HardeningRig.readResponses(socket.getInputStream(), 3);

      assertThat(responses).extracting(HardeningRig.Response::body)
          .containsExactly("POST /slow/1 one", "POST /2 two", "POST /3 three");
    }
  }

  @Test
  void aClientThatHangsUpMidRelayLeavesTheGatewayServingOthers() throws IOException {
    for (int i = 0; i < 20; i++) {
      try (Socket socket = connect()) {
        socket.getOutputStream().write(latin1(post("/slow/" + i, "gone")));
        socket.getOutputStream().flush();
      } // closed while the upstream takes 300 ms
    }

    try (Socket socket = connect()) {
      socket.getOutputStream().write(latin1(post("/after", "still here")));
      HardeningRig.Response r = HardeningRig.readResponses(socket.getInputStream(), 1).get(0);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("POST /after still here");
    }
  }
}
