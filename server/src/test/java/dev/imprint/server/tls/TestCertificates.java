package dev.imprint.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed certificates for 127.0.0.1 and localhost, made with Bouncy Castle (tests). */
public final class TestCertificates {
  /** How the private key is written. */
  public enum KeyFormat { PKCS8, TRADITIONAL }

  /** A certificate and its key pair. */
  public record Issued(X509Certificate certificate, KeyPair keys) {}

  private TestCertificates() {}

  /** A key pair: "RSA" (2048) or "EC" (P-256). */
  public static KeyPair keys(String algorithm) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        g.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        g.initialize(2048);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A self-signed certificate valid from {@code notBefore} for {@code validity}. */
  public static Issued selfSigned(KeyPair keys, Instant notBefore, Duration validity) {
    try {
      X500Name name = new X500Name("CN=imprint-test");
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
          BigInteger.valueOf(System.nanoTime()), Date.from(notBefore),
          Date.from(notBefore.plus(validity)), name, keys.getPublic());
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
              new GeneralName(GeneralName.dNSName, "localhost")}));
      String alg = keys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA"
          : "SHA256withRSA";
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder(alg).build(keys.getPrivate())));
      return new Issued(cert, keys);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A certificate valid from an hour ago for a day. */
  public static Issued current(String algorithm) {
    return selfSigned(keys(algorithm), Instant.now().minus(Duration.ofHours(1)),
        Duration.ofDays(1));
  }

  /** Writes the certificate as PEM. */
  public static Path writeCert(Path file, X509Certificate cert) {
    return write(file, pem(cert));
  }

  /** Writes the private key as PEM in {@code format}. */
  public static Path writeKey(Path file, KeyPair keys, KeyFormat format) {
    try {
      return write(file, format == KeyFormat.PKCS8
          ? pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate())
          : keys.getPrivate().getAlgorithm().equals("EC") ? pem(sec1(keys)) : pem(keys));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** SEC1 "EC PRIVATE KEY" with the curve and public key, as openssl writes it. */
  private static PemObject sec1(KeyPair keys) throws IOException {
    PrivateKeyInfo pki = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(pki.parsePrivateKey());
    ASN1BitString pub = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded())
        .getPublicKeyData();
    ECPrivateKey full = new ECPrivateKey(256, inner.getKey(), pub,
        pki.getPrivateKeyAlgorithm().getParameters());
    return new PemObject("EC PRIVATE KEY", full.getEncoded());
  }

  /** A client TLS context that trusts exactly {@code cert}. */
  public static SSLContext trusting(X509Certificate cert) {
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("server", cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A client TLS context that trusts exactly {@code server} and presents {@code chain} (leaf
   * first) with {@code key} as its client certificate.
   */
  public static SSLContext presenting(X509Certificate server, java.security.PrivateKey key,
      java.util.List<X509Certificate> chain) {
    return presenting(server, key, chain, true);
  }

  /**
   * As {@link #presenting(X509Certificate, java.security.PrivateKey, java.util.List)}; when
   * {@code always} is false the JDK's key manager decides, which presents the certificate only
   * when its chain leads to an issuer the server names in its certificate request.
   */
  public static SSLContext presenting(X509Certificate server, java.security.PrivateKey key,
      java.util.List<X509Certificate> chain, boolean always) {
    try {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      ts.setCertificateEntry("server", server);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ts);
      char[] pass = "test".toCharArray();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("client", key, pass, chain.toArray(X509Certificate[]::new));
      javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
          javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pass);
      javax.net.ssl.X509ExtendedKeyManager km =
          (javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0];
      // present the certificate whatever issuers the server names (a hostile client would)
      javax.net.ssl.X509ExtendedKeyManager any = new javax.net.ssl.X509ExtendedKeyManager() {
        @Override
        public String[] getClientAliases(String type, java.security.Principal[] issuers) {
          return new String[] {"client"};
        }

        @Override
        public String chooseClientAlias(String[] type, java.security.Principal[] issuers,
            java.net.Socket socket) {
          return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] type, java.security.Principal[] issuers,
            javax.net.ssl.SSLEngine engine) {
          return "client";
        }

        @Override
        public String[] getServerAliases(String type, java.security.Principal[] issuers) {
          return null;
        }

        @Override
        public String chooseServerAlias(String type, java.security.Principal[] issuers,
            java.net.Socket socket) {
          return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
          return km.getCertificateChain(alias);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
          return km.getPrivateKey(alias);
        }
      };
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(always ? new javax.net.ssl.KeyManager[] {any} : kmf.getKeyManagers(),
          tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
