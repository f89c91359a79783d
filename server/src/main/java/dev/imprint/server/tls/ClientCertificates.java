package dev.imprint.server.tls;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS client certificates for X.509-SVIDs: the server asks for one (never requires it), names
 * the current X.509 authorities as the issuers it accepts, and leaves validation to the route
 * that reads the certificate: a chain that does not validate is then refused with a reason in a
 * problem document instead of a failed handshake, and routes that do not read it are unaffected.
 * The handshake itself proves the client holds the private key of the leaf it sent.
 */
public final class ClientCertificates {
  /** The request attribute holding the client's chain (leaf first), set by Jetty. */
  public static final String ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

  private ClientCertificates() {}

  /** The chain a request's client presented (leaf first), or an empty list. */
  public static List<X509Certificate> of(Object attribute) {
    return attribute instanceof X509Certificate[] chain ? List.of(chain) : List.of();
  }

  /** Jetty's server TLS settings with {@link Deferred} as the trust manager. */
  static final class Factory extends SslContextFactory.Server {
    private final Supplier<List<X509Certificate>> authorities;

    Factory(Supplier<List<X509Certificate>> authorities) {
      this.authorities = authorities;
      setWantClientAuth(true);
    }

    @Override
    protected TrustManager[] getTrustManagers(KeyStore trustStore,
        Collection<? extends CRL> crls) {
      return new TrustManager[] {new Deferred(authorities)};
    }
  }

  /**
   * Accepts any client chain at the handshake (the route validates it) and advertises the
   * current authorities; refuses to judge servers (this end is never a TLS client).
   */
  static final class Deferred extends X509ExtendedTrustManager {
    private final Supplier<List<X509Certificate>> authorities;

    Deferred(Supplier<List<X509Certificate>> authorities) {
      this.authorities = authorities;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // validated by the route that reads the certificate (X509SvidValidator)
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      // as above
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      // as above
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("the server's trust manager does not judge servers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> now = authorities.get();
      return now == null ? new X509Certificate[0] : now.toArray(X509Certificate[]::new);
    }

    @Override
    public String toString() {
      return "ClientCertificates.Deferred" + Arrays.toString(getAcceptedIssuers());
    }
  }
}
