package io.dragoman.gateway.proxy;

import io.undertow.conduits.ChunkedStreamSinkConduit;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.protocol.http.HttpAttachments;
import io.undertow.util.AbstractAttachable;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.function.Consumer;
import org.xnio.ChannelListeners;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.StreamSinkConduit;

/**
 * One request on the gateway's own HTTP/1.1 connection ({@link Http1ServerConnection}), as {@link DownstreamExchange}
 * describes it. Only requests {@link ClientHead} accepts get here: HTTP/1.1, origin-form, no body or a body of
 * declared length, no {@code Expect}, no {@code Upgrade}, not HEAD. Everything runs on the connection's I/O thread.
 *
 * <p>The exchange ends when the response is flushed whole and the request body is read (what nobody read is read
 * and dropped here, so the next request on the connection starts where it should); then the completion listeners
 * run, last registered first, and the connection goes on to its next request or closes.
 */
final class Http1ServerExchange extends AbstractAttachable implements DownstreamExchange {
  private static final String CLOSE = "close";
  private static final String KEEP_ALIVE = "keep-alive";

  private final Http1ServerConnection connection;
  private final ClientHead head;
  private final RequestBody body;
  private HeaderMap responseHeaders; // made when first asked for: a proxied response usually brings its own
  private int status = 200;
  private boolean persistent;
  private ConduitStreamSourceChannel requestChannel;
  private ConduitStreamSinkChannel responseChannel;
  private ResponseSink sink;
  private ArrayList<Runnable> commitListeners;
  private ArrayList<Runnable> completeListeners;
  private boolean committed;
  // The first attachments, found by identity: a proxied request carries three or four (route, path, request id,
  // failure), and an attachment map of its own per request cost more than they do. More go to the map.
  private AttachmentKey<?> key0, key1, key2, key3;
  private Object value0, value1, value2, value3;
  private boolean headOut;
  private long bytesSent;
  private boolean responseDone;
  private boolean completed;
  private boolean ending;
  // handler semantics: a handler that returns without dispatching ends the exchange
  private boolean inHandler;
  private boolean dispatched;
  private Runnable dispatchedTask;

  Http1ServerExchange(Http1ServerConnection connection, ClientHead head, RequestBody body) {
    this.connection = connection;
    this.head = head;
    this.body = body;
    this.persistent = !head.close;
    // Until a route sets its own, the listener's limit holds (as on Undertow's exchange): an early answer to a body
    // over it closes the connection rather than drain that body.
    body.maxBytes(connection.maxRequestBodyBytes());
  }

  /**
   * Runs {@code handler} as a root handler: if it returns without a {@link #dispatch}, the exchange ends; a task it
   * dispatched runs once it has returned, as a plain task (which ends nothing when it returns).
   */
  void runHandler(Runnable handler) {
    inHandler = true;
    dispatched = false;
    try {
      handler.run();
    } catch (RuntimeException | Error e) {
      inHandler = false;
      dispatchedTask = null;
      connection.handlerFailed(this, e);
      return;
    }
    inHandler = false;
    Runnable task = dispatchedTask;
    dispatchedTask = null;
    if (task == null) {
      if (!dispatched && !completed) end();
      return;
    }
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      connection.handlerFailed(this, e);
    }
  }

  // The request.

  @Override
  public HttpString method() {
    return head.method;
  }

  @Override
  public String requestUri() {
    return head.uri;
  }

  @Override
  public String queryString() {
    return head.query;
  }

  @Override
  public boolean isAbsoluteTarget() {
    return false;
  }

  @Override
  public HttpString protocol() {
    return Protocols.HTTP_1_1;
  }

  @Override
  public boolean isHttp11() {
    return true;
  }

  @Override
  public String scheme() {
    return "http";
  }

  @Override
  public HeaderMap requestHeaders() {
    return head.headers;
  }

  @Override
  public InetSocketAddress sourceAddress() {
    return connection.peer();
  }

  @Override
  public InetSocketAddress destinationAddress() {
    return connection.local();
  }

  @Override
  public long requestContentLength() {
    return head.headers.contains(Headers.CONTENT_LENGTH) ? head.contentLength : -1;
  }

  @Override
  public boolean headMeetsGuard() {
    return true;
  }

  @Override
  public boolean isRequestComplete() {
    return body.complete();
  }

  @Override
  public boolean isUpgrade() {
    return false;
  }

  @Override
  public boolean expectsContinue() {
    return false; // requests with Expect are Undertow's
  }

  @Override
  public void sendContinue(Runnable sent, Runnable failed) {
    throw new IllegalStateException("no 100 (Continue) on the gateway's own connection: Expect goes to Undertow");
  }

  @Override
  public void setMaxEntitySize(long bytes) {
    body.maxBytes(bytes);
  }

  @Override
  public long maxEntitySize() {
    return body.maxBytes();
  }

  @Override
  public void receiveFullBody(Consumer<byte[]> done, Consumer<IOException> failed) {
    long length = body.remaining();
    if (length > Integer.MAX_VALUE - 8) {
      failed.accept(new IOException("request body too large to hold: " + length + " bytes"));
      return;
    }
    FullBody reader = new FullBody(requestChannel(), (int) length, done, failed);
    if (!reader.readAvailable()) {
      requestChannel.getReadSetter().set(ch -> {
        if (reader.readAvailable()) {
          ch.getReadSetter().set(null);
          ch.suspendReads();
        }
      });
      requestChannel.resumeReads();
    }
  }

  /** Reads a body of known length whole; calls back once, as a root handler when it had to wait. */
  private final class FullBody {
    private final StreamSourceChannel channel;
    private final ByteBuffer into;
    private final Consumer<byte[]> done;
    private final Consumer<IOException> failed;
    private boolean waited;

    FullBody(StreamSourceChannel channel, int length, Consumer<byte[]> done, Consumer<IOException> failed) {
      this.channel = channel;
      this.into = ByteBuffer.allocate(length);
      this.done = done;
      this.failed = failed;
    }

    /** True once it has called back. */
    boolean readAvailable() {
      try {
        while (into.hasRemaining()) {
          int n = channel.read(into);
          if (n == 0) {
            waited = true;
            return false;
          }
          if (n < 0) throw new IOException("request body ended early");
        }
      } catch (IOException e) {
        callBack(() -> failed.accept(e));
        return true;
      }
      callBack(() -> done.accept(into.array()));
      return true;
    }

    private void callBack(Runnable r) {
      if (waited) runHandler(r);
      else r.run();
    }
  }

  @Override
  public StreamSourceChannel requestChannel() {
    if (requestChannel == null) requestChannel = new ConduitStreamSourceChannel(connection.channel(), body);
    return requestChannel;
  }

  @Override
  public long sendBufferedBody(StreamSinkChannel sink) throws IOException {
    // A channel handed out reads them its own way; and only a body that came whole is written from here: a part
    // of one is read by the pump with what follows it, to leave with the head in one write.
    return requestChannel == null && connection.buffered() >= body.remaining() ? body.writeBuffered(sink) : 0;
  }

  /** Reads stay registered on the connection while the exchange runs; a client's event then parks them. */
  @Override
  public void keepReadsRegistered() {
    if (body.complete()) connection.keepReadsRegistered();
  }

  // The response.

  @Override
  public int statusCode() {
    return status;
  }

  @Override
  public void setStatusCode(int status) {
    if (committed) throw new IllegalStateException("response already committed");
    this.status = status;
  }

  @Override
  public HeaderMap responseHeaders() {
    if (responseHeaders == null) responseHeaders = new HeaderMap();
    return responseHeaders;
  }

  @Override
  public boolean adoptResponseHeaders(HeaderMap headers) {
    if (committed || (responseHeaders != null && responseHeaders.size() != 0)) return false;
    responseHeaders = headers;
    return true;
  }

  @Override
  public void setResponseContentLength(long length) {
    responseHeaders().put(Headers.CONTENT_LENGTH, length);
  }

  /** As in Undertow: started once the response channel is handed out, its framing fixed, even before a byte. */
  @Override
  public boolean isResponseStarted() {
    return responseChannel != null || committed;
  }

  @Override
  public void closeAfterResponse() {
    persistent = false;
  }

  @Override
  public void onCommit(Runnable beforeCommit) {
    if (commitListeners == null) commitListeners = new ArrayList<>(2);
    commitListeners.add(beforeCommit);
  }

  @Override
  public void sendAndEnd(ByteBuffer content) {
    setResponseContentLength(content.remaining());
    ending = true;
    BodyWriter.write(responseChannel(), content, () -> {}, e -> closeConnection());
  }

  @Override
  public void end() {
    if (ending || completed) return;
    ending = true;
    if (responseChannel == null && !responseHeaders().contains(Headers.CONTENT_LENGTH)
        && !responseHeaders().contains(Headers.TRANSFER_ENCODING)) {
      responseHeaders().put(Headers.CONTENT_LENGTH, 0);
    }
    StreamSinkChannel channel = responseChannel();
    try {
      channel.shutdownWrites();
      if (channel.flush()) return;
      channel.getWriteSetter().set(ChannelListeners.flushingChannelListener(
          ch -> ch.suspendWrites(), (ch, e) -> closeConnection()));
      channel.resumeWrites();
    } catch (IOException e) {
      closeConnection();
    }
  }

  @Override
  public StreamSinkChannel responseChannel() {
    if (responseChannel == null) responseChannel = new ConduitStreamSinkChannel(connection.channel(), framedSink());
    return responseChannel;
  }

  /**
   * Decides the body's framing (as Undertow's server does when the channel is asked for): none for 1xx, 204 and
   * 304; the declared length; otherwise chunked.
   */
  private StreamSinkConduit framedSink() {
    if (status < 200 || status == 204 || status == 304) {
      responseHeaders().remove(Headers.TRANSFER_ENCODING);
      if (status != 304) responseHeaders().remove(Headers.CONTENT_LENGTH);
      return sink = new ResponseSink(connection.socketSink(), this, 0);
    }
    long length = declaredLength();
    if (length >= 0) return sink = new ResponseSink(connection.socketSink(), this, length);
    responseHeaders().remove(Headers.CONTENT_LENGTH);
    // The chunking conduit turns an empty body into Content-Length: 0 itself, before the head goes out.
    responseHeaders().put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
    ResponseSink raw = sink = new ResponseSink(connection.socketSink(), this, -1);
    return new ResponseSink.BodyCount(
        new ChunkedStreamSinkConduit(raw, connection.buffers(), true, true, responseHeaders(), c -> raw.chunksFinished(),
            this), raw, this);
  }

  private long declaredLength() {
    String value = responseHeaders().getFirst(Headers.CONTENT_LENGTH);
    if (value == null || responseHeaders().count(Headers.CONTENT_LENGTH) != 1) return -1;
    try {
      long n = Long.parseLong(value.trim());
      return n >= 0 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public long responseBytesSent() {
    return bytesSent;
  }

  @Override
  public void setResponseTrailers(HeaderMap trailers) {
    putAttachment(HttpAttachments.RESPONSE_TRAILERS, trailers);
  }

  @Override
  public void upgrade(Consumer<StreamConnection> switched) {
    throw new IllegalStateException("no upgrade on the gateway's own connection: requests with Upgrade go to Undertow");
  }

  // The exchange and its connection.

  /** Unchecked: {@link #attach} only ever pairs a key with a value of its type (a checked cast costs a class load). */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T attachment(AttachmentKey<T> key) {
    if (key == key0) return (T) value0;
    if (key == key1) return (T) value1;
    if (key == key2) return (T) value2;
    if (key == key3) return (T) value3;
    return getAttachment(key);
  }

  @Override
  public <T> void attach(AttachmentKey<T> key, T value) {
    if (key0 == null || key0 == key) {
      key0 = key;
      value0 = value;
    } else if (key1 == null || key1 == key) {
      key1 = key;
      value1 = value;
    } else if (key2 == null || key2 == key) {
      key2 = key;
      value2 = value;
    } else if (key3 == null || key3 == key) {
      key3 = key;
      value3 = value;
    } else {
      putAttachment(key, value);
    }
  }

  @Override
  public void onComplete(Runnable completed) {
    if (completeListeners == null) completeListeners = new ArrayList<>(4);
    completeListeners.add(completed);
  }

  @Override
  public void dispatch(Runnable task) {
    dispatched = true;
    if (inHandler) {
      dispatchedTask = task;
    } else {
      task.run();
    }
  }

  @Override
  public XnioIoThread ioThread() {
    return connection.ioThread();
  }

  @Override
  public XnioWorker worker() {
    return connection.ioThread().getWorker();
  }

  @Override
  public ByteBufferPool bufferPool() {
    return connection.buffers();
  }

  @Override
  public OptionMap guardLimits() {
    return connection.guardLimits();
  }

  @Override
  public boolean isConnectionOpen() {
    return connection.isOpen();
  }

  @Override
  public void closeConnection() {
    connection.close();
  }

  // For the connection and the response conduit.

  boolean committed() {
    return committed;
  }

  /** Commits the response: runs the commit listeners, then writes the head; returns it, ready to be written. */
  PooledByteBuffer commit() {
    if (commitListeners != null) {
      for (Runnable r : commitListeners) r.run();
    }
    committed = true;
    // A body over the limit is not read, nor drained behind the answer (it may be huge, or never come): the
    // connection closes, as Undertow's does.
    if (!body.complete() && body.overLimit()) persistent = false;
    // Undertow's server says keep-alive on every persistent HTTP/1.1 response; clients and tests have seen it so.
    responseHeaders().put(Headers.CONNECTION, persistent ? KEEP_ALIVE : CLOSE);
    if (!responseHeaders().contains(Headers.DATE)) responseHeaders().put(Headers.DATE, HttpDate.now());
    return ResponseHeadWriter.write(status, StatusCodes.getReason(status), responseHeaders(), connection.buffers());
  }

  void headWritten() {
    headOut = true;
  }

  void sent(long n) {
    bytesSent += n;
  }

  /** The body ended short of its declared length: the connection cannot carry another exchange. */
  void truncated() {
    persistent = false;
  }

  /**
   * The response is out whole. On a connection that goes on, what is left of the request body is read and dropped
   * first; one that closes does not wait for a body nobody will read (a stalled upload, say).
   */
  void responseDone() {
    responseDone = true;
    if (persistent()) {
      connection.drainThen(body, this::complete);
    } else {
      complete();
    }
  }

  boolean persistent() {
    return persistent && headOut;
  }

  /** Runs the completion listeners, last registered first, once; then the connection moves on. */
  void complete() {
    if (completed) return;
    completed = true;
    if (sink != null) sink.releaseHead(); // a head never written whole (the connection closed) goes back too
    if (completeListeners != null) {
      for (int i = completeListeners.size() - 1; i >= 0; i--) {
        try {
          completeListeners.get(i).run();
        } catch (RuntimeException e) {
          connection.listenerFailed(e);
        }
      }
    }
    connection.exchangeDone(this, responseDone && persistent());
  }

  /** Whether the response is being ended (sent whole, or ended empty). */
  boolean isEnding() {
    return ending;
  }

  boolean isCompleted() {
    return completed;
  }
}
