package io.dragoman.gateway.proxy;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jboss.logging.Logger;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

/**
 * A selector's selected-key set kept as an array in the order epoll reported the keys, put in place of the JDK's
 * {@code HashSet} on each of XNIO's I/O threads (as Netty does on its own).
 *
 * <p>Why: XNIO's I/O thread copies the set to an array after every select and serves the keys in that order. From a
 * {@code HashSet} that is hash order, the same for the same connections batch after batch: under load the
 * connections whose keys hash last waited for every other ready one, each time. In epoll's order the connection
 * that became ready first is served first, as nginx serves its connections. The array also spares a hash insert, a
 * node and a table clear per event.
 *
 * <p>The set keeps {@link Set}'s contract (the selector asks {@link #contains} before it adds, and removes cancelled
 * keys): a key is never held twice, which matters after XNIO's {@code cancelKey} selects without clearing the set.
 * Only its selector's thread touches it.
 *
 * <p>The swap writes two final fields of the JDK's {@code SelectorImpl} by reflection, which Java 17 allows once the
 * package is opened; later JDKs warn about such writes (JEP 500) and may refuse them, and then the selectors keep
 * their own set.
 */
final class SelectedKeys extends AbstractSet<SelectionKey> {
  private static final Logger log = Logger.getLogger(SelectedKeys.class);
  /** Up to this many keys {@link #contains} scans the array; beyond, it keeps a hash index too. */
  static final int SCAN_LIMIT = 32;

  private SelectionKey[] keys = new SelectionKey[64];
  private int size;
  /** Built once the set outgrows {@link #SCAN_LIMIT}; null below. */
  private Set<SelectionKey> index;

  @Override
  public boolean add(SelectionKey key) {
    if (key == null || contains(key)) return false;
    if (size == keys.length) keys = Arrays.copyOf(keys, size * 2);
    keys[size++] = key;
    if (index != null) {
      index.add(key);
    } else if (size > SCAN_LIMIT) {
      index = new HashSet<>(Arrays.asList(keys).subList(0, size));
    }
    return true;
  }

  @Override
  public boolean contains(Object o) {
    if (index != null) return index.contains(o);
    for (int i = 0; i < size; i++) if (keys[i] == o) return true;
    return false;
  }

  @Override
  public boolean remove(Object o) {
    if (index != null && !index.contains(o)) return false; // the selector removes every cancelled key
    for (int i = 0; i < size; i++) {
      if (keys[i] != o) continue;
      System.arraycopy(keys, i + 1, keys, i, size - i - 1); // keeps the order of the rest
      keys[--size] = null;
      if (index != null) index.remove(o);
      return true;
    }
    return false;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void clear() {
    Arrays.fill(keys, 0, size, null);
    size = 0;
    index = null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T[] toArray(T[] a) {
    T[] out = a.length >= size ? a : (T[]) java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), size);
    System.arraycopy(keys, 0, out, 0, size);
    if (out.length > size) out[size] = null;
    return out;
  }

  @Override
  public Iterator<SelectionKey> iterator() {
    return new Iterator<>() {
      private int next;
      private boolean removable;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public SelectionKey next() {
        if (next >= size) throw new NoSuchElementException();
        removable = true;
        return keys[next++];
      }

      @Override
      public void remove() {
        if (!removable) throw new IllegalStateException();
        removable = false;
        SelectedKeys.this.remove(keys[--next]);
      }
    };
  }

  /**
   * Puts a {@code SelectedKeys} in each I/O thread's selector, from that thread between two selects. Needs the
   * JDK's {@code sun.nio.ch} opened to the gateway (the jar's manifest says {@code Add-Opens}); without it, or on a
   * JDK whose selector is built otherwise, the selectors keep their own set and the gateway works as before.
   */
  static void install(XnioWorker worker) {
    Method selectorOf = Access.selectorOf();
    if (selectorOf == null || Access.fields() == null) return;
    for (int i = 0; i < worker.getIoThreadCount(); i++) {
      XnioIoThread thread = worker.getIoThread(i);
      thread.execute(() -> {
        try {
          installIn((Selector) selectorOf.invoke(thread));
        } catch (ReflectiveOperationException | RuntimeException e) {
          log.infof("%s serves ready connections in hash order (%s)", thread, e);
        }
      });
    }
  }

  /**
   * Puts a {@code SelectedKeys} in {@code selector}; on its selecting thread, between two selects.
   *
   * @return false when the JDK does not let it (see {@link #install})
   */
  static boolean installIn(Selector selector) {
    Field[] fields = Access.fields();
    if (fields == null || !fields[0].getDeclaringClass().isInstance(selector)) return false;
    Object[] before = new Object[2];
    try {
      before[0] = fields[0].get(selector);
      before[1] = fields[1].get(selector); // what selectedKeys() hands out (the JDK's: a read-and-remove view)
      SelectedKeys keys = new SelectedKeys();
      @SuppressWarnings("unchecked")
      Set<SelectionKey> selected = (Set<SelectionKey>) before[0];
      keys.addAll(selected);
      fields[0].set(selector, keys);
      fields[1].set(selector, keys);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Both or neither: a selector adding to one set while XNIO reads the other would never serve a key again.
      try {
        if (before[1] != null) {
          fields[0].set(selector, before[0]);
          fields[1].set(selector, before[1]);
        }
      } catch (ReflectiveOperationException | RuntimeException again) {
        e.addSuppressed(again);
      }
      log.infof("an I/O thread's selector serves ready connections in hash order (%s)", e);
      return false;
    }
  }

  /** The reflective access, looked up once. */
  private static final class Access {
    private static final Field[] FIELDS = lookUpFields();
    private static final Method SELECTOR_OF = lookUpSelectorOf();

    static Field[] fields() {
      return FIELDS;
    }

    static Method selectorOf() {
      return SELECTOR_OF;
    }

    private static Field[] lookUpFields() {
      try {
        Class<?> impl = Class.forName("sun.nio.ch.SelectorImpl");
        Field selected = impl.getDeclaredField("selectedKeys");
        Field publicSelected = impl.getDeclaredField("publicSelectedKeys");
        selected.setAccessible(true); // throws unless java.base opens sun.nio.ch to the gateway
        publicSelected.setAccessible(true);
        return new Field[] {selected, publicSelected};
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.infof("I/O threads serve ready connections in the JDK selector's hash order, not the order they became"
            + " ready: start the gateway with java -jar, or add --add-opens java.base/sun.nio.ch=ALL-UNNAMED (%s)", e);
        return null;
      }
    }

    private static Method lookUpSelectorOf() {
      try {
        Method m = Class.forName("org.xnio.nio.WorkerThread").getDeclaredMethod("getSelector");
        m.setAccessible(true);
        return m;
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.infof("I/O threads serve ready connections in hash order: XNIO's thread has no selector to reach (%s)", e);
        return null;
      }
    }
  }
}
