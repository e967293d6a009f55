package io.dragoman.gateway.proxy;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.xnio.XnioIoThread;

/**
 * The buffers the public listener and the upstream connections read and write through: some per thread kept as a
 * stack (the buffer freed last, still in cache, is the next handed out), the rest in one shared queue.
 *
 * <p>Undertow's {@code DefaultByteBufferPool} (2.4) finds a thread's cache in a synchronized {@code WeakHashMap},
 * a monitor and a hash lookup on every allocation and every release: with a small request taking and giving back
 * about four buffers, 4% of the gateway's user time went there. The contract is the same: a buffer comes back
 * cleared, and closing a pooled buffer twice (from any thread) returns it to the pool once.
 */
final class BufferPool implements ByteBufferPool {
  private static final VarHandle BUFFER;

  static {
    try {
      BUFFER = MethodHandles.lookup().findVarHandle(Pooled.class, "buffer", ByteBuffer.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final boolean direct;
  private final int bufferSize;
  private final int perThread;
  private final int maxShared;
  private final ThreadLocal<Local> local = ThreadLocal.withInitial(Local::new);
  // An I/O thread's own stack found by its number: a ThreadLocal lookup (a probe of the thread's hash table, where
  // Undertow, XNIO and the JDK keep theirs too) cost 4% of the relay's user time at four buffers per request.
  private final Local[] byNumber = new Local[IO_SLOTS];
  private final ConcurrentLinkedQueue<ByteBuffer> shared = new ConcurrentLinkedQueue<>();
  private final AtomicInteger sharedCount = new AtomicInteger();
  private volatile BufferPool arrayBacked;
  private volatile boolean closed;

  /**
   * @param perThread buffers each thread keeps for itself
   * @param maxShared buffers kept beyond those, for any thread; -1 for no bound (the pool then holds its peak)
   */
  BufferPool(boolean direct, int bufferSize, int perThread, int maxShared) {
    if (bufferSize <= 0) throw new IllegalArgumentException("bufferSize: " + bufferSize + " (expected: > 0)");
    this.direct = direct;
    this.bufferSize = bufferSize;
    this.perThread = perThread;
    this.maxShared = maxShared;
  }

  @Override
  public PooledByteBuffer allocate() {
    if (closed) throw new IllegalStateException("buffer pool closed");
    ByteBuffer b = mine().poll();
    if (b == null) {
      b = shared.poll();
      if (b != null) sharedCount.decrementAndGet();
    }
    if (b == null) b = direct ? ByteBuffer.allocateDirect(bufferSize) : ByteBuffer.allocate(bufferSize);
    return new Pooled(b);
  }

  private void free(ByteBuffer b) {
    if (closed) return;
    b.clear();
    Local mine = mine();
    if (mine.size() < perThread) {
      mine.push(b);
    } else if (sharedCount.incrementAndGet() <= maxShared || maxShared < 0) {
      // counted unbounded too: allocate() takes one off for every buffer it polls from the queue
      shared.offer(b);
    } else {
      sharedCount.decrementAndGet(); // full: the garbage collector has it
    }
  }

  private static final int IO_SLOTS = 64;

  /** A thread's own buffers, a stack; only its owner touches it. */
  private static final class Local extends ArrayDeque<ByteBuffer> {
    final Thread owner = Thread.currentThread();
  }

  /**
   * The calling thread's stack: an XNIO I/O thread's by its number (unique within its worker; the owner check tells
   * apart two workers' threads of one number, which then share the ThreadLocal path), any other thread's from the
   * ThreadLocal.
   */
  private Local mine() {
    Thread t = Thread.currentThread();
    if (t instanceof XnioIoThread io && io.getNumber() < IO_SLOTS) {
      Local l = byNumber[io.getNumber()];
      if (l != null && l.owner == t) return l;
      l = local.get();
      // A plain write, raced only by another worker's thread of the same number: whichever stays takes the fast
      // path, the other the ThreadLocal one. A stack seen through the race is safe to check (owner is final) and
      // only its owner goes further.
      if (byNumber[io.getNumber()] == null) byNumber[io.getNumber()] = l;
      return l;
    }
    return local.get();
  }

  /** Held buffers beyond the threads' own, for tests. */
  int shared() {
    return sharedCount.get();
  }

  @Override
  public ByteBufferPool getArrayBackedPool() {
    if (!direct) return this;
    BufferPool heap = arrayBacked;
    if (heap == null) {
      synchronized (this) {
        heap = arrayBacked;
        if (heap == null) arrayBacked = heap = new BufferPool(false, bufferSize, perThread, maxShared);
      }
    }
    return heap;
  }

  @Override
  public void close() {
    closed = true;
    shared.clear();
    sharedCount.set(0);
    BufferPool heap = arrayBacked;
    if (heap != null) heap.close();
  }

  @Override
  public int getBufferSize() {
    return bufferSize;
  }

  @Override
  public boolean isDirect() {
    return direct;
  }

  private final class Pooled implements PooledByteBuffer {
    private ByteBuffer buffer; // taken back atomically through BUFFER: the one close that gets it frees it

    Pooled(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public ByteBuffer getBuffer() {
      ByteBuffer b = buffer;
      if (b == null) throw new IllegalStateException("pooled buffer already closed");
      return b;
    }

    @Override
    public void close() {
      ByteBuffer b = (ByteBuffer) BUFFER.getAndSet(this, (ByteBuffer) null);
      if (b != null) free(b);
    }

    @Override
    public boolean isOpen() {
      return buffer != null;
    }
  }
}
