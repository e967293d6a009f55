package io.dragoman.kubeflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Command-line arguments: positionals and {@code --flag value} / {@code --flag=value} options. */
public final class Args {
  /** A usage error; the message says what was expected. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }

  private final List<String> positionals = new ArrayList<>();
  private final Map<String, List<String>> options = new LinkedHashMap<>();

  /** @param known the option names accepted, without dashes */
  public static Args parse(List<String> argv, Set<String> known) {
    Args a = new Args();
    for (int i = 0; i < argv.size(); i++) {
      String s = argv.get(i);
      if (!s.startsWith("--")) {
        a.positionals.add(s);
        continue;
      }
      String name = s.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < argv.size()) {
        value = argv.get(++i);
      } else {
        throw new UsageException("--" + name + ": no value (expected: --" + name + " VALUE)");
      }
      if (!known.contains(name)) {
        throw new UsageException("--" + name + ": unknown option (expected one of: --" + String.join(", --",
            known.stream().sorted().toList()) + ")");
      }
      a.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return a;
  }

  public List<String> positionals() {
    return List.copyOf(positionals);
  }

  public List<String> all(String name) {
    return List.copyOf(options.getOrDefault(name, List.of()));
  }

  public String get(String name, String fallback) {
    List<String> v = options.get(name);
    return v == null ? fallback : v.get(v.size() - 1);
  }

  public int intValue(String name, int fallback, int min) {
    String v = get(name, null);
    if (v == null) return fallback;
    try {
      int n = Integer.parseInt(v);
      if (n >= min) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--" + name + ": \"" + v + "\" (expected: an integer >= " + min + ")");
  }
}
