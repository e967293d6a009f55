package io.dragoman.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.routing.AdminFixtures;
import io.dragoman.gateway.routing.RouteTable;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DiagnosticsJsonTest {
  static final DiagInfo INFO =
      new DiagInfo("default", "ambassador", "0.1.0-test", true, Instant.parse("2024-05-01T11:59:00Z"));

  private static JsonNode render(RouteTable table) throws Exception {
    return new ObjectMapper().readTree(DiagnosticsJson.render(table, INFO));
  }

  @Test
  void topLevelFields() throws Exception {
    JsonNode root = render(AdminFixtures.canaryTable());

    assertThat(root.get("ambassador_id").asText()).isEqualTo("default");
    assertThat(root.get("namespace").asText()).isEqualTo("ambassador");
    assertThat(root.get("version").asText()).isEqualTo("0.1.0-test");
    assertThat(root.get("ready").asBoolean()).isTrue();
    assertThat(root.get("started_at").asText()).isEqualTo("2024-05-01T11:59:00Z");
    assertThat(root.get("generation").asLong()).isEqualTo(7);
    assertThat(root.get("built_at").asText()).isEqualTo("2024-05-01T12:00:00.250Z");
    assertThat(root.get("route_count").asInt()).isEqualTo(4);
    assertThat(root.get("error_count").asInt()).isEqualTo(1);
  }

  @Test
  void routesInMatchOrderMembersThenShadows() throws Exception {
    JsonNode routes = render(AdminFixtures.canaryTable()).get("routes");

    assertThat(routes).hasSize(4);
    assertThat(routes)
        .extracting(r -> r.get("name").asText())
        .containsExactly("mnist-main", "mnist-canary", "mnist-shadow", "api");
    assertThat(routes.get(0).get("group").asInt()).isZero();
    assertThat(routes.get(2).get("group").asInt()).isZero();
    assertThat(routes.get(2).get("shadow").asBoolean()).isTrue();
    assertThat(routes.get(3).get("group").asInt()).isEqualTo(1);
  }

  @Test
  void canaryMemberFields() throws Exception {
    JsonNode r = render(AdminFixtures.canaryTable()).get("routes").get(0);

    assertThat(r.get("name").asText()).isEqualTo("mnist-main");
    assertThat(r.get("namespace").asText()).isEqualTo("kubeflow");
    assertThat(r.get("source").asText()).isEqualTo("mnist.kubeflow");
    assertThat(r.get("object").asText()).isEqualTo("mnist.kubeflow.1");
    assertThat(r.get("prefix").asText()).isEqualTo("/models/mnist/");
    assertThat(r.get("prefix_regex").asBoolean()).isFalse();
    assertThat(r.get("prefix_exact").asBoolean()).isFalse();
    assertThat(r.get("case_sensitive").asBoolean()).isTrue();
    assertThat(r.get("method").asText()).isEmpty();
    assertThat(r.get("headers")).hasSize(1);
    assertThat(r.get("headers").get(0).get("name").asText()).isEqualTo("x-model-version");
    assertThat(r.get("headers").get(0).get("kind").asText()).isEqualTo("exact");
    assertThat(r.get("headers").get(0).get("value").asText()).isEqualTo("2");
    assertThat(r.get("query_parameters")).isEmpty();
    assertThat(r.get("rewrite").asText()).isEqualTo("/");
    assertThat(r.get("regex_rewrite").isNull()).isTrue();
    assertThat(r.get("cors").isNull()).isTrue();
    assertThat(r.get("timeout_ms").asLong()).isEqualTo(3000);
    assertThat(r.get("connect_timeout_ms").asLong()).isEqualTo(3000);
    assertThat(r.get("idle_timeout_ms").asLong()).isZero();
    assertThat(r.get("weight").asDouble()).isEqualTo(90.0);
    assertThat(r.get("shared_across_namespaces").asBoolean()).isFalse();
  }

  @Test
  void upstreamsCarryEffectiveWeightsAndShadow() throws Exception {
    JsonNode ups = render(AdminFixtures.canaryTable()).get("routes").get(1).get("upstreams");

    assertThat(ups).hasSize(3);
    assertThat(ups.get(0).get("name").asText()).isEqualTo("mnist-main");
    assertThat(ups.get(0).get("namespace").asText()).isEqualTo("kubeflow");
    assertThat(ups.get(0).get("service").asText()).isEqualTo("mnist-v1");
    assertThat(ups.get(0).get("target").asText()).isEqualTo("mnist-v1.kubeflow:80");
    assertThat(ups.get(0).get("weight").isDouble()).isTrue();
    assertThat(ups.get(0).get("weight").asDouble()).isEqualTo(90.0);
    assertThat(ups.get(0).get("shadow").asBoolean()).isFalse();

    assertThat(ups.get(1).get("service").asText()).isEqualTo("https://mnist-v2:8443");
    assertThat(ups.get(1).get("target").asText()).isEqualTo("https://mnist-v2.kubeflow:8443");
    assertThat(ups.get(1).get("weight").asDouble()).isEqualTo(10.0);

    assertThat(ups.get(2).get("name").asText()).isEqualTo("mnist-shadow");
    assertThat(ups.get(2).get("target").asText()).isEqualTo("mnist-shadow.kubeflow:9000");
    assertThat(ups.get(2).get("weight").asDouble()).isEqualTo(0.0);
    assertThat(ups.get(2).get("shadow").asBoolean()).isTrue();
  }

  @Test
  void weightsAreRoundedToTwoDecimals() {
    Mapping m = AdminFixtures.canaryTable().groups().get(0).members().get(0).mapping();

    assertThat(DiagRoutes.percent(AdminFixtures.route(m, 100.0 / 3))).isEqualTo(33.33);
    assertThat(DiagRoutes.percent(AdminFixtures.route(m, 200.0 / 3))).isEqualTo(66.67);
  }

  @Test
  void regexRouteFields() throws Exception {
    JsonNode r = render(AdminFixtures.canaryTable()).get("routes").get(3);

    assertThat(r.get("prefix").asText()).isEqualTo("^/api/v[0-9]+/");
    assertThat(r.get("prefix_regex").asBoolean()).isTrue();
    assertThat(r.get("case_sensitive").asBoolean()).isFalse();
    assertThat(r.get("method").asText()).isEqualTo("POST");
    assertThat(r.get("method_regex").asBoolean()).isFalse();
    assertThat(r.get("host").asText()).isEqualTo("api.example.com");
    assertThat(r.get("host_regex").asBoolean()).isFalse();
    assertThat(r.get("precedence").asInt()).isEqualTo(5);
    assertThat(r.get("query_parameters").get(0).get("name").asText()).isEqualTo("debug");
    assertThat(r.get("query_parameters").get(0).get("kind").asText()).isEqualTo("present");
    assertThat(r.get("regex_rewrite").get("pattern").asText()).isEqualTo("^/api/v([0-9]+)/(.*)");
    assertThat(r.get("regex_rewrite").get("substitution").asText()).isEqualTo("/v\\1/\\2");
    assertThat(r.get("host_rewrite").asText()).isEqualTo("backend.internal");
    assertThat(r.get("auto_host_rewrite").asBoolean()).isFalse();
    assertThat(r.get("timeout_ms").asLong()).isEqualTo(10_000);
    assertThat(r.get("idle_timeout_ms").asLong()).isEqualTo(60_000);
    assertThat(r.get("cors").get("origins").get(0).asText()).isEqualTo("https://app.example.com");
    assertThat(r.get("cors").get("credentials").asBoolean()).isTrue();
    assertThat(r.get("cors").get("max_age").asLong()).isEqualTo(600);
    assertThat(r.get("informational").get("docs").get("path").asText()).isEqualTo("/openapi.json");
    assertThat(r.get("upstreams")).hasSize(1);
    assertThat(r.get("upstreams").get(0).get("weight").asDouble()).isEqualTo(100.0);
  }

  @Test
  void errorsSkippedAndSources() throws Exception {
    JsonNode root = render(AdminFixtures.canaryTable());

    JsonNode e = root.get("errors").get(0);
    assertThat(root.get("errors")).hasSize(1);
    assertThat(e.get("source").asText()).isEqualTo("broken.default");
    assertThat(e.get("object").asText()).isEqualTo("broken.default.2");
    assertThat(e.get("field").asText()).isEqualTo("timeout_ms");
    assertThat(e.get("message").asText()).isEqualTo("timeout_ms: \"3s\" (expected: integer milliseconds)");

    JsonNode s = root.get("skipped").get(0);
    assertThat(root.get("skipped")).hasSize(1);
    assertThat(s.get("source").asText()).isEqualTo("other.default");
    assertThat(s.get("object").asText()).isEqualTo("other.default.1");
    assertThat(s.get("kind").asText()).isEqualTo("Mapping");
    assertThat(s.get("reason").asText()).isEqualTo("ambassador_id [blue] does not include default");

    JsonNode sources = root.get("sources");
    assertThat(sources).hasSize(3);
    assertThat(sources.get(0).get("key").asText()).isEqualTo("mnist.kubeflow");
    assertThat(sources.get(0).get("namespace").asText()).isEqualTo("kubeflow");
    assertThat(sources.get(0).get("objects").asInt()).isEqualTo(3);
    assertThat(sources.get(0).get("stale").asBoolean()).isFalse();
    assertThat(sources.get(2).get("key").asText()).isEqualTo("broken.default");
    assertThat(sources.get(2).get("errors").asInt()).isEqualTo(1);
    assertThat(sources.get(2).get("stale").asBoolean()).isTrue();
  }

  @Test
  void emptyTable() throws Exception {
    JsonNode root = render(RouteTable.empty());

    assertThat(root.get("generation").asLong()).isZero();
    assertThat(root.get("built_at").asText()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(root.get("routes")).isEmpty();
    assertThat(root.get("errors")).isEmpty();
    assertThat(root.get("skipped")).isEmpty();
    assertThat(root.get("sources")).isEmpty();
    assertThat(root.get("route_count").asInt()).isZero();
  }
}
