package io.dragoman.gateway.proxy;

import static io.dragoman.gateway.proxy.HardeningRig.head;
import static io.dragoman.gateway.proxy.HardeningRig.latin1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dragoman.gateway.mapping.Mapping;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/**
 * The public connections' idle limit, kept by one sweep per I/O thread ({@link IdleSweep}): what counts as
 * activity, when a quiet connection goes, and that closed connections leave the sweep. The limit's basic cases are
 * in HardeningLimitsTest (an idle keep-alive connection, a client silent mid-body) and RelayReviewTest (a slow
 * upstream within the limit).
 */
class IdleSweepTest {
  private static final long LIMIT_MS = 400;

  private static HardeningRig rig() throws Exception {
    return rig(LIMIT_MS);
  }

  private static HardeningRig rig(long limitMs) throws Exception {
    HardeningRig rig = new HardeningRig(s -> s.withIdleConnectionTimeoutMs(limitMs)
        .withLimits(s.limits().withIdleStreamTimeoutMs(limitMs)));
    rig.routes(Mapping.builder("untimed", "/", rig.service("svc.ns", 80)).forward(HardeningRig.timeout(0)).build());
    return rig;
  }

  @Test
  void anUploadThatOutlastsTheLimitIsNotCutWhileItsBytesKeepComing() throws Exception {
    try (HardeningRig rig = rig();
        Socket socket = rig.connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(latin1(head("POST /trickle HTTP/1.1", "Host: a", "Content-Length: 8")));
      long start = System.nanoTime();
      for (char c : "abcdefgh".toCharArray()) {
        Thread.sleep(LIMIT_MS / 3); // the pacing is the input under test: never quiet for the limit
        out.write(c);
        out.flush();
      }

      HardeningRig.Response answer = HardeningRig.readResponses(socket.getInputStream(), 1).get(0);
      RecordedRequest seen = rig.upstream.takeRequest();

      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThan(2 * LIMIT_MS);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(seen.getBody().utf8()).isEqualTo("abcdefgh");
    }
  }

  @Test
  void aQuietConnectionIsClosedNoEarlierThanTheLimitAndWithinTwoSweepsOfIt() throws Exception {
    try (HardeningRig rig = rig();
        Socket socket = rig.connect()) {
      InputStream in = socket.getInputStream();
      long sent = System.nanoTime();
      socket.getOutputStream().write(latin1(head("GET /a HTTP/1.1", "Host: a")));
      HardeningRig.Response first = HardeningRig.readResponses(in, 1).get(0);
      long lastByte = System.nanoTime();

      int read = in.read();
      long closed = System.nanoTime();

      assertThat(first.status()).isEqualTo(200);
      assertThat(read).isEqualTo(-1);
      // The gateway's last activity lies between the request's sending and the answer's arrival here: measured from
      // the answer, the quiet time could look short by the answer's delivery (392 ms once, on a busy machine).
      assertThat((closed - sent) / 1_000_000).isGreaterThanOrEqualTo(LIMIT_MS);
      // the sweep runs every LIMIT_MS / 4: late by at most two periods, plus a scheduling margin
      assertThat((closed - lastByte) / 1_000_000).isLessThanOrEqualTo(LIMIT_MS + 2 * IdleSweep.periodFor(LIMIT_MS) + 400);
    }
  }

  /** HTTP/2 with prior knowledge: Undertow keeps no idle limit of its own there, the sweep is the only one. */
  @Test
  void aQuietHttp2ConnectionIsClosedAfterTheLimit() throws Exception {
    try (HardeningRig rig = rig();
        Socket socket = rig.connect()) {
      socket.getOutputStream().write(latin1("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
      socket.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
      long lastByte = System.nanoTime();
      InputStream in = socket.getInputStream();
      byte[] sink = new byte[256];
      int total = 0;
      for (int n; (n = in.read(sink)) >= 0; ) total += n; // the server's SETTINGS and ACK, then the end
      long quietMs = (System.nanoTime() - lastByte) / 1_000_000;

      assertThat(total).isPositive();
      assertThat(quietMs).isBetween(LIMIT_MS, LIMIT_MS + 2 * IdleSweep.periodFor(LIMIT_MS) + 400);
    }
  }

  @Test
  void connectionsLeaveTheSweepOnceClosed() throws Exception {
    try (HardeningRig rig = rig(60_000)) {
      List<Socket> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 10; i++) {
          Socket socket = new Socket(InetAddress.getLoopbackAddress(), rig.proxy.port());
          sockets.add(socket);
          socket.setSoTimeout(HardeningRig.READ_TIMEOUT_MS);
          socket.getOutputStream().write(latin1(head("GET /a HTTP/1.1", "Host: a")));
          assertThat(HardeningRig.readResponses(socket.getInputStream(), 1).get(0).status()).isEqualTo(200);
        }
        assertThat(rig.proxy.idleSweep().watched()).isEqualTo(10);
      } finally {
        for (Socket socket : sockets) socket.close();
      }

      // A minute before the idle limit would close them: the client's close is what removes them, at the next sweep.
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
          .until(() -> rig.proxy.idleSweep().watched() == 0);
    }
  }

  @Test
  void aConnectionTheGatewayClosesLeavesItsLaneAtOnceNotAtTheNextSweep() throws Exception {
    try (HardeningRig rig = rig(3_600_000)) { // a sweep every second
      for (int i = 0; i < 5; i++) {
        try (Socket socket = rig.connect()) {
          socket.getOutputStream().write(latin1(head("GET /a HTTP/1.1", "Host: a", "Connection: close")));

          HardeningRig.Exchange x = HardeningRig.readResponses(socket.getInputStream());

          assertThat(x.only().status()).isEqualTo(200);
          assertThat(x.closed()).isTrue();
        }
        // Its close listener takes it out: waiting for the sweep would take up to a second, five times over.
        await().atMost(Duration.ofMillis(100)).pollInterval(Duration.ofMillis(5))
            .until(() -> rig.proxy.idleSweep().watched() == 0);
      }
    }
  }

  @Test
  void theSweepPeriodIsAQuarterOfTheLimitWithinTenMillisecondsAndOneSecond() {
    assertThat(IdleSweep.periodFor(400)).isEqualTo(100);
    assertThat(IdleSweep.periodFor(20)).isEqualTo(10);
    assertThat(IdleSweep.periodFor(3_600_000)).isEqualTo(1_000);
  }
}
