package io.dragoman.gateway.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertPathValidatorException;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class InformerFailuresTest {
  @Test
  void transientFailuresAreRetriedBeforeAndAfterTheFirstList() {
    Throwable[] transients = {
      new CompletionException(new ConnectException("Connection refused")),
      new KubernetesClientException("timeout", new HttpTimeoutException("request timed out")),
      new KubernetesClientException(new StatusBuilder().withCode(500).withMessage("etcd unavailable").build()),
      new KubernetesClientException(new StatusBuilder().withCode(403).withMessage("forbidden").build()),
      new KubernetesClientException(new StatusBuilder().withCode(429).build()),
      new WatcherException("Could not process Watch response", new IOException("closed")),
      new SSLHandshakeException("Remote host terminated the handshake"),
    };
    for (Throwable t : transients) {
      assertThat(InformerFailures.INSTANCE.retryAfterException(false, t)).as("before start: %s", t).isTrue();
      assertThat(InformerFailures.INSTANCE.retryAfterException(true, t)).as("after start: %s", t).isTrue();
    }
  }

  @Test
  void aResponseThatDoesNotDeserializeStopsTheInformer() {
    Throwable t = new KubernetesClientException("bad list", new JsonMappingException(null, "items: not an array"));

    assertThat(InformerFailures.retry(t)).isFalse();
    assertThat(InformerFailures.retry(new CompletionException(new ClassCastException("Status")))).isFalse();
  }

  @Test
  void anUntrustedCertificateStopsTheInformer() {
    SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path validation failed");
    untrusted.initCause(new CertPathValidatorException("signature check failed"));

    assertThat(InformerFailures.retry(new KubernetesClientException("list failed", untrusted))).isFalse();
  }

  @Test
  void aJvmErrorStopsTheInformer() {
    assertThat(InformerFailures.retry(new CompletionException(new OutOfMemoryError("heap")))).isFalse();
  }
}
