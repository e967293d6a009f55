package io.dragoman.gateway.source;

import io.dragoman.gateway.mapping.SourceObject;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration from YAML files: each path is a file or a folder (every {@code *.yaml}/{@code *.yml} below it). {@link
 * #start} loads them all, then a thread keeps the store in step: a WatchService wakes it promptly on a change, and a
 * rescan every {@code pollInterval} catches what events miss (symlink swaps of ConfigMap volumes, folders created
 * between events, file systems without events). Only files whose content changed are put again.
 */
public final class FileSource implements AutoCloseable {
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
  static final String THREAD_NAME = "dragoman-file-source";
  private static final Logger log = LoggerFactory.getLogger(FileSource.class);
  // Editors save in several steps (temp file, rename, chmod): wait for a short quiet spell so one save is one rescan.
  private static final long SETTLE_QUIET_MS = 20;
  private static final long SETTLE_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  // Some file systems keep modification times to the second or coarser: a file read within this time of its last
  // modification may change again with the same size and time, so it is read again until it has been quiet longer.
  private static final long RACY_MILLIS = 2_000;

  /** What was last seen of a file: cheap attributes to notice a change, the digest to confirm it. */
  private record Seen(Path path, Object fileKey, long size, FileTime modified, long readAtMillis, String digest) {
    boolean unchanged(Path p, BasicFileAttributes a) {
      return path.equals(p) && Objects.equals(fileKey, a.fileKey()) && size == a.size()
          && modified.equals(a.lastModifiedTime())
          && readAtMillis - modified.toMillis() > RACY_MILLIS;
    }
  }

  private final List<Path> paths;
  private final String namespace;
  private final ConfigStore store;
  private final long pollMillis;
  private final CountDownLatch closing = new CountDownLatch(1);
  // Guarded by this.
  private final Map<String, Seen> seen = new HashMap<>();
  private final Map<Path, WatchKey> watched = new HashMap<>();
  private List<ConfigTree.Root> roots;
  private WatchService watcher;
  private Thread thread;

  public FileSource(List<Path> paths, String defaultNamespace, ConfigStore store, Duration pollInterval) {
    this.paths = List.copyOf(paths);
    this.namespace = Objects.requireNonNull(defaultNamespace, "defaultNamespace");
    this.store = Objects.requireNonNull(store, "store");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: > 0)");
    }
    this.pollMillis = pollInterval.toMillis();
  }

  /**
   * Puts every file into the store before returning (flush the store to wait for the table), then starts watching.
   *
   * @throws IllegalArgumentException if a path does not exist
   */
  public synchronized void start() {
    if (roots != null) {
      throw new IllegalStateException("file source already started");
    }
    roots = ConfigTree.roots(paths);
    watcher = newWatcher();
    scan();
    thread = new Thread(this::run, THREAD_NAME);
    thread.setDaemon(true);
    thread.start();
  }

  /** Source keys loaded now, in order. */
  public synchronized List<String> keys() {
    return seen.keySet().stream().sorted().toList();
  }

  @Override
  public void close() {
    closing.countDown();
    Thread t;
    synchronized (this) {
      t = thread;
      closeWatcher();
    }
    // No interrupt: closing the watcher or the latch wakes the thread, and an interrupt would fail a read in progress.
    if (t == null) {
      return;
    }
    try {
      t.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    while (closing.getCount() > 0) {
      try {
        awaitChange();
        if (closing.getCount() > 0) {
          scan();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("rescanning config files failed; trying again in {} ms", pollMillis, e);
      }
    }
  }

  /** Returns on a file event, after the poll interval, or at close. */
  private void awaitChange() throws InterruptedException {
    WatchService w = watcher;
    if (w == null) {
      closing.await(pollMillis, TimeUnit.MILLISECONDS);
      return;
    }
    WatchKey key = w.poll(pollMillis, TimeUnit.MILLISECONDS);
    long deadline = System.nanoTime() + SETTLE_MAX_NANOS;
    while (key != null) {
      key.pollEvents();
      key.reset();
      if (System.nanoTime() > deadline) {
        return;
      }
      key = w.poll(SETTLE_QUIET_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** Compares the files on disk with what the store was given, and tells it what changed. */
  synchronized void scan() {
    if (closing.getCount() == 0) {
      return;
    }
    watched.values().removeIf(k -> !k.isValid());
    ConfigTree.Listing listing = ConfigTree.list(roots, this::watch);
    listing.files().forEach(this::refresh);
    List<String> gone = seen.entrySet().stream()
        .filter(e -> !listing.files().containsKey(e.getKey()) && !isUnder(e.getValue().path(), listing))
        .map(Map.Entry::getKey)
        .toList();
    for (String key : gone) {
      log.info("config file {} removed", seen.get(key).path());
      seen.remove(key);
      store.remove(key);
    }
  }

  private void refresh(String key, Path file) {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return; // Gone between listing and now: the next scan removes it.
    }
    Seen before = seen.get(key);
    if (before != null && before.unchanged(file, attrs)) {
      return;
    }
    long readAt = System.currentTimeMillis();
    FileContent content = FileContent.read(file);
    seen.put(key, new Seen(file, attrs.fileKey(), attrs.size(), attrs.lastModifiedTime(), readAt, content.digest()));
    if (before != null && before.digest().equals(content.digest())) {
      return;
    }
    if (content.readable()) {
      store.put(new SourceObject(key, namespace, Map.of(), content.text()));
    } else {
      log.warn("config file {} cannot be used: {}", file, content.error());
      store.putUnreadable(key, namespace, content.error());
    }
  }

  private static boolean isUnder(Path file, ConfigTree.Listing listing) {
    return listing.unlisted().stream().anyMatch(file::startsWith);
  }

  private void watch(Path dir) {
    if (watcher == null || watched.containsKey(dir)) {
      return;
    }
    try {
      WatchKey key = dir.register(
          watcher,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_DELETE,
          StandardWatchEventKinds.ENTRY_MODIFY);
      watched.put(dir, key);
    } catch (IOException | ClosedWatchServiceException e) {
      log.debug("not watching {} ({}); the periodic rescan covers it", dir, e.toString());
    }
  }

  private WatchService newWatcher() {
    try {
      return roots.get(0).path().getFileSystem().newWatchService();
    } catch (IOException | UnsupportedOperationException e) {
      // Inotify instances are a per-user limit on Linux: without one, the rescan alone still converges.
      log.warn("file change events unavailable ({}); rescanning every {} ms", e.toString(), pollMillis);
      return null;
    }
  }

  private void closeWatcher() {
    if (watcher == null) {
      return;
    }
    try {
      watcher.close();
    } catch (IOException e) {
      log.debug("closing the file watcher failed", e);
    }
  }
}
