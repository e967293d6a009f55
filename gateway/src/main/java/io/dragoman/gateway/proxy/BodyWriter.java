package io.dragoman.gateway.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.xnio.ChannelListeners;
import org.xnio.channels.StreamSinkChannel;

/** Writes a buffered request body to an upstream without blocking, then ends the request. */
final class BodyWriter {
  private BodyWriter() {}

  /**
   * Writes all of {@code body} (consumed: pass a duplicate to keep the original), shuts the channel's writes down and
   * flushes, then runs {@code done}; a failure goes to {@code failed} instead.
   */
  static void write(StreamSinkChannel sink, ByteBuffer body, Runnable done, Consumer<IOException> failed) {
    try {
      while (body.hasRemaining()) {
        if (sink.write(body) == 0) {
          sink.getWriteSetter().set(ch -> {
            ch.suspendWrites();
            ch.getWriteSetter().set(null);
            write(ch, body, done, failed);
          });
          sink.resumeWrites();
          return;
        }
      }
      sink.shutdownWrites();
      if (sink.flush()) {
        sink.getWriteSetter().set(null);
        done.run();
        return;
      }
      sink.getWriteSetter().set(ChannelListeners.flushingChannelListener(ch -> {
        ch.suspendWrites();
        ch.getWriteSetter().set(null);
        done.run();
      }, (ch, e) -> failed.accept(e)));
      sink.resumeWrites();
    } catch (IOException e) {
      failed.accept(e);
    }
  }
}
