package io.dragoman.gateway.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Reads how a matched request is forwarded: rewrites, headers, timeouts, protocol. */
final class ForwardReader {
  static final Set<String> KEYS =
      Set.of(
          "rewrite", "regex_rewrite", "host_rewrite", "auto_host_rewrite", "add_request_headers",
          "remove_request_headers", "add_response_headers", "remove_response_headers", "timeout_ms",
          "connect_timeout_ms", "idle_timeout_ms", "cluster_idle_timeout_ms", "grpc", "use_websocket",
          "allow_upgrade", "max_request_body_bytes");
  private static final Set<String> REGEX_REWRITE_KEYS = Set.of("pattern", "substitution");

  private ForwardReader() {}

  static ForwardSpec read(Fields f) {
    String hostRewrite = f.string("host_rewrite", "a host name").orElse("");
    boolean autoHostRewrite = f.bool("auto_host_rewrite", false);
    if (autoHostRewrite && !hostRewrite.isEmpty()) {
      f.problems().invalid(f.field("auto_host_rewrite"), true, "not together with host_rewrite");
    }
    return new ForwardSpec(
        rewrite(f),
        regexRewrite(f),
        hostRewrite,
        autoHostRewrite,
        HeaderReader.headersToAdd(f, "add_request_headers"),
        HeaderReader.headerNames(f, "remove_request_headers"),
        HeaderReader.headersToAdd(f, "add_response_headers"),
        HeaderReader.headerNames(f, "remove_response_headers"),
        f.millis("timeout_ms"),
        f.millis("connect_timeout_ms"),
        idleTimeout(f),
        f.bool("grpc", false),
        allowUpgrade(f),
        f.integer("max_request_body_bytes", 1, Long.MAX_VALUE, "an integer number of bytes"));
  }

  /** A non-empty rewrite must be a path: {@code bar} would glue onto the rest of the path ({@code barbaz}). */
  private static String rewrite(Fields f) {
    String rewrite = f.string("rewrite", "a path starting with /, or \"\" to keep the path").orElse("/");
    if (!rewrite.isEmpty() && !rewrite.startsWith("/")) {
      f.problems().invalid(f.field("rewrite"), rewrite, "a path starting with /, or \"\" to keep the path");
      return "/";
    }
    return rewrite;
  }

  private static Optional<RegexRewrite> regexRewrite(Fields f) {
    Optional<Fields> block = f.block("regex_rewrite", "a map with pattern and substitution");
    if (block.isEmpty()) return Optional.empty();
    Fields r = block.get();
    r.rejectUnknown(REGEX_REWRITE_KEYS, Set.of());
    Optional<String> pattern = r.regex("pattern");
    Optional<String> substitution = r.string("substitution", "a string");
    if (!r.has("pattern")) r.problems().missing(r.field("pattern"), "an RE2 regex");
    if (!r.has("substitution")) r.problems().missing(r.field("substitution"), "a string");
    if (pattern.isEmpty() || substitution.isEmpty()) return Optional.empty();
    return Optional.of(new RegexRewrite(pattern.get(), substitution.get()));
  }

  /** {@code idle_timeout_ms}, or Ambassador's {@code cluster_idle_timeout_ms} for the same limit. */
  private static OptionalLong idleTimeout(Fields f) {
    if (f.has("idle_timeout_ms") && f.has("cluster_idle_timeout_ms")) {
      f.problems().invalid(f.field("cluster_idle_timeout_ms"), f.raw("cluster_idle_timeout_ms"),
          "not together with idle_timeout_ms (they set the same limit)");
      return OptionalLong.empty();
    }
    return f.has("cluster_idle_timeout_ms") ? f.millis("cluster_idle_timeout_ms") : f.millis("idle_timeout_ms");
  }

  private static List<String> allowUpgrade(Fields f) {
    List<String> out = new ArrayList<>();
    if (f.bool("use_websocket", false)) out.add("websocket");
    for (String p : f.stringList("allow_upgrade").orElse(List.of())) {
      String protocol = p.trim().toLowerCase(Locale.ROOT);
      if (protocol.isEmpty()) {
        f.problems().invalid(f.field("allow_upgrade"), p, "a protocol name such as websocket");
      } else if (!out.contains(protocol)) {
        out.add(protocol);
      }
    }
    return out;
  }
}
