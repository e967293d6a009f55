package io.dragoman.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.routing.AdminFixtures;
import io.dragoman.gateway.routing.RouteTable;
import org.junit.jupiter.api.Test;

class DiagnosticsHtmlTest {
  @Test
  void escapesEverythingFromConfiguration() {
    String html = DiagnosticsHtml.render(AdminFixtures.hostileTable(), DiagnosticsJsonTest.INFO);

    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("<b>bold")
        .doesNotContain("<i>default")
        .doesNotContain("<img")
        .doesNotContain("evil\"svc")
        .contains("/x/&lt;script&gt;alert(&#39;prefix&#39;)&lt;/script&gt;/")
        .contains("prefix: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; (expected: a path)")
        .contains("&lt;b&gt;bold&lt;/b&gt;")
        .contains("&lt;img src=x onerror=alert(2)&gt;")
        .contains("default&amp;co");
  }

  @Test
  void escapeCoversTheFiveSpecialCharacters() {
    assertThat(DiagnosticsHtml.escape("<a href=\"x\" title='y'>&</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  }

  @Test
  void showsStatusRoutesWeightsErrorsSkippedAndSources() {
    String html = DiagnosticsHtml.render(AdminFixtures.canaryTable(), DiagnosticsJsonTest.INFO);

    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<span class=\"ok\">READY</span>")
        .contains("generation 7")
        .contains("built at 2024-05-01T12:00:00.250Z")
        .contains("4 routes")
        .contains("<span class=\"bad\">1 errors</span>")
        .contains("&rarr; <code>mnist-v1.kubeflow:80</code> 90.00%")
        .contains("&rarr; <code>https://mnist-v2.kubeflow:8443</code> 10.00%")
        .contains("&rarr; <code>mnist-shadow.kubeflow:9000</code> <span class=\"flag\">shadow</span>")
        .contains("header <code>x-model-version</code> = <code>2</code>")
        .contains("host = <code>api.example.com</code>")
        .contains("query <code>debug</code> present")
        .contains("<code>^/api/v[0-9]+/</code><span class=\"flag\">regex</span>")
        .contains("<td>broken.default</td><td>broken.default.2</td><td>timeout_ms</td>"
            + "<td>timeout_ms: &quot;3s&quot; (expected: integer milliseconds)</td>")
        .contains("<td>ambassador_id [blue] does not include default</td>")
        .contains("<tr class=\"stale\"><td><code>broken.default</code></td>")
        .contains("<span class=\"muted\">shown only, no effect: docs</span>")
        .doesNotContain("<script");
  }

  @Test
  void routesAppearInMatchOrder() {
    String html = DiagnosticsHtml.render(AdminFixtures.canaryTable(), DiagnosticsJsonTest.INFO);

    int main = html.indexOf("mnist-v1.kubeflow:80");
    int canary = html.indexOf("mnist-v2.kubeflow:8443");
    int shadow = html.indexOf("mnist-shadow.kubeflow:9000");
    int api = html.indexOf("api.default:8080");
    assertThat(main).isPositive().isLessThan(canary);
    assertThat(canary).isLessThan(shadow);
    assertThat(shadow).isLessThan(api);
  }

  @Test
  void emptyTableNotReady() {
    DiagInfo notReady =
        new DiagInfo("default", "ambassador", "v", false, DiagnosticsJsonTest.INFO.startedAt());
    String html = DiagnosticsHtml.render(RouteTable.empty(), notReady);

    assertThat(html)
        .contains("<span class=\"bad\">NOT READY</span>")
        .contains("No routes.")
        .contains("No configuration errors.")
        .endsWith("</body></html>\n");
  }
}
