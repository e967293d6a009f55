package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.MappingParser;
import io.dragoman.gateway.mapping.ParsedSource;
import io.dragoman.gateway.mapping.ParserSettings;
import io.dragoman.gateway.mapping.SourceObject;
import io.dragoman.gateway.routing.RouteTable;
import io.dragoman.gateway.routing.RouteTableBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Request policies the gateway answers itself (CORS, redirects, local rate limits), from YAML, over real sockets. */
class PolicyProxyTest {
  private final MockWebServer upstream = new MockWebServer();
  private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.empty());
  private final HttpClient client =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
  private ProxyServer proxy;

  @BeforeEach
  void start() throws Exception {
    upstream.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(200).addHeader("Vary", "Accept-Encoding")
            .addHeader("Access-Control-Allow-Origin", "https://evil.example").body("upstream").build();
      }
    });
    upstream.start();
    proxy = new ProxyServer(LoopbackSettings.quiet(), table::get, new DnsResolver(Duration.ofSeconds(5)), ProxyListener.NONE);
    proxy.start();
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    upstream.close();
  }

  private void yaml(String text) {
    ParsedSource parsed = new MappingParser(ParserSettings.DEFAULTS).parse(new SourceObject("policies.yaml", "default",
        Map.of(), text.replace("UPSTREAM", "127.0.0.1:" + upstream.getPort())));
    assertThat(parsed.errors()).isEmpty();
    RouteTable t = new RouteTableBuilder(Clock.systemUTC()).build(List.of(parsed), table.get());
    assertThat(t.errors()).isEmpty();
    table.set(t);
  }

  private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) b.headers(headers);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final String CORS = """
      apiVersion: getambassador.io/v3alpha1
      kind: Mapping
      metadata: {name: api}
      spec:
        prefix: /api/
        service: UPSTREAM
        cors:
          origins: https://app.example, https://admin.example
          methods: GET, POST
          headers: Content-Type, X-Token
          credentials: true
          exposed_headers: X-Trace
          max_age: "600"
      """;

  @Test
  void preflightFromAnAllowedOriginIsAnsweredByTheGateway() throws Exception {
    yaml(CORS);

    HttpResponse<String> r = send("OPTIONS", "/api/things", "Origin", "https://app.example",
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("access-control-allow-origin")).contains("https://app.example");
    assertThat(r.headers().firstValue("access-control-allow-methods")).contains("GET, POST");
    assertThat(r.headers().firstValue("access-control-allow-headers")).contains("Content-Type, X-Token");
    assertThat(r.headers().firstValue("access-control-allow-credentials")).contains("true");
    assertThat(r.headers().firstValue("access-control-max-age")).contains("600");
    assertThat(r.headers().allValues("vary")).contains("Origin");
    assertThat(upstream.getRequestCount()).isZero();
  }

  @Test
  void preflightFromAnotherOriginGetsNoCorsHeaders() throws Exception {
    yaml(CORS);

    HttpResponse<String> r = send("OPTIONS", "/api/things", "Origin", "https://evil.example",
        "Access-Control-Request-Method", "POST");

    assertThat(r.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(upstream.getRequestCount()).isZero();
  }

  @Test
  void actualResponsesAreDecoratedOnlyForAllowedOrigins() throws Exception {
    yaml(CORS);

    HttpResponse<String> allowed = send("GET", "/api/x", "Origin", "https://admin.example");
    assertThat(allowed.body()).isEqualTo("upstream");
    assertThat(allowed.headers().allValues("access-control-allow-origin")).containsExactly("https://admin.example");
    assertThat(allowed.headers().firstValue("access-control-expose-headers")).contains("X-Trace");
    assertThat(String.join(",", allowed.headers().allValues("vary"))).contains("Accept-Encoding").contains("Origin");

    HttpResponse<String> other = send("GET", "/api/x", "Origin", "https://other.example");
    assertThat(other.body()).isEqualTo("upstream");
    // The gateway adds nothing for a disallowed origin (what the upstream says is its own business).
    assertThat(other.headers().allValues("access-control-allow-origin")).containsExactly("https://evil.example");
  }

  @Test
  void moduleCorsIsTheDefaultForMappingsWithoutTheirOwn() throws Exception {
    yaml("""
        apiVersion: getambassador.io/v3alpha1
        kind: Module
        metadata: {name: ambassador}
        spec:
          config:
            cors: {origins: "*", methods: GET}
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: plain}
        spec: {prefix: /plain/, service: UPSTREAM}
        """);

    HttpResponse<String> r = send("OPTIONS", "/plain/", "Origin", "https://anyone.example",
        "Access-Control-Request-Method", "GET");

    assertThat(r.headers().firstValue("access-control-allow-origin")).contains("*");
    assertThat(upstream.getRequestCount()).isZero();
  }

  @Test
  void redirectsAnswerWithoutProxying() throws Exception {
    yaml("""
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: moved}
        spec:
          prefix: /old/
          service: new.example.com
          host_redirect: true
          prefix_redirect: /new/
          redirect_response_code: 308
        ---
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: docs}
        spec:
          prefix: /docs
          service: UPSTREAM
          path_redirect: /documentation/index.html
        """);

    HttpResponse<String> moved = send("POST", "/old/page?x=1");
    assertThat(moved.statusCode()).isEqualTo(308);
    assertThat(moved.headers().firstValue("location")).contains("http://new.example.com/new/page?x=1");

    HttpResponse<String> docs = send("GET", "/docs/anything");
    assertThat(docs.statusCode()).isEqualTo(301);
    assertThat(docs.headers().firstValue("location")).contains("http://127.0.0.1:" + proxy.port() + "/documentation/index.html");
    assertThat(upstream.getRequestCount()).isZero();
  }

  @Test
  void localRateLimitRefusesOverTheBurstWith429() throws Exception {
    yaml("""
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: limited}
        spec:
          prefix: /limited/
          service: UPSTREAM
          local_rate_limit: {requests_per_second: 0.1, burst: 2, key: route}
        """);

    assertThat(send("GET", "/limited/").statusCode()).isEqualTo(200);
    assertThat(send("GET", "/limited/").statusCode()).isEqualTo(200);
    HttpResponse<String> refused = send("GET", "/limited/");

    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("x-dragoman-reason")).contains("RL");
    assertThat(refused.headers().firstValue("retry-after")).contains("10");
    assertThat(refused.body()).isEqualTo("{\"error\": \"rate limited: over 0.1 requests per second\"}\n");
    assertThat(upstream.getRequestCount()).isEqualTo(2);
  }

  @Test
  void headerKeyedLimitsKeepABucketPerValue() throws Exception {
    yaml("""
        apiVersion: getambassador.io/v3alpha1
        kind: Mapping
        metadata: {name: per-key}
        spec:
          prefix: /keyed/
          service: UPSTREAM
          local_rate_limit: {requests_per_second: 1, burst: 1, key: header, header: X-Api-Key}
        """);

    assertThat(send("GET", "/keyed/", "X-Api-Key", "alice").statusCode()).isEqualTo(200);
    assertThat(send("GET", "/keyed/", "X-Api-Key", "alice").statusCode()).isEqualTo(429);
    assertThat(send("GET", "/keyed/", "X-Api-Key", "bob").statusCode()).isEqualTo(200);
  }
}
