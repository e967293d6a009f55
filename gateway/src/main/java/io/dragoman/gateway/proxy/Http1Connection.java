package io.dragoman.gateway.proxy;

import io.undertow.UndertowLogger;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.client.ClientStatistics;
import io.undertow.client.ContinueNotification;
import io.undertow.client.PushCallback;
import io.undertow.conduits.AbstractFixedLengthStreamSinkConduit;
import io.undertow.conduits.ChunkedStreamSinkConduit;
import io.undertow.conduits.ChunkedStreamSourceConduit;
import io.undertow.conduits.FixedLengthStreamSourceConduit;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.util.AbstractAttachable;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.PooledAdaptor;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.Option;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.channels.ReadTimeoutException;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.PushBackStreamSourceConduit;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;
import org.xnio.conduits.WriteReadyHandler;

/**
 * The gateway's own HTTP/1.1 client connection for clear-text upstreams, in place of Undertow's: one exchange at a
 * time, no pipelining. It exists for what it leaves out on the hot path: the read interest stays registered for the
 * connection's whole life (an idle connection learns at once that the upstream closed it, and a response needs no
 * {@code epoll_ctl}), nothing is read after a response ends, the request head leaves in the same system call as
 * the start of its body, and a response head is parsed in one pass over the bytes read.
 *
 * <p>Bodies are framed by Undertow's conduits (fixed length and chunked, both ways). A response head must fit in
 * one pooled buffer (16 KiB: nginx's default {@code proxy_buffer_size} is 4 or 8 KiB). Everything runs on the
 * connection's I/O thread.
 */
final class Http1Connection implements ClientConnection {
  private final StreamConnection connection;
  private final ByteBufferPool pool;
  /** 100 Continue, 103 Early Hints: a few are normal; an upstream that sends them without end is refused. */
  private static final int MAX_INTERIM = 16;
  /** Bytes copied out of the read buffer to look for a response head in: most heads are a few hundred bytes. */
  private static final int HEAD_PROBE = 1024;
  /** Installed for the connection's life: bytes read past a response head wait here for the body. */
  private final PushBackStreamSourceConduit source;
  private final StreamSinkConduit sink;
  // The connection's own channels' ready handlers: an exchange's body channels take the socket's readiness (their
  // constructors install theirs) and these give it back. (ConduitStream*Channel.setConduit installs none.)
  private final ReadReadyHandler ownReads;
  private final WriteReadyHandler ownWrites;
  private final List<ChannelListener<ClientConnection>> closeListeners = new ArrayList<>(1);
  private final ChannelListener.SimpleSetter<Http1Connection> closeSetter = new ChannelListener.SimpleSetter<>();

  private final ReadWatch reads;

  private Exchange current;
  private boolean upgraded;
  private boolean upgradeAnswered;
  /** Bytes of a response head that spans reads; null between heads. */
  private PooledByteBuffer partial;
  /** What the last head pushed back for its body; bytes still in it once the response has ended are not for us. */
  private PooledByteBuffer pushed;

  Http1Connection(StreamConnection connection, ByteBufferPool pool) {
    this.connection = connection;
    this.pool = pool;
    this.reads = new ReadWatch(connection.getSourceChannel().getConduit(), connection.getIoThread(), this::silent);
    this.source = new PushBackStreamSourceConduit(reads);
    this.sink = connection.getSinkChannel().getConduit();
    this.ownReads = new OwnReads();
    this.ownWrites = new WriteReadyHandler.ChannelListenerHandler<>(connection.getSinkChannel());
    connection.getSourceChannel().setConduit(source);
    source.setReadReadyHandler(ownReads);
    connection.setCloseListener(c -> closed());
    connection.getSourceChannel().resumeReads();
  }

  @Override
  public void sendRequest(ClientRequest request, ClientCallback<ClientExchange> callback) {
    if (!isOpen() || upgraded) {
      callback.failed(new IOException("upstream connection closed"));
      return;
    }
    if (current != null) {
      callback.failed(new IOException("upstream connection busy")); // a pool bug, not the upstream's
      return;
    }
    long length;
    try {
      length = declaredLength(request.getRequestHeaders());
    } catch (RequestHead.UnsafeException e) {
      callback.failed(e);
      return;
    }
    PooledByteBuffer pooled = pool.allocate();
    ByteBuffer head;
    try {
      head = RequestHead.write(pooled.getBuffer(), request.getMethod(), request.getPath(), request.getRequestHeaders());
    } catch (IOException e) {
      pooled.close();
      callback.failed(e);
      return;
    }
    if (head != pooled.getBuffer()) {
      pooled.close();
      pooled = null;
    }
    head.flip();
    Exchange exchange = new Exchange(request);
    HeadFirstSinkConduit headFirst = new HeadFirstSinkConduit(sink, head, pooled);
    exchange.headFirst = headFirst;
    exchange.requestChannel = new ConduitStreamSinkChannel(connection, bodySink(request.getRequestHeaders(), length,
        headFirst, exchange));
    current = exchange;
    callback.completed(exchange);
  }

  /**
   * The body's length as the head declares it, -1 when none is declared. The client's value was checked by Undertow;
   * one a Mapping's {@code add_request_headers} put there was not.
   */
  private static long declaredLength(HeaderMap headers) throws RequestHead.UnsafeException {
    String length = headers.getFirst(Headers.CONTENT_LENGTH);
    if (length == null) return -1;
    try {
      long n = Long.parseLong(length.trim());
      if (n >= 0) return n;
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new RequestHead.UnsafeException("cannot send Content-Length \"" + length + "\" upstream: not a length");
  }

  /** Content-Length, else chunked when the request says so, else no body at all. */
  private StreamSinkConduit bodySink(HeaderMap headers, long length, StreamSinkConduit next, Exchange exchange) {
    if (length < 0 && headers.contains(Headers.TRANSFER_ENCODING)) {
      return new ChunkedStreamSinkConduit(next, pool, false, false, headers, c -> requestDone(exchange), exchange) {
        /**
         * Undertow ends a chunked body that carried no data by setting {@code Content-Length: 0} in the head instead
         * of sending the last chunk; here the head already went (or is composed) saying chunked, so the upstream would
         * wait for that chunk until the route's timeout. A flush first marks the body as started: the end is then the
         * last chunk. (An empty body pays a second write, the head alone; any other is started already.)
         */
        @Override
        public void terminateWrites() throws IOException {
          flush();
          super.terminateWrites();
        }
      };
    }
    return new AbstractFixedLengthStreamSinkConduit(next, Math.max(length, 0), false, false) {
      @Override
      protected void channelFinished() {
        requestDone(exchange);
      }

      /** Once the body is complete Undertow's conduit stops flushing: a head with no body after it must still go. */
      @Override
      public boolean flush() throws IOException {
        return next.flush() && super.flush();
      }
    };
  }

  /** Readable while no response body is being read: a response head, or (between exchanges) the end. */
  private void readReady() {
    Exchange exchange = current;
    if (exchange == null || exchange.response != null) {
      idleRead();
      return;
    }
    try {
      readHead(exchange);
    } catch (IOException e) {
      failAndClose(exchange, e);
    }
  }

  /** An idle connection that becomes readable was closed by the upstream, or sent what nobody asked for. */
  private void idleRead() {
    PooledByteBuffer pooled = pool.allocate();
    try {
      int n = source.read(pooled.getBuffer());
      if (n != 0) IoUtils.safeClose(this);
    } catch (IOException e) {
      IoUtils.safeClose(this);
    } finally {
      pooled.close();
    }
  }

  private void readHead(Exchange exchange) throws IOException {
    PooledByteBuffer pooled = partial != null ? partial : pool.allocate();
    partial = null;
    ByteBuffer buffer = pooled.getBuffer();
    boolean keep = false;
    try {
      int scanned = 0;
      while (true) {
        byte[] bytes = headBytes(buffer, scanned);
        int end = ResponseHead.end(bytes, scanned, bytes.length);
        if (end < 0 && bytes.length < buffer.position()) {
          bytes = headBytes(buffer, buffer.position());
          end = ResponseHead.end(bytes, scanned, bytes.length);
        }
        if (end < 0) {
          scanned = Math.max(0, buffer.position() - 2);
          if (!buffer.hasRemaining()) {
            throw new ResponseHead.MalformedException("head larger than " + buffer.capacity() + " bytes");
          }
          int n = source.read(buffer);
          if (n == 0) {
            partial = pooled;
            keep = true;
            return;
          }
          if (n < 0) throw new IOException("upstream closed the connection before a complete response head");
          continue;
        }
        ResponseHead head = ResponseHead.parse(bytes, 0, end);
        // What follows the head: the body's first bytes (or, after an interim answer, the next head).
        buffer.flip().position(end);
        if (head.interim()) {
          if (++exchange.interims > MAX_INTERIM) {
            throw new ResponseHead.MalformedException("more than " + MAX_INTERIM + " interim (1xx) answers");
          }
          buffer.compact();
          scanned = 0;
          continue;
        }
        framing(exchange, head);
        keep = true; // the answer's now
        answer(exchange, pooled);
        return;
      }
    } finally {
      if (!keep) pooled.close();
    }
  }

  /**
   * A heap copy of what the buffer holds, for the head's scan and parse: the bytes up to {@code from} plus a probe
   * that holds a typical head whole, or all of them when they are fewer. A head longer than the probe is scanned
   * again in a copy of everything (rare; heads are bounded by the buffer anyway).
   */
  private static byte[] headBytes(ByteBuffer buffer, int from) {
    byte[] bytes = new byte[Math.min(buffer.position(), from + HEAD_PROBE)];
    buffer.get(0, bytes);
    return bytes;
  }

  /** How the response's body is framed, checked before the answer takes the bytes read past the head. */
  private void framing(Exchange exchange, ResponseHead head) throws IOException {
    exchange.head = head;
    exchange.framing = head.framing(HttpMethods.isHead(exchange.request.getMethod()));
    exchange.length = exchange.framing == ResponseHead.Framing.LENGTH ? head.contentLength() : 0;
    if (head.status() == 101 && !exchange.request.getRequestHeaders().contains(Headers.UPGRADE)) {
      throw new ResponseHead.MalformedException("101 Switching Protocols to a request without Upgrade");
    }
  }

  /**
   * A response head has arrived; {@code rest} holds what came after it. A body of declared length that came whole with
   * the head is held as it is for {@link #takeWholeBody}: most answers of a model server are a few hundred bytes, and
   * relaying them from here costs no body channel, no pump and no copy. Otherwise (or when the body is asked for as a
   * channel after all) the bytes are pushed back to be read through the response channel.
   */
  private void answer(Exchange exchange, PooledByteBuffer rest) {
    ResponseHead head = exchange.head;
    if (head.status() == 101) upgradeAnswered = true;
    else exchange.keepAlive = head.keepAlive(exchange.framing);
    exchange.response = new ClientResponse(head.status(), head.reason(), head.protocol(), head.headers());
    boolean bodyless = exchange.framing == ResponseHead.Framing.NONE;
    if (head.status() != 101 && (bodyless || exchange.framing == ResponseHead.Framing.LENGTH)
        && rest.getBuffer().remaining() == exchange.length) {
      exchange.whole = rest;
    } else {
      openBody(exchange, rest);
      // An early answer, the upload still going: its body is awaited from the upstream from now on.
      if (!exchange.requestDone) reads.start();
    }
    exchange.deliver();
  }

  /**
   * The response channel: it takes the read events from here on; they come back in {@link #finished}. {@code rest}
   * (what was read past the head) is read first.
   */
  private void openBody(Exchange exchange, PooledByteBuffer rest) {
    if (rest.getBuffer().hasRemaining()) {
      pushed = rest;
      source.pushBack(new PooledAdaptor(rest));
    } else {
      rest.close();
    }
    StreamSourceConduit body;
    if (exchange.head.status() == 101) {
      body = new FixedLengthStreamSourceConduit(source, 0, c -> responseDone(exchange));
    } else {
      body = switch (exchange.framing) {
        case NONE -> new FixedLengthStreamSourceConduit(source, 0, c -> responseDone(exchange));
        case LENGTH -> new FixedLengthStreamSourceConduit(source, exchange.length, c -> {
          // Also called when the channel is closed mid-body: the unread rest would be the next exchange's "answer".
          if (c.getRemaining() > 0) exchange.keepAlive = false;
          responseDone(exchange);
        });
        case CHUNKED -> keptOpenOnceDone(new ChunkedStreamSourceConduit(source, source, pool,
            c -> responseDone(exchange), exchange, this));
        case UNTIL_CLOSE -> source;
      };
    }
    exchange.responseChannel = new ConduitStreamSourceChannel(connection, body);
  }

  /**
   * The response's whole body when it came with the head, for the caller to write from and then close; the response
   * counts as read. Null when the body is still to be read from {@link ClientExchange#getResponseChannel}.
   */
  static PooledByteBuffer takeWholeBody(ClientExchange upstream) {
    return upstream instanceof Exchange e ? e.takeWholeBody() : null;
  }

  /** Whether {@link #takeWholeBody} would give the body (without taking it). */
  static boolean holdsWholeBody(ClientExchange upstream) {
    return upstream instanceof Exchange e && e.whole != null;
  }

  /**
   * Undertow's chunked conduit (2.4.4) shuts the socket's reads down when its channel is closed, even after the last
   * chunk: the connection went back to the pool deaf, and the next exchange on it waited for a head it never read.
   * Once the body is complete, closing the response channel leaves the connection to the next exchange.
   */
  private static StreamSourceConduit keptOpenOnceDone(ChunkedStreamSourceConduit chunked) {
    return new AbstractStreamSourceConduit<>(chunked) {
      @Override
      public void terminateReads() throws IOException {
        if (!chunked.isFinished()) chunked.terminateReads();
      }
    };
  }

  private void requestDone(Exchange exchange) {
    exchange.requestDone = true;
    if (exchange.responseDone) {
      finished(exchange);
      return;
    }
    if (current == exchange) reads.start(); // from here on the exchange waits on the upstream
  }

  private void responseDone(Exchange exchange) {
    exchange.responseDone = true;
    if (exchange.requestDone) {
      finished(exchange);
      return;
    }
    if (current == exchange) reads.stop(); // answered whole: nothing more is awaited from the upstream
  }

  /**
   * Request sent and response read: the connection takes its channels back and waits for the next request, read
   * interest registered. Bytes left over past the response close it (at once when they came with the response, on
   * the next read event when they come later).
   */
  private void finished(Exchange exchange) {
    if (current != exchange) return;
    current = null;
    reads.stop();
    if (upgradeAnswered) return; // performUpgrade hands the connection on
    takeChannelsBack();
    if (!exchange.keepAlive || leftover()) {
      IoUtils.safeClose(this);
      return;
    }
    connection.getSourceChannel().resumeReads();
  }

  /**
   * Bytes read with the response but past its end. Closing at once, not on the next read event: until that event the
   * connection would look idle, and the pool may hand it to the next request first, which would take them as its
   * answer.
   */
  private boolean leftover() {
    PooledByteBuffer p = pushed;
    pushed = null;
    return p != null && p.isOpen() && p.getBuffer().hasRemaining();
  }

  private void takeChannelsBack() {
    connection.getSinkChannel().setConduit(sink);
    sink.setWriteReadyHandler(ownWrites);
    connection.getSourceChannel().setConduit(source);
    source.setReadReadyHandler(ownReads);
  }

  /** The exchange hears the real cause first; the close that follows finds it already failed. */
  private void failAndClose(Exchange exchange, IOException e) {
    exchange.fail(e);
    IoUtils.safeClose(this);
    exchange.wakeBodyReader();
  }

  /** The socket closed (by either side): an exchange still waiting on its response fails. */
  private void closed() {
    reads.stop();
    if (partial != null) {
      partial.close();
      partial = null;
    }
    Exchange exchange = current;
    if (exchange != null) {
      exchange.headFirst.release();
      exchange.dropWholeBody();
      if (exchange.response == null) exchange.fail(new IOException("upstream connection closed"));
    }
    for (ChannelListener<ClientConnection> listener : closeListeners) {
      try {
        listener.handleEvent(this);
      } catch (RuntimeException ignored) {
        // one listener's failure must not keep the others from hearing of the close
      }
    }
    closeListeners.clear();
    ChannelListeners.invokeChannelListener(this, closeSetter.get());
  }

  @Override
  public StreamConnection performUpgrade() throws IOException {
    if (!upgradeAnswered || !isOpen()) throw new IOException("upstream connection was not upgraded");
    upgraded = true;
    current = null;
    takeChannelsBack(); // the source keeps any bytes that came with the 101
    // The new owner listens to the connection's channels as on any connection.
    source.setReadReadyHandler(new ReadReadyHandler.ChannelListenerHandler<>(connection.getSourceChannel()));
    connection.getSourceChannel().setReadListener(null);
    connection.getSourceChannel().suspendReads();
    return connection;
  }

  /** Between exchanges, open, and not handed on by an upgrade: fit to go back to a pool. */
  boolean idle() {
    return current == null && !upgraded && !upgradeAnswered && isOpen();
  }

  /** Closed by its user: the exchange in progress is the user's, and is not told (only the upstream's doing is). */
  @Override
  public void close() throws IOException {
    Exchange exchange = current;
    current = null;
    if (exchange != null) {
      exchange.headFirst.release();
      exchange.dropWholeBody();
    }
    connection.close();
  }

  @Override
  public boolean isOpen() {
    return connection.isOpen();
  }

  @Override
  public ByteBufferPool getBufferPool() {
    return pool;
  }

  @Override
  public SocketAddress getPeerAddress() {
    return connection.getPeerAddress();
  }

  @Override
  public <A extends SocketAddress> A getPeerAddress(Class<A> type) {
    return connection.getPeerAddress(type);
  }

  @Override
  public ChannelListener.Setter<Http1Connection> getCloseSetter() {
    return closeSetter;
  }

  @Override
  public SocketAddress getLocalAddress() {
    return connection.getLocalAddress();
  }

  @Override
  public <A extends SocketAddress> A getLocalAddress(Class<A> type) {
    return connection.getLocalAddress(type);
  }

  @Override
  public XnioWorker getWorker() {
    return connection.getWorker();
  }

  @Override
  public XnioIoThread getIoThread() {
    return connection.getIoThread();
  }

  @Override
  public boolean supportsOption(Option<?> option) {
    return connection.supportsOption(option);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T getOption(Option<T> option) throws IOException {
    return option == Options.READ_TIMEOUT ? (T) Integer.valueOf(reads.limitMs()) : connection.getOption(option);
  }

  /**
   * {@link Options#READ_TIMEOUT} is kept here, not by XNIO (which checks it only when a read happens): once the
   * request is sent and while its response is incomplete, silence that long closes the connection, and an exchange
   * still waiting for its response head fails with a {@link ReadTimeoutException}. A slow upload is not the
   * upstream's silence: the clock starts when the request has been sent, or when an early answer's head arrives.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T setOption(Option<T> option, T value) throws IOException {
    if (option != Options.READ_TIMEOUT) return connection.setOption(option, value);
    Integer previous = reads.limitMs();
    reads.limitMs(value == null ? 0 : (Integer) value);
    if (current != null && current.requestDone && !current.responseDone) reads.start();
    return (T) previous;
  }

  /** The read timeout ran out while an exchange waited on the upstream. */
  private void silent(long silentMs) {
    Exchange exchange = current;
    if (exchange != null) failAndClose(exchange, new ReadTimeoutException("upstream silent for " + silentMs + " ms"));
  }

  @Override
  public boolean isUpgraded() {
    return upgraded;
  }

  @Override
  public boolean isPushSupported() {
    return false;
  }

  @Override
  public boolean isMultiplexingSupported() {
    return false;
  }

  @Override
  public ClientStatistics getStatistics() {
    return null;
  }

  @Override
  public boolean isUpgradeSupported() {
    return true;
  }

  @Override
  public void addCloseListener(ChannelListener<ClientConnection> listener) {
    closeListeners.add(listener);
  }

  /**
   * The socket's read readiness while no body channel has it, straight to {@link #readReady}: XNIO's channel-listener
   * handler asks the logging backend whether to trace each call (2% of the gateway's own time on small requests).
   * What XNIO's handler also did is kept: a listener's unexpected exception is logged (XNIO's socket conduit would
   * swallow it silently), and here the exchange in progress fails with it rather than wait for its timeout.
   */
  private final class OwnReads implements ReadReadyHandler {
    @Override
    public void readReady() {
      try {
        Http1Connection.this.readReady();
      } catch (RuntimeException e) {
        UndertowLogger.CLIENT_LOGGER.errorf(e, "upstream connection to %s: reading its answer failed", getPeerAddress());
        Exchange exchange = current;
        if (exchange != null) failAndClose(exchange, new IOException(e));
        else IoUtils.safeClose(Http1Connection.this);
      }
    }

    /** The I/O thread is shutting down: the socket closes, and an exchange in progress hears of it. */
    @Override
    public void forceTermination() {
      IoUtils.safeClose(connection);
    }

    @Override
    public void terminated() {} // the connection's close listener reports the end
  }

  /** One request and its response on this connection. */
  private final class Exchange extends AbstractAttachable implements ClientExchange {
    private final ClientRequest request;
    private HeadFirstSinkConduit headFirst;
    private StreamSinkChannel requestChannel;
    private ConduitStreamSourceChannel responseChannel; // made when first asked for if the body came whole
    private ClientResponse response;
    private ResponseHead head;
    private ResponseHead.Framing framing;
    private long length; // the body's declared length under LENGTH framing, else 0
    private PooledByteBuffer whole; // the whole body, come with the head, until taken or turned into a channel
    private ClientCallback<ClientExchange> listener;
    private IOException failure;
    private boolean delivered;
    private boolean keepAlive;
    private boolean requestDone;
    private boolean responseDone;
    private int interims;

    Exchange(ClientRequest request) {
      this.request = request;
    }

    @Override
    public void setResponseListener(ClientCallback<ClientExchange> listener) {
      this.listener = listener;
      if (response != null || failure != null) deliver();
    }

    void deliver() {
      if (listener == null || delivered) return;
      delivered = true;
      if (failure != null) listener.failed(failure);
      else listener.completed(this);
    }

    void fail(IOException e) {
      if (failure != null || response != null) return;
      failure = e;
      deliver();
    }

    /**
     * A body being read when the gateway itself closed the connection (the idle limit): no read event will come
     * from a socket closed on this side, so the reader is called to find the channel closed.
     */
    void wakeBodyReader() {
      if (response == null || responseDone || responseChannel == null) return;
      ChannelListener<? super ConduitStreamSourceChannel> reader = responseChannel.getReadListener();
      if (reader != null) getIoThread().execute(() -> ChannelListeners.invokeChannelListener(responseChannel, reader));
    }

    @Override
    public void setContinueHandler(ContinueNotification handler) {}

    @Override
    public void setPushHandler(PushCallback pushCallback) {}

    @Override
    public StreamSinkChannel getRequestChannel() {
      return requestChannel;
    }

    PooledByteBuffer takeWholeBody() {
      PooledByteBuffer w = whole;
      if (w == null) return null;
      whole = null;
      responseDone(this);
      return w;
    }

    void dropWholeBody() {
      PooledByteBuffer w = whole;
      whole = null;
      if (w != null) w.close();
    }

    /** Null once the whole body was taken ({@link #takeWholeBody}) or dropped with the connection. */
    @Override
    public StreamSourceChannel getResponseChannel() {
      if (responseChannel == null && whole != null) {
        PooledByteBuffer w = whole;
        whole = null;
        openBody(this, w);
      }
      return responseChannel;
    }

    @Override
    public ClientRequest getRequest() {
      return request;
    }

    @Override
    public ClientResponse getResponse() {
      return response;
    }

    @Override
    public ClientResponse getContinueResponse() {
      return null;
    }

    @Override
    public ClientConnection getConnection() {
      return Http1Connection.this;
    }
  }
}
