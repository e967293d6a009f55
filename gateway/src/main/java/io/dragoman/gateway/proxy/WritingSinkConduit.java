package io.dragoman.gateway.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.ConduitWritableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSinkConduit;

/**
 * A sink conduit that must see every byte written through it: final writes and transfers go through its own
 * {@code write}, where {@link AbstractStreamSinkConduit} would hand them straight to the conduit below.
 */
abstract class WritingSinkConduit extends AbstractStreamSinkConduit<StreamSinkConduit> {

  WritingSinkConduit(StreamSinkConduit next) {
    super(next);
  }

  @Override
  public final int writeFinal(ByteBuffer src) throws IOException {
    return Conduits.writeFinalBasic(this, src);
  }

  @Override
  public final long writeFinal(ByteBuffer[] srcs, int offset, int length) throws IOException {
    return Conduits.writeFinalBasic(this, srcs, offset, length);
  }

  @Override
  public final long transferFrom(FileChannel src, long position, long count) throws IOException {
    return src.transferTo(position, count, new ConduitWritableByteChannel(this));
  }

  @Override
  public final long transferFrom(StreamSourceChannel source, long count, ByteBuffer throughBuffer)
      throws IOException {
    return IoUtils.transfer(source, count, throughBuffer, new ConduitWritableByteChannel(this));
  }
}
