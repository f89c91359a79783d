package dev.imprint.server.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A Jetty connector that serves HTTPS only (TLS 1.2 and 1.3, the JDK's default cipher suites
 * for those versions) with a {@link ServerCertificate} and HSTS on every response; it replaces
 * the plain connector.
 */
public final class HttpsConnector {
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  /** {@code Strict-Transport-Security: max-age=31536000} (one year) on every TLS response. */
  static final long HSTS_MAX_AGE_SECONDS = 31_536_000;

  private HttpsConnector() {}

  /** A connector factory for {@code JavalinConfig.jetty.addConnector}, without client auth. */
  public static BiFunction<Server, HttpConfiguration, Connector> on(String host, int port,
      ServerCertificate certificate) {
    return on(host, port, certificate, null);
  }

  /**
   * A connector factory for {@code JavalinConfig.jetty.addConnector} that asks clients for a
   * certificate issued by one of {@code clientAuthorities} (read at every handshake, so rotated
   * authorities apply at once) without requiring one: the handshake proves the client holds the
   * key of whatever certificate it presents, and the route that reads it validates it
   * ({@link ClientCertificates}). Null: no client certificates are asked for.
   */
  public static BiFunction<Server, HttpConfiguration, Connector> on(String host, int port,
      ServerCertificate certificate, Supplier<List<X509Certificate>> clientAuthorities) {
    return (server, http) -> {
      SslContextFactory.Server ssl = clientAuthorities == null ? new SslContextFactory.Server()
          : new ClientCertificates.Factory(clientAuthorities);
      ssl.setKeyStore(certificate.keyStore());
      ssl.setKeyStorePassword(new String(certificate.keyStorePassword()));
      ssl.setCertAlias(ServerCertificate.ALIAS);
      ssl.setIncludeProtocols(PROTOCOLS);
      ssl.setExcludeProtocols("SSL", "SSLv2", "SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1");
      HttpConfiguration https = new HttpConfiguration(http);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      // Clients may reach the server by IP address or an alias the certificate does not name;
      // the certificate check is the client's job, not a reason to answer 400.
      secure.setSniHostCheck(false);
      // RFC 6797: a browser that has once reached the console over TLS never falls back to
      // plain HTTP for a year. Sent on TLS responses only (this connector); a plain-HTTP answer
      // carrying it would be ignored by the client anyway.
      secure.setStsMaxAge(HSTS_MAX_AGE_SECONDS);
      https.addCustomizer(secure);
      ServerConnector connector = new ServerConnector(server,
          new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
      connector.setHost(host);
      connector.setPort(port);
      return connector;
    };
  }
}
