package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static io.dragoman.gateway.proxy.HardeningRig.latin1;
import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ServiceRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay without epoll_ctl ({@link ClientReads}, {@link Pump}) at its edges: a client read interest kept while an
 * upstream is slow must not arm the client's idle limit, bodies larger than every buffer move whole under
 * backpressure both ways, a half-closed client still gets its answer, an upstream may answer before it reads.
 */
class RelayReviewTest {

  private static HardeningRig rigWithIdleLimit(long idleMs) throws IOException {
    HardeningRig rig = new HardeningRig(s -> s.withIdleConnectionTimeoutMs(idleMs)
        .withLimits(s.limits().withIdleStreamTimeoutMs(idleMs)));
    rig.upstream.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (!request.getTarget().startsWith("/slow")) return new MockResponse.Builder().code(200).body("soon").build();
        return new MockResponse.Builder().code(200).body("late")
            .headersDelay(idleMs / 3, TimeUnit.MILLISECONDS).build();
      }
    });
    return rig;
  }

  @Test
  void aSlowRequestAfterAFastOneOnTheSameConnectionIsStillAnswered() throws IOException {
    // Answers within the idle limit, on a connection whose read interest ClientReads keeps registered: the idle
    // timer must not cut them. (Longer silence is cut: HardeningLimitsTest#clientSilentMidBodyIsCutByTheIdleStreamLimit.)
    try (HardeningRig rig = rigWithIdleLimit(900);
        Socket socket = rig.connect()) {
      socket.getOutputStream().write(latin1(head("GET /fast HTTP/1.1", "Host: a")));
      HardeningRig.Response first = HardeningRig.readResponses(socket.getInputStream(), 1).get(0);
      socket.getOutputStream().write(latin1(head("GET /slow HTTP/1.1", "Host: a")));
      HardeningRig.Response second = HardeningRig.readResponses(socket.getInputStream(), 1).get(0);
      socket.getOutputStream().write(latin1(head("POST /slow HTTP/1.1", "Host: a", "Content-Length: 3") + "abc"));
      HardeningRig.Response third = HardeningRig.readResponses(socket.getInputStream(), 1).get(0);

      assertThat(first.body()).isEqualTo("soon");
      assertThat(second.body()).isEqualTo("late");
      assertThat(third.body()).isEqualTo("late");
    }
  }

  private static HardeningRig rigTo(RawUpstream raw) throws IOException {
    HardeningRig rig = new HardeningRig();
    rig.resolver.route("raw.ns", 80, raw.port());
    ForwardSpec d = ForwardSpec.DEFAULTS;
    ForwardSpec patient = new ForwardSpec(d.rewrite(), d.regexRewrite(), d.hostRewrite(), d.autoHostRewrite(),
        d.addRequestHeaders(), d.removeRequestHeaders(), d.addResponseHeaders(), d.removeResponseHeaders(),
        OptionalLong.of(30_000), d.connectTimeoutMs(), d.idleTimeoutMs(), d.grpc(), d.allowUpgrade(),
        d.maxRequestBodyBytes());
    rig.routes(Mapping.builder("raw", "/", new ServiceRef("raw.ns:80", false, "raw.ns", 80)).forward(patient).build());
    return rig;
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }

  /** Echoes the body back, reading it slowly and writing it whole. */
  private static RawUpstream slowEcho() throws IOException {
    return new RawUpstream((head, in, out) -> {
      byte[] body = RawUpstream.readBody(head, in, 2);
      RawUpstream.answer(out, 200, body);
    });
  }

  private static HardeningRig.Response readSlowly(InputStream in) throws IOException {
    // a client that drains slowly at first, so the gateway's writes to it block
    RawUpstream.pause(300);
    return HardeningRig.readResponses(in, 1).get(0);
  }

  @Test
  void aLargeBodyGoesUpAndComesBackWholeWithBackpressureBothWaysThenTheConnectionServesAgain() throws Exception {
    byte[] body = random(4 << 20);
    try (RawUpstream raw = slowEcho(); HardeningRig rig = rigTo(raw);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), rig.proxy.port())) {
      socket.setSoTimeout(20_000);
      socket.setReceiveBufferSize(64 * 1024); // small enough that the gateway's writes block
      OutputStream out = socket.getOutputStream();
      out.write(latin1(head("POST /big HTTP/1.1", "Host: a", "Content-Length: " + body.length)));
      out.write(body);
      out.flush();

      HardeningRig.Response r = readSlowly(socket.getInputStream());
      out.write(latin1(head("POST /again HTTP/1.1", "Host: a", "Content-Length: 5") + "again"));
      HardeningRig.Response again = HardeningRig.readResponses(socket.getInputStream(), 1).get(0);

      assertThat(r.status()).isEqualTo(200);
      assertThat(sha(r.body().getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(sha(body));
      assertThat(again.body()).isEqualTo("again");
    }
  }

  @Test
  void aLargeChunkedBodyGoesUpWhole() throws Exception {
    byte[] body = random(3 << 20);
    try (RawUpstream raw = slowEcho(); HardeningRig rig = rigTo(raw);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), rig.proxy.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(latin1(head("POST /big HTTP/1.1", "Host: a", "Transfer-Encoding: chunked")));
      for (int at = 0; at < body.length; at += 10_000) {
        int n = Math.min(10_000, body.length - at);
        out.write(latin1(Integer.toHexString(n) + "\r\n"));
        out.write(body, at, n);
        out.write(latin1("\r\n"));
      }
      out.write(latin1("0\r\n\r\n"));
      out.flush();

      HardeningRig.Response r = readSlowly(socket.getInputStream());

      assertThat(r.status()).isEqualTo(200);
      assertThat(sha(r.body().getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(sha(body));
    }
  }

  @Test
  void aClientThatHalfClosesAfterItsRequestStillGetsTheWholeAnswer() throws Exception {
    byte[] answer = random(1 << 20);
    try (RawUpstream raw = new RawUpstream((head, in, out) -> {
          RawUpstream.readBody(head, in, 0);
          RawUpstream.pause(300);
          RawUpstream.answer(out, 200, answer);
        });
        HardeningRig rig = rigTo(raw);
        Socket socket = rig.connect()) {
      socket.getOutputStream().write(latin1(head("POST /x HTTP/1.1", "Host: a", "Content-Length: 2") + "hi"));
      socket.shutdownOutput();

      HardeningRig.Exchange x = HardeningRig.readResponses(socket.getInputStream());

      assertThat(x.responses()).hasSize(1);
      assertThat(sha(x.only().body().getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(sha(answer));
      assertThat(x.closed()).isTrue();
    }
  }

  @Test
  void anUpstreamThatAnswersBeforeReadingTheBodyLeavesTheClientWithItsAnswer() throws Exception {
    byte[] body = random(2 << 20);
    try (RawUpstream raw = new RawUpstream((head, in, out) -> {
          RawUpstream.answer(out, 200, latin1("early"));
          RawUpstream.readBody(head, in, 0); // then drains it, keeping the connection
        });
        HardeningRig rig = rigTo(raw);
        Socket socket = rig.connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(latin1(head("POST /x HTTP/1.1", "Host: a", "Content-Length: " + body.length)));
      out.write(body, 0, 1000);
      out.flush();
      HardeningRig.Response early = HardeningRig.readResponses(socket.getInputStream(), 1).get(0);
      out.write(body, 1000, body.length - 1000);
      out.write(latin1(head("GET /next HTTP/1.1", "Host: a")));
      out.flush();

      HardeningRig.Exchange rest = HardeningRig.readResponses(socket.getInputStream());

      assertThat(early.body()).isEqualTo("early");
      assertThat(rest.responses()).extracting(HardeningRig.Response::body).containsExactly("early");
    }
  }

  @ParameterizedTest
  @CsvSource({"Content-Length: 5,abcde", "Transfer-Encoding: chunked,5\\r\\nabcde\\r\\n0\\r\\n\\r\\n"})
  void aHeadWhoseBodyIsNotYetSentReachesTheUpstreamAtOnce(String framing, String body) throws Exception {
    // A client may wait for an answer to its head before it sends the body (an upload the upstream may refuse, without
    // Expect: 100-continue, which the gateway answers itself): the head must not wait for the body's first byte.
    BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    try (RawUpstream raw = new RawUpstream((head, in, out) -> {
          heads.add(head.substring(0, head.indexOf('\r')));
          RawUpstream.answer(out, 200, RawUpstream.readBody(head, in, 0));
        });
        HardeningRig rig = rigTo(raw);
        Socket socket = rig.connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(latin1(head("POST /x HTTP/1.1", "Host: a", framing)));
      out.flush();
      String arrived = heads.poll(HardeningRig.READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      out.write(latin1(body.replace("\\r\\n", "\r\n")));
      out.flush();
      HardeningRig.Response answer = HardeningRig.readResponses(socket.getInputStream(), 1).get(0);

      assertThat(arrived).isEqualTo("POST /x HTTP/1.1");
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("abcde");
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anEmptyChunkedBodyEndsUpstreamWithItsLastChunk(boolean withTheHead) throws Exception {
    // The head goes upstream saying chunked; a body that brings no data must still end with the last chunk, or the
    // upstream waits for it until the route's timeout.
    BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
    try (RawUpstream raw = new RawUpstream((head, in, out) -> {
          byte[] body = RawUpstream.readBody(head, in, 0);
          bodies.add(new String(body, StandardCharsets.ISO_8859_1));
          RawUpstream.answer(out, 200, latin1("got " + body.length));
        });
        HardeningRig rig = rigTo(raw);
        Socket socket = rig.connect()) {
      OutputStream out = socket.getOutputStream();
      String head = head("POST /x HTTP/1.1", "Host: a", "Transfer-Encoding: chunked");
      if (withTheHead) {
        out.write(latin1(head + "0\r\n\r\n"));
      } else {
        out.write(latin1(head));
        out.flush();
        out.write(latin1("0\r\n\r\n"));
      }
      out.flush();
      HardeningRig.Response answer = HardeningRig.readResponses(socket.getInputStream(), 1).get(0);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("got 0");
      assertThat(bodies.poll(HardeningRig.READ_TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEmpty();
    }
  }

  @Test
  void aResponseHeadWhoseBodyIsNotYetSentReachesTheClientAtOnce() throws Exception {
    // A stream (server-sent events, a long computation's progress) may send its head well before its first bytes:
    // here the body waits until the client has the head (the client's read times out first if it never comes).
    CountDownLatch headSeen = new CountDownLatch(1);
    try (RawUpstream raw = new RawUpstream((head, in, out) -> {
          out.write(latin1("HTTP/1.1 200 X\r\nTransfer-Encoding: chunked\r\n\r\n"));
          out.flush();
          try {
            headSeen.await(4L * HardeningRig.READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          out.write(latin1("5\r\nlater\r\n0\r\n\r\n"));
          out.flush();
        });
        HardeningRig rig = rigTo(raw);
        Socket socket = rig.connect()) {
      socket.getOutputStream().write(latin1(head("GET /events HTTP/1.1", "Host: a")));
      String head = RawUpstream.readHead(socket.getInputStream());
      headSeen.countDown();
      String body = RawUpstream.readHead(socket.getInputStream()); // the chunked body also ends with an empty line

      assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
      assertThat(body).contains("\r\nlater\r\n").endsWith("\r\n0\r\n\r\n"); // re-chunked: the size may read 05
    }
  }

  private static String sha(byte[] b) throws NoSuchAlgorithmException {
    return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}

