package dev.imprint.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The server's TLS identity read from PEM files: a certificate chain (leaf first) and the
 * leaf's private key, validated and held in an in-memory key store. The key store password is
 * random per process and never leaves it.
 */
public final class ServerCertificate {
  static final String ALIAS = "imprint";

  private final List<X509Certificate> chain;
  private final KeyStore keyStore;
  private final char[] keyStorePassword;

  private ServerCertificate(List<X509Certificate> chain, KeyStore keyStore, char[] password) {
    this.chain = List.copyOf(chain);
    this.keyStore = keyStore;
    this.keyStorePassword = password;
  }

  /**
   * Reads and checks the PEM files.
   *
   * @throws IllegalArgumentException naming the file and what was wrong with it: missing,
   *     unreadable, not PEM, an encrypted key, or a key that does not match the certificate
   */
  public static ServerCertificate load(Path certPem, Path keyPem) {
    List<X509Certificate> chain = readChain(certPem);
    PrivateKey key = readKey(keyPem);
    if (!matches(key, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException("the private key in " + keyPem + " does not match the"
          + " certificate in " + certPem + " (" + describe(chain.get(0)) + ")");
    }
    char[] password = randomPassword();
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(ALIAS, key, password, chain.toArray(new X509Certificate[0]));
      return new ServerCertificate(chain, ks, password);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot build a key store from " + certPem + " and "
          + keyPem + ": " + e.getMessage(), e);
    }
  }

  /** The chain, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  /**
   * Problems worth a warning at {@code now}: an expired or not yet valid leaf certificate.
   * They are warnings, not errors, so an operator can still start the server to replace it.
   */
  public List<String> warnings(Instant now) {
    List<String> out = new ArrayList<>();
    X509Certificate leaf = leaf();
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      out.add("the TLS certificate " + describe(leaf) + " expired on "
          + leaf.getNotAfter().toInstant() + "; clients will refuse it");
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      out.add("the TLS certificate " + describe(leaf) + " is not valid before "
          + leaf.getNotBefore().toInstant() + "; clients will refuse it");
    }
    return out;
  }

  KeyStore keyStore() {
    return keyStore;
  }

  char[] keyStorePassword() {
    return keyStorePassword.clone();
  }

  @Override
  public String toString() {
    return "ServerCertificate[" + describe(leaf()) + ", key [redacted]]";
  }

  static String describe(X509Certificate c) {
    return "subject '" + c.getSubjectX500Principal().getName() + "', serial "
        + c.getSerialNumber().toString(16);
  }

  private static List<X509Certificate> readChain(Path pem) {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(open(pem, "--tls-cert"))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof X509CertificateHolder holder) {
          chain.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("expected PEM certificates (-----BEGIN CERTIFICATE-----)"
          + " in --tls-cert " + pem + ", got unreadable content: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("expected at least one -----BEGIN CERTIFICATE----- block"
          + " in --tls-cert " + pem + ", got none");
    }
    return chain;
  }

  private static PrivateKey readKey(Path pem) {
    Object o;
    try (PEMParser parser = new PEMParser(open(pem, "--tls-key"))) {
      o = parser.readObject();
      while (o != null && !isKey(o)) {
        o = parser.readObject();
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("expected a PEM private key in --tls-key " + pem
          + ", got unreadable content: " + e.getMessage(), e);
    }
    if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
      throw new IllegalArgumentException("the private key in --tls-key " + pem + " is encrypted;"
          + " expected an unencrypted PEM key (protect the file with permissions instead)");
    }
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try {
      if (o instanceof PEMKeyPair pair) {
        // Only the private part: a SEC1 key may omit its optional public key.
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("unsupported private key in --tls-key " + pem
          + ": " + e.getMessage() + " (expected RSA or EC)", e);
    }
    throw new IllegalArgumentException("expected a -----BEGIN PRIVATE KEY----- (PKCS#8),"
        + " RSA PRIVATE KEY or EC PRIVATE KEY block in --tls-key " + pem + ", got none");
  }

  private static boolean isKey(Object o) {
    return o instanceof PEMKeyPair || o instanceof PrivateKeyInfo
        || o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo;
  }

  private static Reader open(Path pem, String option) {
    try {
      return Files.newBufferedReader(pem, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(option + " " + pem + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + option + " " + pem + ": "
          + e.getMessage(), e);
    }
  }

  /** Proves possession: a signature made with the key verifies with the certificate's key. */
  private static boolean matches(PrivateKey key, PublicKey certKey) {
    String alg = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
      case "RSA" -> "SHA256withRSA";
      case "EC", "ECDSA" -> "SHA256withECDSA";
      default -> throw new IllegalArgumentException("unsupported private key algorithm "
          + key.getAlgorithm() + "; expected RSA or EC");
    };
    if (!key.getAlgorithm().equalsIgnoreCase(certKey.getAlgorithm())
        && !(alg.endsWith("ECDSA") && certKey.getAlgorithm().startsWith("EC"))) {
      return false;
    }
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    try {
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(certKey);
      v.update(probe);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static char[] randomPassword() {
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw).toCharArray();
  }
}
