package io.dragoman.gateway.source;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the configuration files under the roots given on the command line and names each with its source key: the
 * path relative to its root with {@code /} separators (a root that is a file: its file name). When two roots would
 * give the same key, both become {@code <root label>/<key>}.
 */
final class ConfigTree {
  private static final Logger log = LoggerFactory.getLogger(ConfigTree.class);
  private static final int MAX_DEPTH = 32;

  /** A path given as configuration; {@code label} names it when its keys need a prefix. */
  record Root(Path path, String label) {}

  /**
   * @param files source key to file, in key order
   * @param unlisted paths that could not be listed this time (a missing root, an unreadable folder): files known under
   *     them are kept rather than removed, so a transient failure never empties the table
   */
  record Listing(Map<String, Path> files, Set<Path> unlisted) {}

  private ConfigTree() {}

  /** Checks that every path exists and gives each a label that no other root has. */
  static List<Root> roots(List<Path> paths) {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("config paths: [] (expected: at least one file or folder)");
    }
    List<Root> roots = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Path given : paths) {
      Path path = given.toAbsolutePath().normalize();
      if (!Files.exists(path)) {
        throw new IllegalArgumentException("config path " + given + " does not exist (expected: a file or folder)");
      }
      String name = label(path);
      int n = seen.merge(name, 1, Integer::sum);
      roots.add(new Root(path, n == 1 ? name : name + "-" + n));
    }
    return List.copyOf(roots);
  }

  /** The folder's name, or for a file the name of the folder holding it. */
  private static String label(Path path) {
    Path named = Files.isDirectory(path) ? path : path.getParent();
    Path name = named == null ? null : named.getFileName();
    return name == null ? "root" : name.toString();
  }

  /** Lists every configuration file; {@code onDirectory} sees each folder walked (to watch it). */
  static Listing list(List<Root> roots, Consumer<Path> onDirectory) {
    Set<Path> unlisted = new HashSet<>();
    Set<Path> taken = new HashSet<>();
    List<Map<String, Path>> perRoot = new ArrayList<>();
    for (Root root : roots) {
      Map<String, Path> files = new LinkedHashMap<>();
      listRoot(root.path(), files, unlisted, onDirectory);
      // The same file under two roots (one inside the other) is read once, under the first.
      files.values().removeIf(p -> !taken.add(p));
      perRoot.add(files);
    }
    return new Listing(uniqueKeys(roots, perRoot), Set.copyOf(unlisted));
  }

  private static Map<String, Path> uniqueKeys(List<Root> roots, List<Map<String, Path>> perRoot) {
    Map<String, Integer> count = new HashMap<>();
    perRoot.forEach(files -> files.keySet().forEach(k -> count.merge(k, 1, Integer::sum)));
    Map<String, Path> out = new TreeMap<>();
    for (int i = 0; i < roots.size(); i++) {
      String label = roots.get(i).label();
      for (Map.Entry<String, Path> e : perRoot.get(i).entrySet()) {
        String key = count.get(e.getKey()) > 1 ? label + "/" + e.getKey() : e.getKey();
        Path clash = out.putIfAbsent(key, e.getValue());
        if (clash != null) {
          log.warn("config file {} ignored: its source key {} is already used by {}", e.getValue(), key, clash);
        }
      }
    }
    return out;
  }

  private static void listRoot(Path root, Map<String, Path> files, Set<Path> unlisted, Consumer<Path> onDirectory) {
    if (!Files.exists(root)) {
      unlisted.add(root);
      return;
    }
    if (!Files.isDirectory(root)) {
      if (root.getParent() != null) {
        onDirectory.accept(root.getParent());
      }
      files.put(root.getFileName().toString(), root);
      return;
    }
    try {
      Files.walkFileTree(
          root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new Walker(root, files, unlisted, onDirectory));
    } catch (IOException e) {
      log.warn("cannot list config folder {}: {}", root, e.toString());
      unlisted.add(root);
    }
  }

  /**
   * Whether a path below a root is configuration: a {@code .yaml}/{@code .yml} file, with no hidden component. Hidden
   * names cover editor droppings ({@code .#x}, {@code .x.swp}) and the {@code ..data} folders of ConfigMap volumes,
   * whose files are reached through the visible symlinks instead.
   */
  static boolean isConfigFile(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return false;
      }
    }
    String name = relative.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static String key(Path relative) {
    List<String> parts = new ArrayList<>();
    relative.forEach(p -> parts.add(p.toString()));
    return String.join("/", parts);
  }

  private static final class Walker extends SimpleFileVisitor<Path> {
    private final Path root;
    private final Map<String, Path> files;
    private final Set<Path> unlisted;
    private final Consumer<Path> onDirectory;

    Walker(Path root, Map<String, Path> files, Set<Path> unlisted, Consumer<Path> onDirectory) {
      this.root = root;
      this.files = files;
      this.unlisted = unlisted;
      this.onDirectory = onDirectory;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
      if (!dir.equals(root) && dir.getFileName().toString().startsWith(".")) {
        return FileVisitResult.SKIP_SUBTREE;
      }
      onDirectory.accept(dir);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
      Path relative = root.relativize(file);
      if (attrs.isRegularFile() && isConfigFile(relative)) {
        files.put(key(relative), file);
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) {
      if (e instanceof FileSystemLoopException) {
        log.warn("config folder {} links back to a folder above it; not followed", file);
      } else {
        log.warn("cannot read {}: {}", file, e.toString());
        unlisted.add(file);
      }
      return FileVisitResult.CONTINUE;
    }
  }
}
