package io.dragoman.gateway.admin;

import io.dragoman.gateway.mapping.ServiceRef;
import io.dragoman.gateway.routing.Route;
import io.dragoman.gateway.routing.RouteGroup;
import io.dragoman.gateway.routing.RouteTable;
import java.util.ArrayList;
import java.util.List;

/** The route order and derived values the JSON and HTML views share, so both always tell the same story. */
final class DiagRoutes {
  private DiagRoutes() {}

  /**
   * One row of the diagnostics: a route with the group it belongs to.
   *
   * @param groupIndex the group's position in match order
   */
  record Row(Route route, RouteGroup group, int groupIndex, boolean shadow) {}

  /** Every route in match order: each group's members, then its shadows. */
  static List<Row> inMatchOrder(RouteTable table) {
    List<Row> rows = new ArrayList<>(table.routeCount());
    List<RouteGroup> groups = table.groups();
    for (int i = 0; i < groups.size(); i++) {
      RouteGroup g = groups.get(i);
      for (Route r : g.members()) rows.add(new Row(r, g, i, false));
      for (Route r : g.shadows()) rows.add(new Row(r, g, i, true));
    }
    return rows;
  }

  /** Effective weight as an operator reads it: a percentage with two decimals. */
  static double percent(Route route) {
    return Math.round(route.weightPercent() * 100.0) / 100.0;
  }

  /** Where traffic goes: {@code host:port}, with {@code https://} when the upstream speaks TLS. */
  static String target(ServiceRef service) {
    return service.tls() ? "https://" + service.authority() : service.authority();
  }
}
