package io.dragoman.gateway.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;

/**
 * A source conduit that must see every byte read through it: transfers go through its own {@code read}, where
 * {@link AbstractStreamSourceConduit} would hand them straight to the conduit below.
 */
abstract class ReadingSourceConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {

  ReadingSourceConduit(StreamSourceConduit next) {
    super(next);
  }

  @Override
  public final long transferTo(long position, long count, FileChannel target) throws IOException {
    return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
  }

  @Override
  public final long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
    return Conduits.transfer(this, count, throughBuffer, target);
  }
}
