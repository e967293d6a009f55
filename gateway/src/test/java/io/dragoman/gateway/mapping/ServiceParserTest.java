package io.dragoman.gateway.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceParserTest {

  @ParameterizedTest(name = "{0} in {1}")
  @CsvSource({
    "test, kubeflow, false, test.kubeflow, 80",
    "test:8000, kubeflow, false, test.kubeflow, 8000",
    "test.kubeflow, default, false, test.kubeflow, 80",
    "test.kubeflow:8000, default, false, test.kubeflow, 8000",
    "httpbin.org:80, default, false, httpbin.org, 80",
    "https://httpbin.org, default, true, httpbin.org, 443",
    "https://httpbin.org:8443, default, true, httpbin.org, 8443",
    "http://web, ns, false, web.ns, 80",
    "HTTPS://Api.Example.COM, default, true, api.example.com, 443",
    "localhost:9000, ns, false, localhost, 9000",
    "10.0.0.7, ns, false, 10.0.0.7, 80",
    "10.0.0.7:8080, ns, false, 10.0.0.7, 8080",
    "'[::1]:8080', ns, false, ::1, 8080",
    "'[fd00::5]', ns, false, fd00::5, 80",
    "'https://[fd00::5]', ns, true, fd00::5, 443",
    "svc.ns.svc.cluster.local:81, x, false, svc.ns.svc.cluster.local, 81"
  })
  void readsEveryForm(String raw, String namespace, boolean tls, String host, int port) {
    Problems problems = new Problems();
    Optional<ServiceRef> ref = ServiceParser.parse("service", raw, namespace, false, problems);
    assertThat(problems.list()).isEmpty();
    assertThat(ref).contains(new ServiceRef(raw, tls, host, port));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "user@host.example | no user-info",
        "http://user:pw@host | no user-info",
        "host.example/path | no path after the host",
        "https://host.example/ | no path after the host",
        "host?x=1 | no path after the host",
        "ftp://host | http://, https:// or no scheme",
        "host:0 | a port in 1-65535",
        "host:65536 | a port in 1-65535",
        "host:http | a port in 1-65535",
        "'host:' | a port in 1-65535",
        "::1 | an IPv6 address in brackets: [IPv6]:port",
        "'[::1' | [IPv6] or [IPv6]:port",
        "'[zz]:80' | an IPv6 address inside [ ]",
        "'' | a host name, name.namespace or an IP address",
        "'bad host' | a host name, name.namespace or an IP address",
        "-lead | a host name, name.namespace or an IP address"
      })
  void refusesWithTheReason(String raw, String expected) {
    Problems problems = new Problems();
    assertThat(ServiceParser.parse("service", raw, "ns", false, problems)).isEmpty();
    assertThat(problems.list())
        .containsExactly(new Problems.Problem("service", "service: " + Render.quote(raw) + " (expected: " + expected + ")"));
  }

  @ParameterizedTest
  @CsvSource({"web, ns, web.ns", "web.other, ns, web.other", "localhost, ns, localhost", "1.2.3.4, ns, 1.2.3.4"})
  void qualifiesOnlyBareNames(String host, String namespace, String expected) {
    assertThat(ServiceParser.qualify(host, namespace)).isEqualTo(expected);
  }
}
