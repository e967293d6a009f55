package io.dragoman.gateway.proxy;

import io.undertow.UndertowOptions;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.ssl.XnioSsl;

/**
 * TLS to {@code https://} services: the certificate must chain to the JVM's trust store or to the operator's CA
 * bundle (a PEM file), and must name the service's host. The pools connect to a resolved IP, so the host name is
 * handed to each engine through {@link Options#SSL_PEER_HOST_NAME}; every engine this context makes verifies it
 * ({@code HTTPS} endpoint identification) and sends it as SNI.
 */
public final class UpstreamTls {
  private UpstreamTls() {}

  /**
   * The TLS factory the upstream pools use.
   *
   * @param caBundle extra trusted CAs (PEM), on top of the JVM's
   * @throws IllegalArgumentException when the bundle cannot be read or holds no certificate
   */
  public static XnioSsl create(Optional<Path> caBundle) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers(caBundle), null);
      return new UndertowXnioSsl(Xnio.getInstance(), OptionMap.EMPTY, verifying(context));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS context in this JVM", e);
    }
  }

  /** The connect options for one TLS upstream: its host name for SNI and verification; ALPN h2 for gRPC. */
  static OptionMap options(OptionMap base, String host, boolean h2) {
    OptionMap.Builder b = OptionMap.builder().addAll(base).set(Options.SSL_PEER_HOST_NAME, host);
    if (h2) b.set(UndertowOptions.ENABLE_HTTP2, true);
    return b.getMap();
  }

  private static TrustManager[] trustManagers(Optional<Path> caBundle) throws GeneralSecurityException {
    if (caBundle.isEmpty()) return null; // the JVM's own
    Path path = caBundle.get();
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create an empty key store", e);
    }
    int n = 0;
    for (X509Certificate ca : jvmTrust().getAcceptedIssuers()) store.setCertificateEntry("jvm-" + n++, ca);
    Collection<? extends Certificate> bundle = readBundle(path);
    for (Certificate ca : bundle) store.setCertificateEntry("bundle-" + n++, ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf.getTrustManagers();
  }

  private static Collection<? extends Certificate> readBundle(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) throw new IllegalArgumentException(bundleError(path, "no certificate in it"));
      return certs;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(bundleError(path, e.getMessage()), e);
    }
  }

  private static String bundleError(Path path, String why) {
    return "upstream_ca_bundle: \"" + path + "\" (expected: a PEM file of CA certificates): " + why;
  }

  private static X509TrustManager jvmTrust() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) return x;
    }
    throw new KeyManagementException("the JVM has no X.509 trust manager");
  }

  private static SSLContext verifying(SSLContext delegate) {
    return new SSLContext(new VerifyingSpi(delegate), delegate.getProvider(), delegate.getProtocol()) {};
  }

  /** Makes every client engine check the peer's host name and send it as SNI. */
  private static final class VerifyingSpi extends SSLContextSpi {
    private final SSLContext delegate;

    VerifyingSpi(SSLContext delegate) {
      this.delegate = delegate;
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      SSLEngine engine = delegate.createSSLEngine(host, port);
      SSLParameters params = engine.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      if (host != null && !DnsResolver.isIpLiteral(host)) {
        try {
          params.setServerNames(List.of(new SNIHostName(host)));
        } catch (IllegalArgumentException e) {
          // not a valid SNI name: the handshake goes without it, and verification still checks the name
        }
      }
      engine.setSSLParameters(params);
      return engine;
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return engineCreateSSLEngine(null, -1); // no host: verification fails closed
    }

    @Override
    protected void engineInit(
        javax.net.ssl.KeyManager[] km, TrustManager[] tm, java.security.SecureRandom sr) {
      throw new UnsupportedOperationException("initialised at construction");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return delegate.getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return delegate.getServerSocketFactory();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return delegate.getClientSessionContext();
    }
  }
}
