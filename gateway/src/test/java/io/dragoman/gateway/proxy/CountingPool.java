package io.dragoman.gateway.proxy;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DefaultByteBufferPool;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Heap buffers from a real pool, counted: how many were taken, how many are still held, and when (on a shared clock)
 * the first and the last were taken. A buffer used after it was given back throws.
 */
final class CountingPool implements ByteBufferPool {
  final AtomicInteger taken = new AtomicInteger();
  final AtomicInteger held = new AtomicInteger();
  final AtomicInteger firstTaken = new AtomicInteger(Integer.MAX_VALUE);
  final AtomicInteger lastTaken = new AtomicInteger(-1);
  private final DefaultByteBufferPool pool;
  private final AtomicInteger clock;

  CountingPool(int size, AtomicInteger clock) {
    this.pool = new DefaultByteBufferPool(false, size, 8, 0);
    this.clock = clock;
  }

  @Override
  public PooledByteBuffer allocate() {
    PooledByteBuffer buffer = pool.allocate();
    int now = clock.incrementAndGet();
    firstTaken.accumulateAndGet(now, Math::min);
    lastTaken.set(now);
    taken.incrementAndGet();
    held.incrementAndGet();
    return new PooledByteBuffer() {
      private boolean open = true;

      @Override
      public ByteBuffer getBuffer() {
        if (!open) throw new IllegalStateException("buffer used after it was given back");
        return buffer.getBuffer();
      }

      @Override
      public void close() {
        if (!open) return;
        open = false;
        held.decrementAndGet();
        buffer.close();
      }

      @Override
      public boolean isOpen() {
        return open;
      }
    };
  }

  @Override
  public ByteBufferPool getArrayBackedPool() {
    return this;
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public int getBufferSize() {
    return pool.getBufferSize();
  }

  @Override
  public boolean isDirect() {
    return false;
  }
}
