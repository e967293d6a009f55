package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte-level framing tracker alone, fed in pieces as a socket would hand them over. */
class Http1FramingTest {
  private final Http1Framing framing = new Http1Framing();

  private int feed(String bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1));
    return framing.feed(b, 0, b.limit());
  }

  @Test
  void followsHeadsAndBodiesAcrossArbitrarySplits() {
    String stream = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n"
        + "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        + "POST /c HTTP/1.1\r\nHost: a\r\ntransfer-encoding:  Chunked \r\n\r\n3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n";
    for (int split = 1; split < stream.length(); split++) {
      Http1Framing f = new Http1Framing();
      ByteBuffer b = ByteBuffer.wrap(stream.getBytes(StandardCharsets.ISO_8859_1));

      assertThat(f.feed(b, 0, split)).as("split %d", split).isEqualTo(-1);
      assertThat(f.feed(b, split, b.limit())).as("split %d", split).isEqualTo(-1);
      assertThat(f.headInProgress()).isFalse();
      assertThat(f.passive()).isFalse();
    }
  }

  /** Padding can't hide a length: the request after a padded body is still followed. */
  @Test
  void paddedFramingHeadersAreStillRead() {
    String pad = " ".repeat(200);
    int cut = feed("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length:" + pad + "2" + pad + "\r\n\r\nok"
        + "POST /b HTTP/1.1\r\nTransfer-Encoding:" + pad + "chunked" + pad + "\r\n\r\n-5\r\n");

    assertThat(framing.violation()).isEqualTo("chunk size is not hex digits");
    assertThat(cut).isPositive();
  }

  @Test
  void aViolationCutsAtTheStartOfItsMessage() {
    String first = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";

    int cut = feed(first + "GET /b HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n");

    assertThat(cut).isEqualTo(first.length());
    assertThat(framing.violation()).isEqualTo("obsolete line folding in the request head");
    assertThat(framing.answerable()).isTrue();
  }

  @Test
  void aBodyViolationAfterTheHeadWasHandedOnIsNotAnswerable() {
    assertThat(feed("POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n")).isEqualTo(-1);

    assertThat(feed("-5\r\n")).isZero();
    assertThat(framing.violation()).isEqualTo("chunk size is not hex digits");
    assertThat(framing.answerable()).isFalse();
  }

  @Test
  void theHeadClockStartsWhenAskedAndStopsAtTheEndOfTheHead() {
    feed("\r\n"); // empty lines before a request line start nothing
    assertThat(framing.headInProgress()).isFalse();

    feed("GET / HTTP/1.1\r\n");
    assertThat(framing.headClockPending()).isTrue();
    framing.startHeadClock(10);
    feed("Host: a\r\n");

    assertThat(framing.headClockPending()).isFalse();
    assertThat(framing.headStartedAt()).isEqualTo(10);
    feed("\r\n");
    assertThat(framing.headInProgress()).isFalse();
    assertThat(framing.headStartedAt()).isEqualTo(-1);
  }

  @Test
  void anUpgradeRequestWaitsForItsAnswer() {
    assertThat(feed("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n")).isEqualTo(-1);
    assertThat(framing.upgradePending()).isTrue();
    assertThat(framing.passive()).isFalse();

    framing.upgradeAnswered(true);

    assertThat(framing.upgradePending()).isFalse();
    assertThat(framing.passive()).isTrue();
  }

  @Test
  void stopsFollowingAfterPriorKnowledgeOrAmbiguousFraming() {
    for (String head : new String[] {
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"}) {
      Http1Framing f = new Http1Framing();
      ByteBuffer b = ByteBuffer.wrap((head + "\u0081\u0000 5\r\n").getBytes(StandardCharsets.ISO_8859_1));

      assertThat(f.feed(b, 0, b.limit())).as(head).isEqualTo(-1);
      assertThat(f.passive()).as(head).isTrue();
    }
  }
}
