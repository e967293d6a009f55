package io.dragoman.gateway.admin;

import io.dragoman.gateway.mapping.Condition;
import io.dragoman.gateway.mapping.ConfigError;
import io.dragoman.gateway.mapping.ForwardSpec;
import io.dragoman.gateway.mapping.MatchSpec;
import io.dragoman.gateway.mapping.Skipped;
import io.dragoman.gateway.routing.Route;
import io.dragoman.gateway.routing.RouteGroup;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.SourceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The diagnostics page for a person: one self-contained HTML document, no scripts. Every value that came from
 * configuration is untrusted (annotations are written by anyone who can edit a Service) and passes through
 * {@link #escape} before it reaches the page.
 */
public final class DiagnosticsHtml {
  private static final String STYLE =
      """
      body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
      h1{font-size:1.4em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em}
      table{border-collapse:collapse;width:100%;font-size:.9em}
      th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
      th{background:#f0f0f0}code{font-family:ui-monospace,monospace}
      .ok{color:#176f2c;font-weight:bold}.bad{color:#b00020;font-weight:bold}
      .errors td{background:#fdecea}.stale{background:#fff4d6}
      .flag{display:inline-block;font-size:.8em;background:#e8eaf6;border-radius:3px;padding:0 .3em;margin-left:.3em}
      .shadow{color:#666;font-style:italic}.muted{color:#777}
      """;

  private DiagnosticsHtml() {}

  public static String render(RouteTable table, DiagInfo info) {
    StringBuilder b = new StringBuilder(8192);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Dragoman diagnostics</title><style>")
        .append(STYLE)
        .append("</style></head><body>\n");
    header(b, table, info);
    routes(b, table);
    errors(b, table.errors());
    skipped(b, table.skipped());
    sources(b, table.sources());
    b.append("</body></html>\n");
    return b.toString();
  }

  /** Escapes text for element content and quoted attribute values. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static void header(StringBuilder b, RouteTable table, DiagInfo info) {
    b.append("<h1>Dragoman diagnostics</h1>\n<p>")
        .append(info.ready() ? "<span class=\"ok\">READY</span>" : "<span class=\"bad\">NOT READY</span>")
        .append(" &middot; generation ").append(table.generation())
        .append(" &middot; built at ").append(escape(table.builtAt().toString()))
        .append(" &middot; ").append(table.routeCount()).append(" routes")
        .append(" &middot; ").append(table.errors().isEmpty() ? "0 errors" : "<span class=\"bad\">"
            + table.errors().size() + " errors</span>")
        .append(" &middot; ").append(table.skipped().size()).append(" skipped")
        .append(" &middot; ").append(table.sources().size()).append(" sources</p>\n<p class=\"muted\">")
        .append("version ").append(escape(info.version()))
        .append(" &middot; ambassador_id ").append(escape(info.ambassadorId()))
        .append(" &middot; namespace ").append(escape(info.gatewayNamespace()))
        .append(" &middot; started ").append(escape(info.startedAt().toString()))
        .append("</p>\n");
  }

  private static void routes(StringBuilder b, RouteTable table) {
    b.append("<h2>Routes, in match order</h2>\n");
    List<DiagRoutes.Row> rows = DiagRoutes.inMatchOrder(table);
    if (rows.isEmpty()) {
      b.append("<p class=\"muted\">No routes.</p>\n");
      return;
    }
    b.append("<table class=\"routes\"><tr><th>#</th><th>prefix</th><th>method</th><th>conditions</th>")
        .append("<th>precedence</th><th>upstream</th><th>rewrite</th><th>name</th><th>source</th></tr>\n");
    for (DiagRoutes.Row row : rows) route(b, row);
    b.append("</table>\n");
  }

  private static void route(StringBuilder b, DiagRoutes.Row row) {
    Route r = row.route();
    MatchSpec m = r.mapping().match();
    b.append(row.shadow() ? "<tr class=\"shadow\">" : "<tr>")
        .append("<td>").append(row.groupIndex()).append("</td>")
        .append("<td><code>").append(escape(m.prefix())).append("</code>").append(prefixFlags(m)).append("</td>")
        .append("<td>").append(m.method().isEmpty() ? "<span class=\"muted\">any</span>" : "<code>"
            + escape(m.method()) + "</code>" + (m.methodRegex() ? flag("regex") : "")).append("</td>")
        .append("<td>").append(conditions(m)).append("</td>")
        .append("<td>").append(m.precedence()).append("</td>")
        .append("<td>").append(upstream(r, row.shadow())).append("</td>")
        .append("<td>").append(rewrite(r.mapping().forward())).append("</td>")
        .append("<td>").append(escape(r.mapping().name())).append(" <span class=\"muted\">")
        .append(escape(r.mapping().namespace())).append("</span>").append(sharedFlag(row.group()))
        .append(informational(r.mapping().informational())).append("</td>")
        .append("<td><code>").append(escape(r.mapping().objectId())).append("</code></td></tr>\n");
  }

  private static String prefixFlags(MatchSpec m) {
    StringBuilder f = new StringBuilder();
    if (m.prefixRegex()) f.append(flag("regex"));
    if (m.prefixExact()) f.append(flag("exact"));
    if (!m.caseSensitive()) f.append(flag("case-insensitive"));
    return f.toString();
  }

  private static String conditions(MatchSpec m) {
    List<String> parts = new ArrayList<>();
    if (!m.host().isEmpty()) {
      parts.add("host " + (m.hostRegex() ? "~ " : "= ") + "<code>" + escape(m.host()) + "</code>");
    }
    for (Condition c : m.headers()) parts.add("header " + condition(c));
    for (Condition c : m.queryParameters()) parts.add("query " + condition(c));
    return parts.isEmpty() ? "<span class=\"muted\">none</span>" : String.join("<br>", parts);
  }

  private static String condition(Condition c) {
    String name = "<code>" + escape(c.name()) + "</code>";
    return switch (c.kind()) {
      case PRESENT -> name + " present";
      case EXACT -> name + " = <code>" + escape(c.value()) + "</code>";
      case REGEX -> name + " ~ <code>" + escape(c.value()) + "</code>";
    };
  }

  private static String upstream(Route r, boolean shadow) {
    String target = "&rarr; <code>" + escape(DiagRoutes.target(r.mapping().service())) + "</code>";
    if (shadow) return target + " <span class=\"flag\">shadow</span>";
    return target + " " + String.format(Locale.ROOT, "%.2f%%", DiagRoutes.percent(r));
  }

  private static String rewrite(ForwardSpec f) {
    List<String> parts = new ArrayList<>();
    if (f.regexRewrite().isPresent()) {
      parts.add("<code>" + escape(f.regexRewrite().get().pattern()) + "</code> &rArr; <code>"
          + escape(f.regexRewrite().get().substitution()) + "</code>");
    } else {
      parts.add(f.rewrite().isEmpty() ? "<span class=\"muted\">unchanged</span>" : "<code>"
          + escape(f.rewrite()) + "</code>");
    }
    if (!f.hostRewrite().isEmpty()) parts.add("host <code>" + escape(f.hostRewrite()) + "</code>");
    if (f.autoHostRewrite()) parts.add("host = service");
    return String.join("<br>", parts);
  }

  /** Attributes accepted but not acted on (docs, envoy_override, ...): say so, so nobody expects an effect. */
  private static String informational(Map<String, Object> values) {
    if (values.isEmpty()) return "";
    return "<br><span class=\"muted\">shown only, no effect: " + escape(String.join(", ", values.keySet()))
        + "</span>";
  }

  private static String sharedFlag(RouteGroup g) {
    return g.sharedAcrossNamespaces() ? flag("shared across namespaces") : "";
  }

  private static String flag(String text) {
    return "<span class=\"flag\">" + text + "</span>";
  }

  private static void errors(StringBuilder b, List<ConfigError> errors) {
    b.append("<h2>Errors</h2>\n");
    if (errors.isEmpty()) {
      b.append("<p class=\"ok\">No configuration errors.</p>\n");
      return;
    }
    b.append("<table class=\"errors\"><tr><th>source</th><th>object</th><th>field</th><th>message</th></tr>\n");
    for (ConfigError e : errors) {
      row(b, e.source(), e.object(), e.field(), e.message());
    }
    b.append("</table>\n");
  }

  private static void skipped(StringBuilder b, List<Skipped> skipped) {
    b.append("<h2>Skipped</h2>\n");
    if (skipped.isEmpty()) {
      b.append("<p class=\"muted\">Nothing skipped.</p>\n");
      return;
    }
    b.append("<table class=\"skipped\"><tr><th>source</th><th>object</th><th>kind</th><th>reason</th></tr>\n");
    for (Skipped s : skipped) row(b, s.source(), s.object(), s.kind(), s.reason());
    b.append("</table>\n");
  }

  private static void sources(StringBuilder b, List<SourceInfo> sources) {
    b.append("<h2>Sources</h2>\n");
    if (sources.isEmpty()) {
      b.append("<p class=\"muted\">No sources.</p>\n");
      return;
    }
    b.append("<table class=\"sources\"><tr><th>key</th><th>namespace</th><th>objects</th><th>errors</th>")
        .append("<th>state</th></tr>\n");
    for (SourceInfo s : sources) {
      b.append(s.stale() ? "<tr class=\"stale\">" : "<tr>")
          .append("<td><code>").append(escape(s.key())).append("</code></td>")
          .append("<td>").append(escape(s.namespace())).append("</td>")
          .append("<td>").append(s.objects()).append("</td>")
          .append("<td>").append(s.errors()).append("</td>")
          .append("<td>").append(s.stale() ? "stale: unreadable, last good objects serving" : "current")
          .append("</td></tr>\n");
    }
    b.append("</table>\n");
  }

  private static void row(StringBuilder b, String... cells) {
    b.append("<tr>");
    for (String c : cells) b.append("<td>").append(escape(c)).append("</td>");
    b.append("</tr>\n");
  }
}
