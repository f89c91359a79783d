package dev.imprint.agent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust domain's bundles as the server publishes them ({@code GET /v1/bundle/x509}, PEM, and
 * {@code GET /v1/bundle/jwt}, a JWKS), read again at each refresh; listeners hear of every change
 * (a key prepared, activated or unpublished).
 */
final class Bundles {
  private static final Logger LOG = LoggerFactory.getLogger(Bundles.class);

  /** One published state: the X.509 authorities and the JWT authorities' JWKS document. */
  record Snapshot(List<X509Certificate> x509Authorities, String jwtJwks) {
    /** The X.509 authorities, ASN.1 DER concatenated (the Workload API's encoding). */
    byte[] x509Der() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (X509Certificate c : x509Authorities) {
        try {
          out.writeBytes(c.getEncoded());
        } catch (CertificateException e) {
          throw new IllegalStateException("a parsed certificate does not encode", e);
        }
      }
      return out.toByteArray();
    }

    /** The JWKS as UTF-8 bytes. */
    byte[] jwtBytes() {
      return jwtJwks.getBytes(StandardCharsets.UTF_8);
    }
  }

  private final ServerApi api;
  private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private volatile Snapshot current;

  Bundles(ServerApi api) {
    this.api = api;
  }

  /**
   * Reads both bundles; notifies listeners when either changed.
   *
   * @throws ServerException when the server cannot be read
   */
  void refresh() {
    Snapshot next = new Snapshot(parsePem(api.get("/v1/bundle/x509")),
        api.get("/v1/bundle/jwt"));
    Snapshot before = current;
    if (before != null && before.jwtJwks().equals(next.jwtJwks())
        && Objects.equals(before.x509Authorities(), next.x509Authorities())) {
      return;
    }
    current = next;
    if (before != null) {
      LOG.info("trust bundle changed: {} X.509 authorities", next.x509Authorities().size());
      listeners.forEach(l -> l.accept(next));
    }
  }

  /** Refreshes, logging instead of throwing (the scheduled read). */
  void refreshQuietly() {
    try {
      refresh();
    } catch (ServerException | IllegalArgumentException e) {
      LOG.warn("cannot refresh the trust bundle: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("refreshing the trust bundle failed", e);
    }
  }

  /** The bundles last read. */
  Snapshot current() {
    Snapshot s = current;
    if (s == null) {
      throw new IllegalStateException("the bundles have not been read yet");
    }
    return s;
  }

  /** Calls {@code l} with each later change; returns what undoes it. */
  Runnable onChange(Consumer<Snapshot> l) {
    listeners.add(l);
    return () -> listeners.remove(l);
  }

  static List<X509Certificate> parsePem(String pem) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      @SuppressWarnings("unchecked")
      List<X509Certificate> certs = (List<X509Certificate>) List.copyOf(cf.generateCertificates(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
      if (certs.isEmpty()) {
        throw new IllegalArgumentException("expected PEM certificates, got none");
      }
      return certs;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("expected PEM certificates: " + e.getMessage(), e);
    }
  }
}
