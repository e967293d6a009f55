package io.dragoman.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.routing.AdminFixtures;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {
  private final GatewayMetrics metrics = new GatewayMetrics();

  private List<String> lines() {
    return metrics.scrape().lines().toList();
  }

  @Test
  void countsRequestsByMappingNamespaceMethodAndCode() {
    metrics.requestCompleted("m", "ns", "GET", 200, 0.003);
    metrics.requestCompleted("m", "ns", "GET", 200, 0.2);
    metrics.requestCompleted("m", "ns", "POST", 503, 0.01);

    assertThat(lines())
        .contains(
            "# TYPE dragoman_requests_total counter",
            "dragoman_requests_total{code=\"200\",mapping=\"m\",method=\"GET\",namespace=\"ns\"} 2.0",
            "dragoman_requests_total{code=\"503\",mapping=\"m\",method=\"POST\",namespace=\"ns\"} 1.0");
  }

  @Test
  void keepsEachMappingNamespaceMethodAndCodeApart() {
    metrics.requestCompleted("m", "a", "GET", 200, 0.001);
    metrics.requestCompleted("m", "b", "GET", 200, 0.001);
    metrics.requestCompleted("m", "b", "GET", 200, 0.001);
    metrics.requestCompleted("n", "a", "DELETE", 204, 0.001);
    metrics.requestCompleted("m", "a", "POST", 200, 0.001);
    metrics.requestCompleted("m", "a", "GET", 1000, 0.001);
    metrics.requestCompleted("m", "a", "GET", 42, 0.001);

    assertThat(lines())
        .contains(
            "dragoman_requests_total{code=\"200\",mapping=\"m\",method=\"GET\",namespace=\"a\"} 1.0",
            "dragoman_requests_total{code=\"200\",mapping=\"m\",method=\"GET\",namespace=\"b\"} 2.0",
            "dragoman_requests_total{code=\"204\",mapping=\"n\",method=\"DELETE\",namespace=\"a\"} 1.0",
            "dragoman_requests_total{code=\"200\",mapping=\"m\",method=\"POST\",namespace=\"a\"} 1.0",
            "dragoman_requests_total{code=\"OTHER\",mapping=\"m\",method=\"GET\",namespace=\"a\"} 2.0",
            "dragoman_request_duration_seconds_count{mapping=\"m\",namespace=\"a\"} 4",
            "dragoman_request_duration_seconds_count{mapping=\"m\",namespace=\"b\"} 2",
            "dragoman_request_duration_seconds_count{mapping=\"n\",namespace=\"a\"} 1");
  }

  @Test
  void recordsDurationsInProxyBuckets() {
    metrics.requestCompleted("m", "ns", "GET", 200, 0.003);
    metrics.requestCompleted("m", "ns", "GET", 200, 0.2);

    assertThat(lines())
        .contains(
            "# TYPE dragoman_request_duration_seconds histogram",
            "dragoman_request_duration_seconds_bucket{mapping=\"m\",namespace=\"ns\",le=\"5.0E-4\"} 0",
            "dragoman_request_duration_seconds_bucket{mapping=\"m\",namespace=\"ns\",le=\"0.0025\"} 0",
            "dragoman_request_duration_seconds_bucket{mapping=\"m\",namespace=\"ns\",le=\"0.005\"} 1",
            "dragoman_request_duration_seconds_bucket{mapping=\"m\",namespace=\"ns\",le=\"0.25\"} 2",
            "dragoman_request_duration_seconds_bucket{mapping=\"m\",namespace=\"ns\",le=\"30.0\"} 2",
            "dragoman_request_duration_seconds_bucket{mapping=\"m\",namespace=\"ns\",le=\"+Inf\"} 2",
            "dragoman_request_duration_seconds_count{mapping=\"m\",namespace=\"ns\"} 2",
            "dragoman_request_duration_seconds_sum{mapping=\"m\",namespace=\"ns\"} 0.203");
  }

  @Test
  void keepsLabelValuesBounded() {
    metrics.requestCompleted("", "", "BREW", 404, 0.001);
    metrics.requestCompleted("", "", "get", 404, 0.001);
    metrics.requestCompleted("", "", null, 999, 0.001);
    metrics.upstreamFailure("m", "ns", "connection refused by 10.0.0.1");
    metrics.upstreamFailure("m", "ns", "UF");

    assertThat(lines())
        .contains(
            "dragoman_requests_total{code=\"404\",mapping=\"\",method=\"OTHER\",namespace=\"\"} 2.0",
            "dragoman_requests_total{code=\"OTHER\",mapping=\"\",method=\"OTHER\",namespace=\"\"} 1.0",
            "dragoman_upstream_failures_total{mapping=\"m\",namespace=\"ns\",reason=\"OTHER\"} 1.0",
            "dragoman_upstream_failures_total{mapping=\"m\",namespace=\"ns\",reason=\"UF\"} 1.0");
  }

  @Test
  void everyStandardMethodIsItsOwnLabel() {
    for (String m : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE")) {
      assertThat(GatewayMetrics.method(m)).isEqualTo(m);
    }
    assertThat(GatewayMetrics.method("PROPFIND")).isEqualTo("OTHER");
  }

  @Test
  void countsFailuresAndRetries() {
    metrics.upstreamFailure("m", "ns", "UT");
    metrics.upstreamFailure("m", "ns", "UT");
    metrics.retry("m", "ns");

    assertThat(lines())
        .contains(
            "dragoman_upstream_failures_total{mapping=\"m\",namespace=\"ns\",reason=\"UT\"} 2.0",
            "dragoman_upstream_retries_total{mapping=\"m\",namespace=\"ns\"} 1.0");
  }

  @Test
  void reloadCountersExistBeforeAnyReload() {
    assertThat(lines())
        .contains(
            "dragoman_config_reloads_total{result=\"failure\"} 0.0",
            "dragoman_config_reloads_total{result=\"success\"} 0.0");
  }

  @Test
  void aSwappedTableSetsTheConfigGauges() {
    metrics.tableSwapped(AdminFixtures.canaryTable());
    metrics.reloadFailed();
    metrics.reloadFailed();

    assertThat(lines())
        .contains(
            "# TYPE dragoman_routes gauge",
            "dragoman_routes 4.0",
            "dragoman_config_errors 1.0",
            "dragoman_config_sources 3.0",
            "dragoman_config_reloads_total{result=\"success\"} 1.0",
            "dragoman_config_reloads_total{result=\"failure\"} 2.0",
            // 2024-05-01T12:00:00.250Z
            "dragoman_config_last_reload_timestamp_seconds 1.71456480025E9");
  }

  @Test
  void clientConnectionsAreReadAtEveryScrape() {
    AtomicInteger open = new AtomicInteger(3);
    metrics.clientConnections(open::get);
    List<String> first = lines();
    open.set(1);

    assertThat(first).contains("# TYPE dragoman_client_connections gauge", "dragoman_client_connections 3.0");
    assertThat(lines()).contains("dragoman_client_connections 1.0");
  }

  @Test
  void recordsPropagationDelay() {
    metrics.configPropagation(0.02);

    assertThat(lines())
        .contains(
            "# TYPE dragoman_config_propagation_seconds histogram",
            "dragoman_config_propagation_seconds_bucket{le=\"0.01\"} 0",
            "dragoman_config_propagation_seconds_bucket{le=\"0.025\"} 1",
            "dragoman_config_propagation_seconds_count 1",
            "dragoman_config_propagation_seconds_sum 0.02");
  }

  @Test
  void everySeriesIsADragomanSeries() {
    metrics.requestCompleted("m", "ns", "GET", 200, 0.1);
    metrics.tableSwapped(AdminFixtures.canaryTable());

    assertThat(lines())
        .filteredOn(l -> !l.startsWith("#"))
        .isNotEmpty()
        .allMatch(l -> l.startsWith("dragoman_"));
  }

  @Test
  void instancesDoNotShareCounters() {
    metrics.requestCompleted("m", "ns", "GET", 200, 0.1);

    assertThat(new GatewayMetrics().scrape()).doesNotContain("dragoman_requests_total{");
  }
}
