package io.dragoman.gateway.source.kubernetes;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the Kubernetes source watches.
 *
 * @param namespace the gateway's own namespace; the only one watched when {@code singleNamespace}
 * @param singleNamespace watch Services in {@code namespace} only, instead of cluster-wide
 * @param labelSelector {@code key=value}: only Services carrying that label
 * @param resync how often the informer re-delivers its whole cache ({@link Duration#ZERO}: never; the watch and
 *     relists already keep it exact)
 */
public record KubernetesSourceSettings(
    String namespace, boolean singleNamespace, Optional<String> labelSelector, Duration resync) {

  public KubernetesSourceSettings {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(labelSelector, "labelSelector");
    Objects.requireNonNull(resync, "resync");
    if (namespace.isBlank()) {
      throw new IllegalArgumentException("namespace: \"" + namespace + "\" (expected: a namespace name)");
    }
    labelSelector.ifPresent(LabelMatch::parse);
    if (resync.isNegative()) {
      throw new IllegalArgumentException("resync: " + resync + " (expected: >= 0)");
    }
  }

  /** Cluster-wide, no selector, no resync. */
  public static KubernetesSourceSettings clusterWide(String namespace) {
    return new KubernetesSourceSettings(namespace, false, Optional.empty(), Duration.ZERO);
  }

  /** The parsed selector. */
  public Optional<LabelMatch> labelMatch() {
    return labelSelector.map(LabelMatch::parse);
  }

  /**
   * One label that a Service must carry with exactly this value.
   *
   * @param value may be empty (a label with an empty value)
   */
  public record LabelMatch(String key, String value) {
    public LabelMatch {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    // Label syntax (prefix/name, then a value): anything else (a list, !=, "in (...)") is a selector we don't offer.
    private static final Pattern KEY = Pattern.compile("([a-z0-9.-]+/)?[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)?");

    /** Parses {@code key=value}; surrounding blanks are ignored. */
    public static LabelMatch parse(String selector) {
      int eq = selector.indexOf('=');
      String key = eq < 0 ? "" : selector.substring(0, eq).trim();
      String value = eq < 0 ? "" : selector.substring(eq + 1).trim();
      if (!KEY.matcher(key).matches() || !VALUE.matcher(value).matches()) {
        throw new IllegalArgumentException("labelSelector: \"" + selector + "\" (expected: key=value)");
      }
      return new LabelMatch(key, value);
    }
  }
}
