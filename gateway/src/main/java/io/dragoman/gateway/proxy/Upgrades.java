package io.dragoman.gateway.proxy;

import io.undertow.client.ClientConnection;
import io.undertow.connector.ByteBufferPool;
import io.undertow.util.Transfer;
import java.io.IOException;
import org.xnio.ChannelExceptionHandler;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.StreamSinkChannel;

/** An upgraded exchange (WebSocket): the client's connection and the upstream's, joined in both directions. */
final class Upgrades {
  private Upgrades() {}

  /**
   * Copies bytes both ways until either side ends. An end of stream on one side half-closes the other, so a
   * close handshake passes; any error closes both.
   */
  static void join(StreamConnection client, ClientConnection upstreamConnection, ByteBufferPool buffers) {
    StreamConnection upstream;
    try {
      upstream = upstreamConnection.performUpgrade();
    } catch (IOException e) {
      IoUtils.safeClose(client, upstreamConnection);
      return;
    }
    ChannelExceptionHandler<java.nio.channels.Channel> closeBoth = (ch, e) -> IoUtils.safeClose(client, upstream);
    pipe(upstream, client, closeBoth, buffers);
    pipe(client, upstream, closeBoth, buffers);
  }

  private static void pipe(
      StreamConnection from,
      StreamConnection to,
      ChannelExceptionHandler<java.nio.channels.Channel> onError,
      ByteBufferPool buffers) {
    Transfer.initiateTransfer(
        from.getSourceChannel(),
        to.getSinkChannel(),
        ChannelListeners.closingChannelListener(),
        ChannelListeners.writeShutdownChannelListener(
            ChannelListeners.<StreamSinkChannel>flushingChannelListener(
                ChannelListeners.closingChannelListener(), ChannelListeners.closingChannelExceptionHandler()),
            ChannelListeners.closingChannelExceptionHandler()),
        onError,
        onError,
        buffers);
  }
}
