package io.dragoman.gateway.mapping;

import static io.dragoman.gateway.mapping.ParserFixtures.mapping;
import static io.dragoman.gateway.mapping.ParserFixtures.onlyError;
import static io.dragoman.gateway.mapping.ParserFixtures.onlyMapping;
import static io.dragoman.gateway.mapping.ParserFixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every Mapping attribute: what it becomes, and how each wrong value is reported. */
class MappingAttributesTest {

  // ---- matching ----

  @Test
  void defaultsOfAPlainMapping() {
    Mapping m = onlyMapping(mapping(""));
    assertThat(m.match()).isEqualTo(MatchSpec.prefix("/p/"));
    assertThat(m.forward()).isEqualTo(ForwardSpec.DEFAULTS);
    assertThat(m.policies()).isEqualTo(PolicySpec.DEFAULTS);
  }

  @Test
  void matchAttributes() {
    MatchSpec match = onlyMapping(mapping("""
        prefix_exact: true
        case_sensitive: false
        method: post
        headers: {X-Canary: "yes", X-Present: true}
        regex_headers: {X-Version: "v[0-9]+"}
        host: API.example.com
        query_parameters: {Debug: "1", trace: true}
        regex_query_parameters: {id: "[0-9]+"}
        precedence: -3
        """).replace("prefix: /p/", "prefix: /p")).match();
    assertThat(match).isEqualTo(new MatchSpec(
        "/p", false, true, false, "POST", false,
        List.of(
            new Condition("x-canary", Condition.Kind.EXACT, "yes"),
            new Condition("x-present", Condition.Kind.PRESENT, ""),
            new Condition("x-version", Condition.Kind.REGEX, "v[0-9]+")),
        "api.example.com", false,
        List.of(
            new Condition("Debug", Condition.Kind.EXACT, "1"),
            new Condition("trace", Condition.Kind.PRESENT, ""),
            new Condition("id", Condition.Kind.REGEX, "[0-9]+")),
        -3));
  }

  @Test
  void prefixRegexIsValidatedAsRe2() {
    Mapping m = onlyMapping(mapping("prefix_regex: true\n").replace("prefix: /p/", "prefix: \"/v[0-9]+/.*\""));
    assertThat(m.match().prefix()).isEqualTo("/v[0-9]+/.*");
    assertThat(m.match().prefixRegex()).isTrue();
    ParsedSource bad = parse(mapping("prefix_regex: true\n").replace("prefix: /p/", "prefix: \"/v[0-9+\""));
    assertThat(bad.errors()).extracting(ConfigError::field).containsExactly("prefix");
    assertThat(bad.errors().get(0).message())
        .startsWith("prefix: \"/v[0-9+\" (expected: an RE2 regex: ");
  }

  @Test
  void prefixRegexRefusesBacktrackingOnlySyntax() {
    ParsedSource bad = parse(mapping("prefix_regex: true\n").replace("prefix: /p/", "prefix: \"/(a)\\\\1\""));
    assertThat(bad.errors()).extracting(ConfigError::field).containsExactly("prefix");
  }

  @Test
  void methodRegexAndHostRegex() {
    MatchSpec match = onlyMapping(mapping("""
        method: "GET|HEAD"
        method_regex: true
        host: ".*\\\\.example\\\\.com"
        host_regex: true
        """)).match();
    assertThat(match.method()).isEqualTo("GET|HEAD");
    assertThat(match.methodRegex()).isTrue();
    assertThat(match.host()).isEqualTo(".*\\.example\\.com");
    assertThat(match.hostRegex()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "method: \"(\"\\nmethod_regex: true | method",
        "host: \"[\"\\nhost_regex: true | host",
        "regex_headers: {x-a: \"(\"} | regex_headers.x-a",
        "regex_query_parameters: {q: \"*\"} | regex_query_parameters.q",
        "regex_rewrite: {pattern: \"(\", substitution: x} | regex_rewrite.pattern"
      })
  void everyRegexIsCompiledWithRe2(String extra, String field) {
    ConfigError e = onlyError(extra.replace("\\n", "\n") + "\n");
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.message()).startsWith(field + ": ").contains("(expected: an RE2 regex: ");
  }

  @ParameterizedTest
  @CsvSource({"*, '', false", "*.example.com, .+\\.example\\.com, true", "api.*, api\\..+, true",
      "Api.Example.com, api.example.com, false"})
  void hostnameGlobs(String glob, String host, boolean regex) {
    MatchSpec match = onlyMapping(mapping("hostname: \"" + glob + "\"\n")).match();
    assertThat(match.host()).isEqualTo(host);
    assertThat(match.hostRegex()).isEqualTo(regex);
  }

  @Test
  void hostAndHostnameTogetherIsAnError() {
    assertThat(onlyError("host: a\nhostname: b\n").message())
        .isEqualTo("hostname: \"b\" (expected: not together with host)");
  }

  @Test
  void prefixIsRequiredAndMustBeAPath() {
    assertThat(parse(mapping("").replace("prefix: /p/\n", "")).errors())
        .containsExactly(new ConfigError("src.default", "m", "prefix",
            "prefix: missing (expected: a path starting with /)"));
    assertThat(parse(mapping("").replace("prefix: /p/", "prefix: p/")).errors())
        .extracting(ConfigError::message)
        .containsExactly("prefix: \"p/\" (expected: a path starting with /)");
    assertThat(parse(mapping("").replace("prefix: /p/", "prefix: \"\"")).errors())
        .extracting(ConfigError::message)
        .containsExactly("prefix: \"\" (expected: a path starting with /)");
  }

  @Test
  void prefixExactWithPrefixRegexIsAnError() {
    assertThat(onlyError("prefix_exact: true\nprefix_regex: true\n").message())
        .isEqualTo("prefix_exact: true (expected: not together with prefix_regex: true)");
  }

  @Test
  void headerValueFalseOrNumberIsAnError() {
    assertThat(onlyError("headers: {x-a: 1}\n").message())
        .isEqualTo("headers.x-a: 1 (expected: a string (quote numbers) or true for \"present\")");
    assertThat(onlyError("headers: {x-a: false}\n").field()).isEqualTo("headers.x-a");
    assertThat(onlyError("headers: {\"bad name\": v}\n").message())
        .isEqualTo("headers: \"bad name\" (expected: a header name)");
    assertThat(onlyError("headers: [x-a]\n").message())
        .isEqualTo("headers: [\"x-a\"] (expected: a map of name: value)");
  }

  @Test
  void invalidMethodIsAnError() {
    assertThat(onlyError("method: \"GE T\"\n").message())
        .isEqualTo("method: \"GE T\" (expected: an HTTP method such as GET)");
  }

  // ---- service ----

  @Test
  void serviceIsRequired() {
    assertThat(parse(mapping("").replace("service: svc\n", "")).errors())
        .extracting(ConfigError::message)
        .containsExactly("service: missing (expected: a service such as name, name.namespace:port or https://host)");
  }

  @Test
  void serviceWithUserInfoIsRefused() {
    assertThat(parse(mapping("").replace("service: svc", "service: admin@internal")).errors())
        .extracting(ConfigError::message)
        .containsExactly("service: \"admin@internal\" (expected: no user-info)");
  }

  @Test
  void unqualifiedServiceGetsTheMappingNamespace() {
    Mapping m = parse("test.kubeflow", "kubeflow", mapping("").replace("service: svc", "service: test"))
        .mappings().get(0);
    assertThat(m.service()).isEqualTo(new ServiceRef("test", false, "test.kubeflow", 80));
  }

  @Test
  void tlsTrueOriginatesTlsOnPort443() {
    assertThat(onlyMapping(mapping("tls: true\n")).service())
        .isEqualTo(new ServiceRef("svc", true, "svc.default", 443));
    assertThat(onlyError("tls: upstream-context\n").message())
        .isEqualTo("tls: \"upstream-context\" (expected: true or false (TLSContext names are not supported yet))");
  }

  // ---- forwarding ----

  @Test
  void forwardAttributes() {
    ForwardSpec f = onlyMapping(mapping("""
        rewrite: ""
        regex_rewrite: {pattern: "^/p/(.*)$", substitution: "/\\\\1"}
        host_rewrite: upstream.example
        add_request_headers:
          x-a: one
          x-n: 42
          x-b: true
          x-c: {value: three, append: false}
        remove_request_headers: x-secret
        add_response_headers: {x-served: dragoman}
        remove_response_headers: [server, x-powered-by]
        timeout_ms: 0
        connect_timeout_ms: 250
        idle_timeout_ms: 60000
        grpc: true
        use_websocket: true
        allow_upgrade: [WebSocket, spdy/3.1]
        max_request_body_bytes: 1048576
        """)).forward();
    assertThat(f).isEqualTo(new ForwardSpec(
        "",
        Optional.of(new RegexRewrite("^/p/(.*)$", "/\\1")),
        "upstream.example",
        false,
        List.of(new HeaderValue("x-a", "one", true), new HeaderValue("x-n", "42", true),
            new HeaderValue("x-b", "true", true), new HeaderValue("x-c", "three", false)),
        List.of("x-secret"),
        List.of(new HeaderValue("x-served", "dragoman", true)),
        List.of("server", "x-powered-by"),
        OptionalLong.of(0), OptionalLong.of(250), OptionalLong.of(60000),
        true,
        List.of("websocket", "spdy/3.1"),
        OptionalLong.of(1048576)));
  }

  @Test
  void clusterIdleTimeoutIsTheIdleTimeout() {
    assertThat(onlyMapping(mapping("cluster_idle_timeout_ms: 5\n")).forward().idleTimeoutMs()).hasValue(5);
    assertThat(onlyError("cluster_idle_timeout_ms: 5\nidle_timeout_ms: 6\n").field())
        .isEqualTo("cluster_idle_timeout_ms");
  }

  @Test
  void autoHostRewrite() {
    assertThat(onlyMapping(mapping("auto_host_rewrite: true\n")).forward().autoHostRewrite()).isTrue();
    assertThat(onlyError("auto_host_rewrite: true\nhost_rewrite: h\n").message())
        .isEqualTo("auto_host_rewrite: true (expected: not together with host_rewrite)");
  }

  @Test
  void rewriteMustBeAPathOrEmpty() {
    assertThat(onlyError("rewrite: model\n").message())
        .isEqualTo("rewrite: \"model\" (expected: a path starting with /, or \"\" to keep the path)");
  }

  @Test
  void regexRewriteNeedsBothParts() {
    ParsedSource parsed = parse(mapping("regex_rewrite: {pattern: a, extra: 1}\n"));
    assertThat(parsed.errors()).extracting(ConfigError::field)
        .containsExactly("regex_rewrite.extra", "regex_rewrite.substitution");
  }

  @ParameterizedTest
  @ValueSource(strings = {"add_request_headers: {Content-Length: \"5\"}",
      "add_response_headers: {transfer-encoding: chunked}", "add_request_headers: {connection: close}",
      "add_response_headers: {upgrade: {value: websocket}}"})
  void headersThatFrameTheMessageCannotBeAdded(String line) {
    String name = line.substring(line.indexOf('{') + 1, line.indexOf(':', line.indexOf('{')));
    assertThat(onlyError(line + "\n").message()).isEqualTo(line.substring(0, line.indexOf(':')) + ": \"" + name
        + "\" (expected: a header the gateway does not set itself (not content-length, transfer-encoding,"
        + " connection, keep-alive, proxy-connection, te, trailer, upgrade))");
  }

  @Test
  void anAddedHeaderValueCannotCarryALineBreak() {
    assertThat(onlyError("add_request_headers: {x-a: \"ok\\r\\nx-injected: 1\"}\n").message())
        .isEqualTo("add_request_headers.x-a: \"ok\\r\\nx-injected: 1\" (expected: a header value without control"
            + " characters (CR, LF, NUL) or characters beyond ISO-8859-1)");
    assertThat(onlyError("add_response_headers: {x-a: {value: \"\\u010a\"}}\n").field())
        .isEqualTo("add_response_headers.x-a.value");
  }

  @Test
  void addHeaderValueMapNeedsAValue() {
    assertThat(onlyError("add_request_headers: {x-a: {append: true}}\n").message())
        .isEqualTo("add_request_headers.x-a.value: missing (expected: the header value)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "timeout_ms: 3s | timeout_ms: \"3s\" (expected: integer milliseconds)",
        "timeout_ms: -5 | timeout_ms: -5 (expected: >= 0)",
        "timeout_ms: 1.5 | timeout_ms: 1.5 (expected: integer milliseconds)",
        "timeout_ms: \"3000\" | timeout_ms: \"3000\" (expected: integer milliseconds)",
        "connect_timeout_ms: -1 | connect_timeout_ms: -1 (expected: >= 0)",
        "idle_timeout_ms: [1] | idle_timeout_ms: [1] (expected: integer milliseconds)",
        "timeout_ms: 99999999999999999999 | timeout_ms: 99999999999999999999 (expected: integer milliseconds)",
        "max_request_body_bytes: 0 | max_request_body_bytes: 0 (expected: >= 1)",
        "weight: 101 | weight: 101 (expected: 0-100)",
        "weight: -1 | weight: -1 (expected: 0-100)",
        "weight: ten | weight: \"ten\" (expected: an integer percentage 0-100)",
        "precedence: high | precedence: \"high\" (expected: an integer)",
        "precedence: 3000000000 | precedence: 3000000000 (expected: <= 2147483647)",
        "prefix_regex: \"yes\" | prefix_regex: \"yes\" (expected: true or false)",
        "prefix_exact: 1 | prefix_exact: 1 (expected: true or false)",
        "case_sensitive: \"false\" | case_sensitive: \"false\" (expected: true or false)",
        "shadow: \"true\" | shadow: \"true\" (expected: true or false)",
        "grpc: \"true\" | grpc: \"true\" (expected: true or false)",
        "use_websocket: \"true\" | use_websocket: \"true\" (expected: true or false)",
        "host_regex: \"true\" | host_regex: \"true\" (expected: true or false)",
        "method_regex: \"true\" | method_regex: \"true\" (expected: true or false)",
        "auto_host_rewrite: \"true\" | auto_host_rewrite: \"true\" (expected: true or false)",
        "bypass_auth: \"true\" | bypass_auth: \"true\" (expected: true or false)",
        "rewrite: 5 | rewrite: 5 (expected: a path starting with /, or \"\" to keep the path)",
        "host_rewrite: 5 | host_rewrite: 5 (expected: a host name)",
        "method: 5 | method: 5 (expected: an HTTP method such as GET)",
        "host: 5 | host: 5 (expected: a host name)",
        "allow_upgrade: {a: b} | allow_upgrade: {\"a\": \"b\"} (expected: a string or a list of strings)",
        "remove_request_headers: 7 | remove_request_headers: 7 (expected: a string or a list of strings)",
        "add_request_headers: [a] | add_request_headers: [\"a\"] (expected: a map of name: value)",
        "add_response_headers: {x-a: [1]} | add_response_headers.x-a: [1] (expected: a string or {value, append})",
        "cors: true | cors: true (expected: a map with origins, methods, headers, credentials, exposed_headers, max_age)",
        "retry_policy: 5xx | retry_policy: \"5xx\" (expected: a map with retry_on, num_retries, per_try_timeout)",
        "regex_rewrite: x | regex_rewrite: \"x\" (expected: a map with pattern and substitution)"
      })
  void typeAndRangeErrorsNameTheField(String extra, String message) {
    ConfigError e = onlyError(extra + "\n");
    assertThat(e.message()).isEqualTo(message);
    assertThat(e.field()).startsWith(extra.substring(0, extra.indexOf(':')));
    assertThat(message).startsWith(e.field() + ": ");
    assertThat(e.source()).isEqualTo("src.default");
    assertThat(e.object()).isEqualTo("m");
  }

  @ParameterizedTest
  @ValueSource(strings = {"prefix: 5", "service: 8080", "service: [a]", "prefix: {a: b}"})
  void numbersOrCollectionsWhereAStringIsExpectedAreErrors(String line) {
    String field = line.substring(0, line.indexOf(':'));
    ParsedSource parsed = parse(mapping("").replaceFirst(field + ": .*\n", line + "\n"));
    assertThat(parsed.mappings()).isEmpty();
    assertThat(parsed.errors()).extracting(ConfigError::field).containsExactly(field);
  }

  // ---- policies ----

  @Test
  void policyAttributes() {
    PolicySpec p = onlyMapping(mapping("""
        weight: 10
        shadow: true
        cors:
          origins: [https://a.example, https://b.example]
          methods: "get, post"
          headers: x-a,x-b
          credentials: true
          exposed_headers: [x-c]
          max_age: 600
        retry_policy: {retry_on: "5xx, connect-failure", num_retries: 3, per_try_timeout: 1.5s}
        circuit_breakers:
          - {max_connections: 10}
          - {priority: high, max_pending_requests: 0, max_requests: 5, max_retries: 1}
        """)).policies();
    assertThat(p.weight()).hasValue(10);
    assertThat(p.shadow()).isTrue();
    assertThat(p.cors()).contains(new Cors(List.of("https://a.example", "https://b.example"),
        List.of("GET", "POST"), List.of("x-a", "x-b"), true, List.of("x-c"), OptionalLong.of(600)));
    assertThat(p.retryPolicy()).contains(new RetryPolicy("5xx,connect-failure", 3, OptionalLong.of(1500)));
    assertThat(p.circuitBreakers()).containsExactly(
        new CircuitBreaker(10, 1024, 1024, 3), new CircuitBreaker(1024, 0, 5, 1));
    assertThat(p.redirect()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"500ms, 500", "1.5s, 1500", "2m, 120000", "1m30s, 90000", "0.0001s, 1"})
  void perTryTimeoutDurations(String text, long ms) {
    assertThat(onlyMapping(mapping("retry_policy: {retry_on: reset, per_try_timeout: " + text + "}\n"))
        .policies().retryPolicy().orElseThrow().perTryTimeoutMs()).hasValue(ms);
  }

  @Test
  void perTryTimeoutAsIntegerMillisAndDefaults() {
    RetryPolicy r = onlyMapping(mapping("retry_policy: {retry_on: gateway-error, per_try_timeout: 250}\n"))
        .policies().retryPolicy().orElseThrow();
    assertThat(r).isEqualTo(new RetryPolicy("gateway-error", 1, OptionalLong.of(250)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"5xx", "gateway-error", "connect-failure", "retriable-4xx", "refused-stream", "reset"})
  void eachRetryOnValue(String value) {
    assertThat(onlyMapping(mapping("retry_policy: {retry_on: " + value + "}\n")).policies().retryPolicy()
        .orElseThrow().retryOn()).isEqualTo(value);
  }

  @Test
  void retryPolicyErrors() {
    assertThat(onlyError("retry_policy: {retry_on: 4xx}\n").message()).isEqualTo(
        "retry_policy.retry_on: \"4xx\" (expected: one or more of 5xx, connect-failure, gateway-error, "
            + "refused-stream, reset, retriable-4xx)");
    assertThat(onlyError("retry_policy: {num_retries: 2}\n").field()).isEqualTo("retry_policy.retry_on");
    assertThat(onlyError("retry_policy: {retry_on: 5xx, per_try_timeout: soon}\n").message()).isEqualTo(
        "retry_policy.per_try_timeout: \"soon\" (expected: a duration such as \"500ms\" or \"1.5s\", "
            + "or integer milliseconds)");
    assertThat(onlyError("retry_policy: {retry_on: 5xx, num_retries: -1}\n").message())
        .isEqualTo("retry_policy.num_retries: -1 (expected: 0-100)");
    assertThat(onlyError("retry_policy: {retry_on: 5xx, tries: 1}\n").field()).isEqualTo("retry_policy.tries");
  }

  @Test
  void circuitBreakerErrors() {
    assertThat(onlyError("circuit_breakers: [{max_connections: 0}]\n").message())
        .isEqualTo("circuit_breakers[0].max_connections: 0 (expected: >= 1)");
    assertThat(onlyError("circuit_breakers: [{priority: urgent}]\n").message())
        .isEqualTo("circuit_breakers[0].priority: \"urgent\" (expected: default or high)");
    assertThat(onlyError("circuit_breakers: [{}, {}]\n").message())
        .isEqualTo("circuit_breakers[1].priority: \"default\" (expected: one circuit breaker per priority)");
    assertThat(onlyError("circuit_breakers: {max_connections: 1}\n").field()).isEqualTo("circuit_breakers");
    assertThat(onlyError("circuit_breakers: [5]\n").field()).isEqualTo("circuit_breakers[0]");
  }

  @Test
  void corsMaxAgeAsNumericStringAndErrors() {
    assertThat(onlyMapping(mapping("cors: {origins: \"*\", max_age: \"86400\"}\n")).policies().cors().orElseThrow()
        .maxAgeSeconds()).hasValue(86400);
    assertThat(onlyError("cors: {max_age: a day}\n").message())
        .isEqualTo("cors.max_age: \"a day\" (expected: integer seconds)");
    assertThat(onlyError("cors: {credentials: \"yes\"}\n").field()).isEqualTo("cors.credentials");
    assertThat(onlyError("cors: {origin: x}\n").message()).isEqualTo("cors.origin: unknown attribute (expected: \"origins\"?)");
    assertThat(onlyError("cors: {origins: [1]}\n").message())
        .isEqualTo("cors.origins: [1] (expected: a comma-separated string or a list of strings)");
  }

  @Test
  void hostRedirectTrueRedirectsToTheService() {
    Mapping m = onlyMapping(mapping("host_redirect: true\npath_redirect: /new\n")
        .replace("service: svc", "service: https://www.example.com"));
    assertThat(m.policies().redirect()).contains(new Redirect("www.example.com", "/new", "", 301));
  }

  @Test
  void hostRedirectAsAStringAndOtherRedirects() {
    assertThat(onlyMapping(mapping("host_redirect: example.org\nredirect_response_code: 308\n")).policies().redirect())
        .contains(new Redirect("example.org", "", "", 308));
    assertThat(onlyMapping(mapping("prefix_redirect: /v2/\nredirect_response_code: 302\n")).policies().redirect())
        .contains(new Redirect("", "", "/v2/", 302));
    assertThat(onlyMapping(mapping("host_redirect: false\n")).policies().redirect()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 300, 304, 404})
  void redirectCodeMustBeARedirect(int code) {
    assertThat(onlyError("host_redirect: true\nredirect_response_code: " + code + "\n").message())
        .isEqualTo("redirect_response_code: " + code + " (expected: 301, 302, 303, 307 or 308)");
  }

  @Test
  void redirectErrors() {
    assertThat(onlyError("redirect_response_code: 302\n").message())
        .isEqualTo("redirect_response_code: 302 (expected: only with host_redirect, path_redirect or prefix_redirect)");
    assertThat(onlyError("path_redirect: /a\nprefix_redirect: /b\n").message())
        .isEqualTo("prefix_redirect: \"/b\" (expected: not together with path_redirect)");
    assertThat(onlyError("path_redirect: a\n").message())
        .isEqualTo("path_redirect: \"a\" (expected: a path starting with /)");
    assertThat(onlyError("host_redirect: 5\n").message())
        .isEqualTo("host_redirect: 5 (expected: true (redirect to service) or a host name)");
    assertThat(onlyError("regex_redirect: {pattern: a, substitution: b}\n").message())
        .isEqualTo("regex_redirect: not supported yet (expected: prefix_redirect or path_redirect)");
  }

  // ---- informational, unknown ----

  @Test
  void informationalAttributesAreKeptAsWritten() {
    Mapping m = onlyMapping(mapping("""
        bypass_auth: true
        docs: {path: /docs}
        envoy_override: {per_filter_config: {}}
        rate_limits: [{descriptor: a}]
        labels: {ambassador: [{request_label: [backend]}]}
        priority: high
        add_linkerd_headers: false
        cluster_tag: blue
        load_balancer: {policy: round_robin}
        resolver: endpoint
        """));
    assertThat(m.informational()).containsOnlyKeys("bypass_auth", "docs", "envoy_override", "rate_limits", "labels",
        "priority", "add_linkerd_headers", "cluster_tag", "load_balancer", "resolver");
    assertThat(m.informational()).containsEntry("bypass_auth", true)
        .containsEntry("docs", Map.of("path", "/docs"))
        .containsEntry("cluster_tag", "blue");
  }

  @Test
  void envelopeKeysAreAcceptedAndIgnored() {
    Mapping m = onlyMapping(mapping("generation: 3\n"));
    assertThat(m.informational()).isEmpty();
  }

  @Test
  void unknownAttributeIsNamedWithASuggestion() {
    assertThat(onlyError("timeout: 5\n"))
        .isEqualTo(new ConfigError("src.default", "m", "timeout",
            "timeout: unknown attribute (expected: \"timeout_ms\"?)"));
    assertThat(onlyError("frobnicate: 5\n").message())
        .isEqualTo("frobnicate: unknown attribute (expected: an attribute listed in docs/mapping-reference.md)");
  }

  @Test
  void allErrorsOfOneObjectAreReported() {
    ParsedSource parsed = parse(mapping("timeout_ms: x\nweight: 300\nfoo: 1\nshadow: maybe\n")
        .replace("prefix: /p/\n", ""));
    assertThat(parsed.errors()).extracting(ConfigError::field)
        .containsExactlyInAnyOrder("foo", "prefix", "timeout_ms", "weight", "shadow");
  }

  @Test
  void nullValuesCountAsAbsent() {
    Mapping m = onlyMapping(mapping("timeout_ms:\nrewrite:\n"));
    assertThat(m.forward().timeoutMs()).isEmpty();
    assertThat(m.forward().rewrite()).isEqualTo("/");
  }
}
