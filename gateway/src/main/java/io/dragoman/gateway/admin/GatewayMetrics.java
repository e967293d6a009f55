package io.dragoman.gateway.admin;

import io.dragoman.gateway.routing.RouteTable;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

/**
 * Every metric the gateway exports, declared in one place. Label values are forced into bounded sets here so that
 * no caller can explode the series count (a client's made-up method, a raw status, a free-form reason).
 *
 * <p>Each instance owns its registry: tests and a second gateway in one JVM never share counters.
 */
public final class GatewayMetrics {
  /** The content type {@link #scrape()} produces: Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  static final String OTHER = "OTHER";

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE");
  private static final List<String> METHOD_ORDER =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", OTHER);

  /** Failure reasons are Envoy-style response flags: a few capital letters. */
  private static final Pattern REASON = Pattern.compile("[A-Z]{1,4}");

  /** From a cached local answer to a slow model call. */
  private static final double[] REQUEST_BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
  };

  /** From a coalesced rebuild (a few ms) to a slow informer resync. */
  private static final double[] PROPAGATION_BUCKETS = {
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

  private final Counter requests;
  private final Histogram requestDuration;
  private final Counter upstreamFailures;
  private final Counter retries;
  private final Counter shadowsDropped;
  private final Gauge routes;
  private final Gauge configErrors;
  private final Gauge configSources;
  private final Counter reloads;
  private final Gauge lastReload;
  private final Histogram propagation;
  /** Mapping, then namespace: the series a completed request counts in, found without building label lists. */
  private final Map<String, Map<String, RouteSeries>> routeSeries = new ConcurrentHashMap<>();

  /**
   * One route's request series. The client's {@code labelValues} builds a list of the label values and hashes it on
   * every call, and the status becomes a new String each time: 2% of the I/O threads' user time on small requests.
   */
  private final class RouteSeries {
    private final String mapping;
    private final String namespace;
    private final DistributionDataPoint duration;
    /** By method (its index in {@link #METHOD_ORDER}) and status: {@code index << 10 | status}. */
    private final Map<Integer, CounterDataPoint> requestsByMethodAndCode = new ConcurrentHashMap<>();

    RouteSeries(String mapping, String namespace) {
      this.mapping = mapping;
      this.namespace = namespace;
      this.duration = requestDuration.labelValues(mapping, namespace);
    }

    /** The series last counted: a route's traffic is mostly one method answered with one status. */
    private volatile Hit last;

    CounterDataPoint requests(String method, int status) {
      Hit hit = last;
      if (hit != null && hit.status == status && Objects.equals(hit.method, method)) return hit.counter;
      CounterDataPoint counter = lookUp(method, status);
      last = new Hit(method, status, counter);
      return counter;
    }

    private CounterDataPoint lookUp(String method, int status) {
      int known = method == null ? -1 : METHOD_ORDER.indexOf(method);
      int methodIndex = known < 0 ? METHOD_ORDER.size() - 1 : known; // the last is OTHER
      int key = methodIndex << 10 | (status >= 100 && status <= 599 ? status : 0);
      CounterDataPoint counter = requestsByMethodAndCode.get(key);
      if (counter != null) return counter;
      return requestsByMethodAndCode.computeIfAbsent(
          key, k -> requests.labelValues(mapping, namespace, METHOD_ORDER.get(methodIndex), code(status)));
    }
  }

  private record Hit(String method, int status, CounterDataPoint counter) {}

  public GatewayMetrics() {
    requests =
        Counter.builder()
            .name("dragoman_requests_total")
            .help("Requests answered, by mapping, namespace, method and status code")
            .labelNames("mapping", "namespace", "method", "code")
            .withoutExemplars()
            .register(registry);
    requestDuration =
        Histogram.builder()
            .name("dragoman_request_duration_seconds")
            .help("Time from request received to response complete")
            .labelNames("mapping", "namespace")
            .classicOnly()
            .classicUpperBounds(REQUEST_BUCKETS)
            .withoutExemplars()
            .register(registry);
    upstreamFailures =
        Counter.builder()
            .name("dragoman_upstream_failures_total")
            .help("Upstream exchanges that failed, by reason (UF connect, UT timeout, UR reset, UO overflow)")
            .labelNames("mapping", "namespace", "reason")
            .withoutExemplars()
            .register(registry);
    retries =
        Counter.builder()
            .name("dragoman_upstream_retries_total")
            .help("Upstream attempts repeated under a retry policy")
            .labelNames("mapping", "namespace")
            .withoutExemplars()
            .register(registry);
    shadowsDropped =
        Counter.builder()
            .name("dragoman_shadow_dropped_total")
            .help("Shadow copies not sent (shadow saturated, or body too large to copy)")
            .labelNames("mapping", "namespace")
            .withoutExemplars()
            .register(registry);
    routes = gauge("dragoman_routes", "Routes in the live table (canary members and shadows)");
    configErrors = gauge("dragoman_config_errors", "Configuration errors in the live table");
    configSources = gauge("dragoman_config_sources", "Configuration sources behind the live table");
    reloads =
        Counter.builder()
            .name("dragoman_config_reloads_total")
            .help("Route table rebuilds, by result")
            .labelNames("result")
            .withoutExemplars()
            .register(registry);
    // Both series exist from the start, so a rate() over failures works before the first failure.
    reloads.initLabelValues("success");
    reloads.initLabelValues("failure");
    lastReload =
        gauge("dragoman_config_last_reload_timestamp_seconds", "When the live table was built, Unix seconds");
    propagation =
        Histogram.builder()
            .name("dragoman_config_propagation_seconds")
            .help("Time from a configuration source change to the new table serving")
            .classicOnly()
            .classicUpperBounds(PROPAGATION_BUCKETS)
            .withoutExemplars()
            .register(registry);
  }

  private Gauge gauge(String name, String help) {
    return Gauge.builder().name(name).help(help).withoutExemplars().register(registry);
  }

  /** Reports, at every scrape, how many client connections the public listener has open. Call once. */
  public void clientConnections(IntSupplier open) {
    GaugeWithCallback.builder()
        .name("dragoman_client_connections")
        .help("Client connections open on the public listener (HTTP/1.1 and HTTP/2)")
        .callback(callback -> callback.call(open.getAsInt()))
        .register(registry);
  }

  /** One answered request; {@code mapping} is "" when no route matched. */
  public void requestCompleted(String mapping, String namespace, String method, int status, double seconds) {
    RouteSeries series = routeSeries(text(mapping), text(namespace));
    series.requests(method, status).inc();
    series.duration.observe(Math.max(0, seconds));
  }

  private RouteSeries routeSeries(String mapping, String namespace) {
    Map<String, RouteSeries> byNamespace = routeSeries.get(mapping);
    if (byNamespace == null) byNamespace = routeSeries.computeIfAbsent(mapping, m -> new ConcurrentHashMap<>());
    RouteSeries series = byNamespace.get(namespace);
    if (series != null) return series;
    return byNamespace.computeIfAbsent(namespace, ns -> new RouteSeries(mapping, ns));
  }

  /** @param reason a response flag such as {@code UF}, {@code UT}, {@code UR}, {@code UO} */
  public void upstreamFailure(String mapping, String namespace, String reason) {
    upstreamFailures.labelValues(text(mapping), text(namespace), reason(reason)).inc();
  }

  public void shadowDropped(String mapping, String namespace) {
    shadowsDropped.labelValues(text(mapping), text(namespace)).inc();
  }

  public void retry(String mapping, String namespace) {
    retries.labelValues(text(mapping), text(namespace)).inc();
  }

  /** A new table went live. */
  public void tableSwapped(RouteTable table) {
    routes.set(table.routeCount());
    configErrors.set(table.errors().size());
    configSources.set(table.sources().size());
    reloads.labelValues("success").inc();
    lastReload.set(table.builtAt().toEpochMilli() / 1000.0);
  }

  /** A rebuild failed as a whole; the previous table keeps serving. */
  public void reloadFailed() {
    reloads.labelValues("failure").inc();
  }

  /** Time from a source change being seen to the table built from it serving. */
  public void configPropagation(double seconds) {
    propagation.observe(Math.max(0, seconds));
  }

  /** Every series in Prometheus text format 0.0.4 ({@link #CONTENT_TYPE}). */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      // A ByteArrayOutputStream does not fail; this only satisfies the signature.
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static String method(String method) {
    return method != null && METHODS.contains(method) ? method : OTHER;
  }

  static String code(int status) {
    return status >= 100 && status <= 599 ? Integer.toString(status) : OTHER;
  }

  static String reason(String reason) {
    return reason != null && REASON.matcher(reason).matches() ? reason : OTHER;
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }
}
