package io.dragoman.gateway.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.StreamSinkConduit;

/**
 * Sits under Undertow's parser on every public HTTP/1.1 connection and checks the bytes it reads with
 * {@link Http1Framing}. A framing violation is answered {@code 400} and the connection closed; Undertow never sees
 * the refused request, and the requests before it on the connection are served first (their bytes are handed on,
 * the refusal waits for Undertow's next read, which comes once it has answered them). A request head still
 * incomplete after the head timeout is answered {@code 408} and the connection closed. Under the gateway's own
 * HTTP/1.1 server the check is deferred until that server gives up the bytes it holds (see {@link #defer}).
 *
 * <p>Both answers are written raw on the socket (no exchange exists yet), in the gateway's JSON error shape. The
 * timer costs what Undertow's own parse timeout did: it is only armed when a head spans reads, and re-armed lazily.
 * The clock of a head starts when Undertow asks for it (see {@link Http1Framing#headClockPending}).
 */
final class FramingConduit extends ReadingSourceConduit implements Runnable {
  private final StreamConnection connection;
  private final StreamSinkConduit socket;
  private final long headTimeoutMs;
  private final Http1Framing framing = new Http1Framing();
  private XnioExecutor.Key timer;
  private String refusal; // a violation found behind requests Undertow has yet to answer
  private boolean deferred; // see defer()

  private FramingConduit(StreamConnection connection, long headTimeoutMs) {
    super(connection.getSourceChannel().getConduit());
    this.connection = connection;
    this.socket = connection.getSinkChannel().getConduit();
    this.headTimeoutMs = headTimeoutMs;
  }

  /** Installs the check on a just-accepted connection, before Undertow reads from it or writes to it. */
  static void install(StreamConnection connection, long headTimeoutMs) {
    FramingConduit conduit = new FramingConduit(connection, headTimeoutMs);
    connection.getSourceChannel().setConduit(conduit);
    connection.getSinkChannel().setConduit(new UpgradeWatch(conduit.socket, conduit.framing));
  }

  /**
   * For the gateway's own HTTP/1.1 server, before its first read: every message it serves itself passes its strict
   * parse, which holds heads to these rules and more (no folding, no chunked body, one plain {@code Content-Length},
   * no upgrade), so its reads are not fed to the check. What it does not serve, and a head it must wait for (the head
   * timeout needs the check's clock), it gives to {@link #catchUp} first; from then on every byte is fed as usual.
   */
  void defer() {
    deferred = true;
  }

  boolean deferred() {
    return deferred;
  }

  /**
   * Ends the deferral. {@code unread}: the bytes read and not consumed (read mode, starting at a message boundary,
   * since all before them were messages the own server served whole), or null. They are fed to the check as if just
   * read: a rule broken further on cuts {@code unread} before that message, whose refusal waits for the next read;
   * one broken by the first message is answered at once. False when the connection is closed (answered).
   */
  boolean catchUp(ByteBuffer unread) {
    deferred = false;
    if (unread == null || !unread.hasRemaining() || framing.passive()) return true;
    int start = unread.position();
    int cut = framing.feed(unread, start, unread.limit());
    if (cut < 0) return true;
    if (cut > start) {
      refusal = framing.violation();
      unread.limit(cut);
      return true;
    }
    // The first message broke a rule. It began in this feed (nothing was fed before), so it can be answered.
    refuse(Failure.BAD_REQUEST, framing.violation());
    return false;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (deferred) return next.read(dst);
    if (refusal != null) return refuse(Failure.BAD_REQUEST, refusal);
    if (framing.headClockPending()) {
      framing.startHeadClock(System.currentTimeMillis());
      if (timer == null) arm(headTimeoutMs);
    }
    int start = dst.position();
    int n = next.read(dst);
    if (n <= 0 || framing.passive()) return n;
    int cut = framing.feed(dst, start, start + n);
    if (cut < 0) return n;
    dst.position(cut);
    if (cut > start) {
      refusal = framing.violation();
      return cut - start;
    }
    if (!framing.answerable()) {
      IoUtils.safeClose(connection); // the request's head went upstream already: only a cut is honest now
      return -1;
    }
    return refuse(Failure.BAD_REQUEST, framing.violation());
  }

  /**
   * With a refusal pending, Undertow has all the bytes it will get and waits for more once it has answered them:
   * none will come from the socket, so its read listener is woken instead, and its next read is refused.
   */
  @Override
  public void resumeReads() {
    if (refusal != null) {
      next.wakeupReads();
    } else {
      next.resumeReads();
    }
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      if (dsts[i].hasRemaining()) return read(dsts[i]);
    }
    return 0;
  }



  /** The head timer: fires on the connection's I/O thread, the one that reads, so no locking is needed. */
  @Override
  public void run() {
    timer = null;
    if (!connection.isOpen() || !framing.headInProgress() || framing.headClockPending()) return;
    long left = framing.headStartedAt() + headTimeoutMs - System.currentTimeMillis();
    if (left > 0) {
      arm(left);
      return;
    }
    refuse(Failure.REQUEST_TIMEOUT, "request head not received within " + headTimeoutMs + " ms");
  }

  private void arm(long delayMs) {
    try {
      timer = connection.getIoThread().executeAfter(this, delayMs, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      IoUtils.safeClose(connection); // the listener is shutting down: this connection is about to be closed anyway
    }
  }

  /** Writes the answer if the socket takes it at once (it is small and nothing else is queued), then closes. */
  private int refuse(Failure failure, String message) {
    ByteBuffer answer = ByteBuffer.wrap(answer(failure, message));
    try {
      while (answer.hasRemaining() && socket.write(answer) > 0) {
        // a fresh connection's socket buffer takes the whole answer in one write
      }
      socket.terminateWrites();
      socket.flush();
    } catch (IOException e) {
      // the client is gone: nothing to answer
    }
    IoUtils.safeClose(connection);
    return -1;
  }

  static byte[] answer(Failure failure, String message) {
    byte[] body = ErrorResponses.json(message);
    String head = "HTTP/1.1 " + failure.status() + " " + phrase(failure) + "\r\n"
        + "Content-Type: application/json\r\n"
        + Failure.REASON_HEADER + ": " + failure.reason() + "\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  private static String phrase(Failure failure) {
    return failure == Failure.REQUEST_TIMEOUT ? "Request Timeout" : "Bad Request";
  }

  /**
   * Reads the status line of the answer to a request that asked to upgrade: 101 ends HTTP/1.1 on the connection,
   * anything else leaves it followed. Otherwise one volatile read per write.
   */
  private static final class UpgradeWatch extends AbstractStreamSinkConduit<StreamSinkConduit> {
    private static final byte[] SWITCHED = "HTTP/1.1 101".getBytes(StandardCharsets.ISO_8859_1);
    private final Http1Framing framing;

    UpgradeWatch(StreamSinkConduit next, Http1Framing framing) {
      super(next);
      this.framing = framing;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (framing.upgradePending()) watch(src);
      return next.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      if (framing.upgradePending()) watch(first(srcs, offset, length));
      return next.write(srcs, offset, length);
    }

    @Override
    public int writeFinal(ByteBuffer src) throws IOException {
      if (framing.upgradePending()) watch(src);
      return next.writeFinal(src);
    }

    @Override
    public long writeFinal(ByteBuffer[] srcs, int offset, int length) throws IOException {
      if (framing.upgradePending()) watch(first(srcs, offset, length));
      return next.writeFinal(srcs, offset, length);
    }

    private static ByteBuffer first(ByteBuffer[] srcs, int offset, int length) {
      for (int i = offset; i < offset + length; i++) if (srcs[i].hasRemaining()) return srcs[i];
      return null;
    }

    private void watch(ByteBuffer b) {
      if (b == null || !b.hasRemaining()) return;
      boolean switched = b.remaining() >= SWITCHED.length;
      for (int i = 0; switched && i < SWITCHED.length; i++) switched = b.get(b.position() + i) == SWITCHED[i];
      framing.upgradeAnswered(switched);
    }
  }
}
