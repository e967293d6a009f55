package io.dragoman.gateway.proxy;

import io.undertow.connector.ByteBufferPool;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.http.HttpAttachments;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/** A {@link DownstreamExchange} served by Undertow: each method hands over to {@link HttpServerExchange}. */
final class UndertowExchange implements DownstreamExchange {
  private final HttpServerExchange exchange;

  UndertowExchange(HttpServerExchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public HttpString method() {
    return exchange.getRequestMethod();
  }

  @Override
  public String requestUri() {
    return exchange.getRequestURI();
  }

  @Override
  public String queryString() {
    return exchange.getQueryString();
  }

  @Override
  public boolean isAbsoluteTarget() {
    return exchange.isHostIncludedInRequestURI();
  }

  @Override
  public HttpString protocol() {
    return exchange.getProtocol();
  }

  @Override
  public boolean isHttp11() {
    return exchange.isHttp11();
  }

  @Override
  public String scheme() {
    return exchange.getRequestScheme();
  }

  @Override
  public HeaderMap requestHeaders() {
    return exchange.getRequestHeaders();
  }

  @Override
  public InetSocketAddress sourceAddress() {
    return exchange.getSourceAddress();
  }

  @Override
  public InetSocketAddress destinationAddress() {
    return exchange.getDestinationAddress();
  }

  @Override
  public long requestContentLength() {
    return exchange.getRequestContentLength();
  }

  @Override
  public boolean headMeetsGuard() {
    return false;
  }

  @Override
  public boolean isRequestComplete() {
    return exchange.isRequestComplete();
  }

  @Override
  public boolean isUpgrade() {
    return exchange.isUpgrade();
  }

  @Override
  public boolean expectsContinue() {
    return HttpContinue.requiresContinueResponse(exchange);
  }

  @Override
  public void sendContinue(Runnable sent, Runnable failed) {
    HttpContinue.sendContinueResponse(exchange, new IoCallback() {
      @Override
      public void onComplete(HttpServerExchange ex, Sender sender) {
        sent.run();
      }

      @Override
      public void onException(HttpServerExchange ex, Sender sender, IOException e) {
        failed.run();
      }
    });
  }

  @Override
  public void setMaxEntitySize(long bytes) {
    exchange.setMaxEntitySize(bytes);
  }

  @Override
  public long maxEntitySize() {
    return exchange.getMaxEntitySize();
  }

  @Override
  public void receiveFullBody(Consumer<byte[]> body, Consumer<IOException> failed) {
    exchange.getRequestReceiver().receiveFullBytes((ex, bytes) -> body.accept(bytes), (ex, e) -> failed.accept(e));
  }

  @Override
  public StreamSourceChannel requestChannel() {
    return exchange.getRequestChannel();
  }

  @Override
  public void keepReadsRegistered() {
    ClientReads.keepRegistered(exchange);
  }

  @Override
  public int statusCode() {
    return exchange.getStatusCode();
  }

  @Override
  public void setStatusCode(int status) {
    exchange.setStatusCode(status);
  }

  @Override
  public HeaderMap responseHeaders() {
    return exchange.getResponseHeaders();
  }

  @Override
  public void setResponseContentLength(long length) {
    exchange.setResponseContentLength(length);
  }

  @Override
  public boolean isResponseStarted() {
    return exchange.isResponseStarted();
  }

  @Override
  public void closeAfterResponse() {
    exchange.setPersistent(false);
  }

  @Override
  public void onCommit(Runnable beforeCommit) {
    exchange.addResponseCommitListener(ex -> beforeCommit.run());
  }

  @Override
  public void sendAndEnd(ByteBuffer body) {
    exchange.getResponseSender().send(body);
  }

  @Override
  public void end() {
    exchange.endExchange();
  }

  @Override
  public StreamSinkChannel responseChannel() {
    return exchange.getResponseChannel();
  }

  @Override
  public long responseBytesSent() {
    return exchange.getResponseBytesSent();
  }

  /** Undertow's server sends what is attached under RESPONSE_TRAILERS. */
  @Override
  public void setResponseTrailers(HeaderMap trailers) {
    exchange.putAttachment(HttpAttachments.RESPONSE_TRAILERS, trailers);
  }

  @Override
  public void upgrade(Consumer<StreamConnection> switched) {
    exchange.upgradeChannel((client, ex) -> switched.accept(client));
  }

  @Override
  public <T> T attachment(AttachmentKey<T> key) {
    return exchange.getAttachment(key);
  }

  @Override
  public <T> void attach(AttachmentKey<T> key, T value) {
    exchange.putAttachment(key, value);
  }

  @Override
  public void onComplete(Runnable completed) {
    exchange.addExchangeCompleteListener((ex, next) -> {
      completed.run();
      next.proceed();
    });
  }

  /** Dispatching to the same thread keeps the exchange open after the handler returns. */
  @Override
  public void dispatch(Runnable task) {
    exchange.dispatch(SameThreadExecutor.INSTANCE, task);
  }

  @Override
  public XnioIoThread ioThread() {
    return exchange.getIoThread();
  }

  @Override
  public XnioWorker worker() {
    return exchange.getConnection().getWorker();
  }

  @Override
  public ByteBufferPool bufferPool() {
    return exchange.getConnection().getByteBufferPool();
  }

  /** {@link ListenerOptions} puts the limits among the listener's Undertow options. */
  @Override
  public OptionMap guardLimits() {
    ServerConnection connection = exchange.getConnection();
    return connection == null ? OptionMap.EMPTY : connection.getUndertowOptions();
  }

  @Override
  public boolean isConnectionOpen() {
    return exchange.getConnection().isOpen();
  }

  @Override
  public void closeConnection() {
    IoUtils.safeClose(exchange.getConnection());
  }
}
