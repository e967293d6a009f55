package io.dragoman.gateway.routing;

import io.dragoman.gateway.mapping.Condition;
import io.dragoman.gateway.mapping.MatchSpec;
import java.util.Comparator;
import java.util.List;

/**
 * The order in which a table tries its groups (see {@link RouteTableBuilder} for the rules). A total order: two
 * distinct groups never compare equal, because their match specs differ or their first members' names do.
 */
final class RouteOrder implements Comparator<RouteGroup> {
  static final RouteOrder INSTANCE = new RouteOrder();

  private RouteOrder() {}

  @Override
  public int compare(RouteGroup a, RouteGroup b) {
    int c = compareSpecs(a.match(), b.match());
    if (c != 0) return c;
    return compareFirstMember(a, b);
  }

  static int compareSpecs(MatchSpec a, MatchSpec b) {
    int c = Integer.compare(b.precedence(), a.precedence());
    if (c != 0) return c;
    c = Integer.compare(b.prefix().length(), a.prefix().length());
    if (c != 0) return c;
    c = Integer.compare(b.constraintWeight(), a.constraintWeight());
    if (c != 0) return c;
    c = a.prefix().compareTo(b.prefix());
    if (c != 0) return c;
    c = a.method().compareTo(b.method());
    if (c != 0) return c;
    c = compareConditions(a.headers(), b.headers());
    if (c != 0) return c;
    c = compareConditions(a.queryParameters(), b.queryParameters());
    if (c != 0) return c;
    c = a.host().compareTo(b.host());
    if (c != 0) return c;
    return Integer.compare(flags(a), flags(b));
  }

  /** Lexicographic over two sorted lists; a list that is a prefix of the other sorts first. */
  private static int compareConditions(List<Condition> a, List<Condition> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) return c;
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int flags(MatchSpec m) {
    return (m.prefixRegex() ? 16 : 0)
        | (m.prefixExact() ? 8 : 0)
        | (m.caseSensitive() ? 0 : 4)
        | (m.methodRegex() ? 2 : 0)
        | (m.hostRegex() ? 1 : 0);
  }

  private static int compareFirstMember(RouteGroup a, RouteGroup b) {
    Route ra = first(a);
    Route rb = first(b);
    int c = ra.mapping().namespace().compareTo(rb.mapping().namespace());
    return c != 0 ? c : ra.mapping().name().compareTo(rb.mapping().name());
  }

  private static Route first(RouteGroup g) {
    return g.members().isEmpty() ? g.shadows().get(0) : g.members().get(0);
  }
}
