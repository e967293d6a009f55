package io.dragoman.gateway.routing;

import com.google.re2j.Pattern;
import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.ModuleConfig;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.Skipped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles parsed sources into a {@link RouteTable}: name uniqueness per namespace and kind (by source key order),
 * Module defaults, canary groups and their weights, the documented order, compiled matchers and a prefix index.
 * Pure apart from the injected clock; never throws on bad configuration: every problem becomes a
 * {@link ConfigError} in the table.
 *
 * <p>Sources are taken in key order, objects in source order, so the table never depends on the order events
 * arrived in. A Mapping whose (namespace, name) is taken by an earlier one is an error and left out; the first
 * {@code Module ambassador} is the effective one and any other is an error.
 *
 * <p>Groups are tried in this order, first to last:
 *
 * <ol>
 *   <li>{@code precedence}, higher first;
 *   <li>length of {@code prefix}, longer first;
 *   <li>{@link MatchSpec#constraintWeight()}, more constrained first;
 *   <li>a fixed tie-break, each ascending by {@link String#compareTo}: prefix text, method, headers (sorted
 *       conditions, compared one by one; fewer first when one list starts the other), query parameters (likewise),
 *       host; then the flags (plain before regex prefix, inexact before exact, case-sensitive first, plain before
 *       regex method and host); then namespace and name of the group's first member.
 * </ol>
 */
public final class RouteTableBuilder {
  private static final String MODULE_NAME = "ambassador";

  private final Clock clock;
  private final UpstreamPolicy policy;

  public RouteTableBuilder(Clock clock) {
    this(clock, UpstreamPolicy.DEFAULTS);
  }

  public RouteTableBuilder(Clock clock, UpstreamPolicy policy) {
    this.clock = clock;
    this.policy = policy;
  }

  /**
   * @param sources every source's parsed objects (the caller has already substituted last good objects for
   *     unreadable sources, which are shown as stale)
   * @param previous the table serving now; a canary group whose weights became invalid keeps its previous members
   */
  public RouteTable build(List<ParsedSource> sources, RouteTable previous) {
    List<ParsedSource> sorted = new ArrayList<>(sources);
    sorted.sort(Comparator.comparing(ParsedSource::key));
    List<ConfigError> errors = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (ParsedSource s : sorted) {
      errors.addAll(s.errors());
      skipped.addAll(s.skipped());
    }
    ModuleConfig module = effectiveModule(sorted, errors);
    List<Mapping> mappings = allowedUpstreams(uniqueMappings(sorted, errors), errors);

    Map<MatchSpec, CompiledMatch> compiled = new HashMap<>();
    Map<MatchSpec, List<CanaryGroups.Candidate>> bySpec = compile(mappings, compiled, errors);
    Map<MatchSpec, RouteGroup> before = new HashMap<>();
    for (RouteGroup g : previous.groups()) before.put(g.match(), g);
    if (policy.prefixOwnership()) PrefixOwnership.enforce(bySpec, before, errors);

    CanaryGroups assembler = new CanaryGroups(new RouteDefaults(module), errors);
    List<RouteGroup> groups = new ArrayList<>();
    for (Map.Entry<MatchSpec, List<CanaryGroups.Candidate>> e : bySpec.entrySet()) {
      RouteGroup g = assembler.assemble(e.getKey(), e.getValue(), before.get(e.getKey()));
      if (g != null) groups.add(g);
    }
    groups.sort(RouteOrder.INSTANCE);
    List<CompiledMatch> matches = new ArrayList<>(groups.size());
    for (RouteGroup g : groups) matches.add(compiled.computeIfAbsent(g.match(), CompiledMatch::compile));

    return new RouteTable(
        groups,
        errors,
        skipped,
        sourceInfos(sorted, errors),
        previous.generation() + 1,
        clock.instant(),
        IndexedRouteMatcher.of(groups, matches));
  }

  private List<Mapping> allowedUpstreams(List<Mapping> mappings, List<ConfigError> errors) {
    List<Mapping> out = new ArrayList<>(mappings.size());
    for (Mapping m : mappings) {
      Optional<String> refusal = policy.refusal(m);
      if (refusal.isPresent()) {
        errors.add(CanaryGroups.error(m, "service", "service: " + refusal.get()));
      } else {
        out.add(m);
      }
    }
    return out;
  }

  private static ModuleConfig effectiveModule(List<ParsedSource> sorted, List<ConfigError> errors) {
    ModuleConfig first = null;
    for (ParsedSource s : sorted) {
      for (ModuleConfig m : s.modules()) {
        if (first == null) {
          first = m;
          continue;
        }
        errors.add(new ConfigError(m.source(), m.objectId(), "name",
            "\"" + MODULE_NAME + "\" (expected: one Module " + MODULE_NAME + "; the one in source "
                + first.source() + " is in effect and this one is ignored)"));
      }
    }
    return first == null ? ModuleConfig.NONE : first;
  }

  private static List<Mapping> uniqueMappings(List<ParsedSource> sorted, List<ConfigError> errors) {
    Map<String, Mapping> byName = new HashMap<>();
    List<Mapping> out = new ArrayList<>();
    for (ParsedSource s : sorted) {
      for (Mapping m : s.mappings()) {
        Mapping first = byName.putIfAbsent(m.namespace() + "/" + m.name(), m);
        if (first == null) {
          out.add(m);
          continue;
        }
        errors.add(CanaryGroups.error(m, "name",
            "\"" + m.name() + "\" (expected: a Mapping name unique in namespace " + m.namespace()
                + "; source " + first.source() + " already defines it and keeps it)"));
      }
    }
    return out;
  }

  /** Compiles each Mapping's regexes and rewrite; one that fails is an error and left out. Groups by spec. */
  private static Map<MatchSpec, List<CanaryGroups.Candidate>> compile(
      List<Mapping> mappings, Map<MatchSpec, CompiledMatch> compiled, List<ConfigError> errors) {
    Map<MatchSpec, List<CanaryGroups.Candidate>> bySpec = new LinkedHashMap<>();
    Map<String, Pattern> tails = new HashMap<>(); // shared by regex prefixes that differ only in their literal start
    for (Mapping m : mappings) {
      try {
        if (!compiled.containsKey(m.match())) compiled.put(m.match(), CompiledMatch.compile(m.match(), tails));
        PathRewriter rewriter = PathRewriters.compile(m);
        bySpec.computeIfAbsent(m.match(), k -> new ArrayList<>()).add(new CanaryGroups.Candidate(m, rewriter));
      } catch (InvalidRegexException e) {
        errors.add(CanaryGroups.error(m, e.field(), e.getMessage()));
      }
    }
    return bySpec;
  }

  private static List<SourceInfo> sourceInfos(List<ParsedSource> sorted, List<ConfigError> errors) {
    Map<String, Integer> errorCounts = new HashMap<>();
    for (ConfigError e : errors) errorCounts.merge(e.source(), 1, Integer::sum);
    List<SourceInfo> out = new ArrayList<>();
    for (ParsedSource s : sorted) {
      out.add(new SourceInfo(
          s.key(), s.namespace(), s.objectCount(), errorCounts.getOrDefault(s.key(), 0), s.unreadable()));
    }
    return out;
  }
}
