package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * The selected-key set in epoll's order. The build opens {@code sun.nio.ch} to the tests as the jar's manifest does
 * to the gateway, so the whole proxy suite runs on these sets too.
 */
class SelectedKeysTest {
  @Test
  void keysStayInTheOrderTheyCameInOnceEachAndLeaveWithoutDisturbingTheRest() {
    SelectedKeys set = new SelectedKeys();
    List<SelectionKey> keys = keys(5);
    for (int i : new int[] {3, 0, 4, 1}) assertThat(set.add(keys.get(i))).isTrue();
    assertThat(set.add(keys.get(0))).as("already held").isFalse();
    assertThat(set).containsExactly(keys.get(3), keys.get(0), keys.get(4), keys.get(1));
    assertThat(set.contains(keys.get(2))).isFalse();

    assertThat(set.remove(keys.get(0))).isTrue();
    assertThat(set.remove(keys.get(2))).isFalse();
    assertThat(set).containsExactly(keys.get(3), keys.get(4), keys.get(1));

    Iterator<SelectionKey> it = set.iterator();
    assertThat(it.next()).isSameAs(keys.get(3));
    it.remove();
    assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
    assertThat(it.next()).isSameAs(keys.get(4));
    assertThat(set).containsExactly(keys.get(4), keys.get(1));

    set.clear();
    assertThat(set).isEmpty();
    assertThat(set.add(keys.get(3))).isTrue();
    assertThat(set).containsExactly(keys.get(3));
  }

  @Test
  void toArrayFillsTheGivenArrayAndMarksTheEndAsXnioReadsIt() {
    SelectedKeys set = new SelectedKeys();
    List<SelectionKey> keys = keys(3);
    set.addAll(keys);
    SelectionKey[] roomy = new SelectionKey[5];
    roomy[3] = keys.get(0);
    assertThat(set.toArray(roomy)).isSameAs(roomy).containsExactly(keys.get(0), keys.get(1), keys.get(2), null, null);
    SelectionKey[] small = set.toArray(new SelectionKey[1]);
    assertThat(small).containsExactly(keys.get(0), keys.get(1), keys.get(2));
  }

  @Test
  void manyKeysAreStillHeldOnceEach() {
    SelectedKeys set = new SelectedKeys();
    List<SelectionKey> keys = keys(3 * SelectedKeys.SCAN_LIMIT);
    for (SelectionKey k : keys) assertThat(set.add(k)).isTrue();
    for (SelectionKey k : keys) assertThat(set.add(k)).as("past the scan limit the index answers").isFalse();
    assertThat(set).hasSize(keys.size()).containsExactlyElementsOf(keys);

    SelectionKey middle = keys.get(keys.size() / 2);
    assertThat(set.remove(middle)).isTrue();
    assertThat(set.contains(middle)).isFalse();
    assertThat(set.add(middle)).isTrue();
    assertThat(set.toArray(new SelectionKey[0])[keys.size() - 1]).isSameAs(middle);

    set.clear();
    assertThat(set.contains(keys.get(0))).isFalse();
    assertThat(set.add(keys.get(0))).isTrue();
  }

  @Test
  void aSelectorServesItsReadyChannelsInTheOrderTheyBecameReady() throws Exception {
    try (Selector selector = Selector.open()) {
      assertThat(SelectedKeys.installIn(selector)).as("sun.nio.ch opened to the tests, as to the jar").isTrue();
      assertThat(selector.selectedKeys()).isInstanceOf(SelectedKeys.class);
      List<Pipe> pipes = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.source().register(selector, SelectionKey.OP_READ, i);
        pipes.add(pipe);
      }
      try {
        assertThat(selector.selectNow()).as("registered with epoll here, nothing ready yet").isZero();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pipes.size(); i++) order.add(i);
        Collections.shuffle(order, new Random(7));
        for (int i : order) pipes.get(i).sink().write(ByteBuffer.wrap(new byte[] {1}));

        assertThat(selector.selectNow()).isEqualTo(pipes.size());
        List<Object> served = new ArrayList<>();
        for (SelectionKey k : selector.selectedKeys()) served.add(k.attachment());
        assertThat(served).as("epoll's order (a hash set would serve them in hash order)").isEqualTo(order);

        // Still readable and not cleared: selected again, each is held once (the selector asks contains first).
        pipes.get(order.get(0)).sink().write(ByteBuffer.wrap(new byte[] {2}));
        selector.selectNow();
        assertThat(selector.selectedKeys()).hasSize(pipes.size());

        // A cancelled key leaves the set at the next select, the rest keep their order.
        SelectionKey first = selector.keys().stream().filter(k -> k.attachment().equals(order.get(0))).findFirst()
            .orElseThrow();
        first.cancel();
        selector.selectNow();
        served.clear();
        for (SelectionKey k : selector.selectedKeys()) served.add(k.attachment());
        assertThat(served).isEqualTo(order.subList(1, order.size()));
      } finally {
        for (Pipe p : pipes) {
          p.sink().close();
          p.source().close();
        }
      }
    }
  }

  @Test
  void aSelectorOfAnotherMakeKeepsItsOwnSet() throws Exception {
    Set<SelectionKey> own = new HashSet<>();
    Selector other = new AbstractSelector(SelectorProvider.provider()) {
      @Override
      protected void implCloseSelector() {}

      @Override
      protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        throw new UnsupportedOperationException("nothing registers with this selector in the test");
      }

      @Override
      public Set<SelectionKey> keys() {
        return Set.of();
      }

      @Override
      public Set<SelectionKey> selectedKeys() {
        return own;
      }

      @Override
      public int selectNow() {
        return 0;
      }

      @Override
      public int select(long timeout) {
        return 0;
      }

      @Override
      public int select() {
        return 0;
      }

      @Override
      public Selector wakeup() {
        return this;
      }
    };
    assertThat(SelectedKeys.installIn(other)).isFalse();
    assertThat(other.selectedKeys()).isSameAs(own);
  }

  @Test
  void everyIoThreadOfAWorkerGetsOne() throws Exception {
    XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 3));
    try {
      SelectedKeys.install(worker);
      Method selectorOf = Class.forName("org.xnio.nio.WorkerThread").getDeclaredMethod("getSelector");
      selectorOf.setAccessible(true);
      for (int i = 0; i < worker.getIoThreadCount(); i++) {
        XnioIoThread thread = worker.getIoThread(i);
        CompletableFuture<Object> set = new CompletableFuture<>();
        thread.execute(() -> {
          try {
            set.complete(((Selector) selectorOf.invoke(thread)).selectedKeys());
          } catch (ReflectiveOperationException e) {
            set.completeExceptionally(e);
          }
        });
        assertThat(set.get(10, TimeUnit.SECONDS)).as("thread %d", i).isInstanceOf(SelectedKeys.class);
      }
    } finally {
      worker.shutdownNow();
    }
  }

  /** Distinct keys, for the set's own bookkeeping (it only compares them). */
  private static List<SelectionKey> keys(int n) {
    List<SelectionKey> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) keys.add(new Key());
    return keys;
  }

  /** A key with no channel or selector: the set only compares keys, never asks them anything. */
  private static final class Key extends SelectionKey {
    @Override
    public SelectableChannel channel() {
      throw new UnsupportedOperationException("the set never asks a key for its channel");
    }

    @Override
    public Selector selector() {
      throw new UnsupportedOperationException("the set never asks a key for its selector");
    }

    @Override
    public boolean isValid() {
      return true;
    }

    @Override
    public void cancel() {}

    @Override
    public int interestOps() {
      return 0;
    }

    @Override
    public SelectionKey interestOps(int ops) {
      return this;
    }

    @Override
    public int readyOps() {
      return 0;
    }
  }
}
