package io.dragoman.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dragoman.gateway.mapping.Mapping;
import io.dragoman.gateway.mapping.ServiceRef;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code https://} services: verified against the JVM's CAs plus the operator's bundle, and by host name. */
class UpstreamTlsTest {
  private final HeldCertificate ca =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("Dragoman test CA").build();
  private final HeldCertificate serverCert =
      new HeldCertificate.Builder().addSubjectAlternativeName("secure.test").signedBy(ca).build();
  private final MockWebServer upstream = new MockWebServer();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ProxyHarness gateway;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    HandshakeCertificates certs =
        new HandshakeCertificates.Builder().heldCertificate(serverCert, ca.certificate()).build();
    upstream.useHttps(certs.sslSocketFactory());
    upstream.start();
  }

  @AfterEach
  void stop() {
    if (gateway != null) gateway.close();
    upstream.close();
  }

  private void gatewayWith(Optional<Path> bundle, String serviceHost) {
    gateway = new ProxyHarness(bundle);
    gateway.resolver.route(serviceHost, 8443, upstream.getPort());
    ServiceRef service = new ServiceRef("https://" + serviceHost + ":8443", true, serviceHost, 8443);
    gateway.routes(Mapping.builder("secure", "/secure/", service).build());
  }

  private Path caBundle() throws Exception {
    Path pem = dir.resolve("ca.pem");
    Files.writeString(pem, ca.certificatePem());
    return pem;
  }

  private HttpResponse<String> get() throws Exception {
    return client.send(HttpRequest.newBuilder(gateway.url("/secure/x")).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void upstreamSignedByTheBundledCaIsVerifiedAndGetsSni() throws Exception {
    gatewayWith(Optional.of(caBundle()), "secure.test");
    upstream.enqueue(new MockResponse.Builder().code(200).body("over tls").build());

    HttpResponse<String> r = get();

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("over tls");
    RecordedRequest seen = upstream.takeRequest(5, TimeUnit.SECONDS);
    assertThat(seen.getTarget()).isEqualTo("/x");
    assertThat(seen.getHandshake()).isNotNull();
    assertThat(seen.getHandshakeServerNames()).isEqualTo(List.of("secure.test"));
  }

  @Test
  void unknownCaIsRefusedWith503Uf() throws Exception {
    gatewayWith(Optional.empty(), "secure.test");
    upstream.enqueue(new MockResponse.Builder().code(200).body("must not be seen").build());

    HttpResponse<String> r = get();

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("x-dragoman-reason")).contains("UF");
    assertThat(gateway.listener.get("failure:UF")).isEqualTo(1);
  }

  @Test
  void certificateForAnotherHostIsRefusedWith503() throws Exception {
    gatewayWith(Optional.of(caBundle()), "wrong.test");
    upstream.enqueue(new MockResponse.Builder().code(200).body("must not be seen").build());

    HttpResponse<String> r = get();

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("x-dragoman-reason")).contains("UF");
  }

  @Test
  void unreadableBundleIsAConfigurationError() {
    Path missing = dir.resolve("missing.pem");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> UpstreamTls.create(Optional.of(missing)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("upstream_ca_bundle: \"" + missing + "\" (expected: a PEM file of CA certificates)");
  }
}
