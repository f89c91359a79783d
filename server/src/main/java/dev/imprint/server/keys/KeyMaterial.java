package dev.imprint.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Generates key pairs and the CA certificate, and turns keys to and from their stored form. */
final class KeyMaterial {
  private static final SecureRandom RANDOM = new SecureRandom();
  static final int RSA_BITS = 2048;

  private KeyMaterial() {}

  static KeyPair generate(KeyPurpose purpose) {
    try {
      if (purpose == KeyPurpose.JWT_RS256) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", Crypto.BC);
        g.initialize(RSA_BITS, RANDOM);
        return g.generateKeyPair();
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", Crypto.BC);
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + purpose.algorithm() + " key", e);
    }
  }

  static byte[] hmacSecret() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return k;
  }

  /** The public JWK (no use, no alg: those depend on the document it is published in). */
  static JWK publicJwk(PublicKey key, X509Certificate cert) {
    try {
      JWK jwk;
      if (key instanceof ECPublicKey ec) {
        ECKey.Builder b = new ECKey.Builder(Curve.P_256, ec);
        if (cert != null) {
          b.x509CertChain(List.of(Base64.encode(cert.getEncoded())));
        }
        jwk = b.keyIDFromThumbprint().build();
      } else if (key instanceof RSAPublicKey rsa) {
        jwk = new RSAKey.Builder(rsa).keyIDFromThumbprint().build();
      } else {
        throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
      }
      return jwk;
    } catch (JOSEException | java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("cannot describe a public key as a JWK", e);
    }
  }

  static JWK parseJwk(String json) {
    try {
      return JWK.parse(json);
    } catch (ParseException e) {
      throw new IllegalStateException("a stored public key is not a JWK: " + e.getMessage(), e);
    }
  }

  static PrivateKey privateKey(KeyPurpose purpose, byte[] pkcs8) {
    try {
      String alg = purpose == KeyPurpose.JWT_RS256 ? "RSA" : "EC";
      return KeyFactory.getInstance(alg, Crypto.BC).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a stored " + purpose.wire() + " private key is unreadable",
          e);
    }
  }

  /**
   * The trust domain's CA: a self-signed root (CA, path length 1) and the intermediate it signs
   * (CA, path length 0), which signs the X.509-SVIDs. Both carry key usage keyCertSign and
   * cRLSign, the trust domain's SPIFFE ID as URI SAN and, when the trust domain is a plain host
   * name, a name constraint permitting only URIs of that host (RFC 5280 section 4.2.1.10). The
   * intermediate's constraint is the one every RFC 5280 verifier applies (path validation takes a
   * trust anchor's constraints from the anchor, not from the root certificate; the JDK refuses
   * anchor constraints outright), so the root cannot vouch for another trust domain through it.
   * The root's private key is used once, here, and never stored.
   *
   * @return root, intermediate
   */
  static X509Certificate[] caCertificates(KeyPair root, KeyPair intermediate, String trustDomain,
      Instant notBefore, Instant notAfter) {
    try {
      X500Name rootName = name(trustDomain, "root", notBefore);
      X500Name interName = name(trustDomain, "intermediate", notBefore);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder r = new JcaX509v3CertificateBuilder(rootName,
          new BigInteger(128, RANDOM), Date.from(notBefore), Date.from(notAfter), rootName,
          root.getPublic());
      caExtensions(r, 1, trustDomain, ext.createSubjectKeyIdentifier(root.getPublic()));
      X509Certificate rootCert = certificate(r.build(signer(root)).getEncoded());
      X509v3CertificateBuilder i = new JcaX509v3CertificateBuilder(rootName,
          new BigInteger(128, RANDOM), Date.from(notBefore), Date.from(notAfter), interName,
          intermediate.getPublic());
      caExtensions(i, 0, trustDomain, ext.createSubjectKeyIdentifier(intermediate.getPublic()));
      i.addExtension(Extension.authorityKeyIdentifier, false,
          ext.createAuthorityKeyIdentifier(rootCert));
      X509Certificate interCert = certificate(i.build(signer(root)).getEncoded());
      return new X509Certificate[] {rootCert, interCert};
    } catch (java.io.IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create the CA certificates", e);
    }
  }

  private static X500Name name(String trustDomain, String role, Instant created) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Imprint")
        .addRDN(BCStyle.CN, trustDomain + " X.509-SVID " + role + " CA")
        .addRDN(BCStyle.SERIALNUMBER, Long.toString(created.toEpochMilli())).build();
  }

  private static void caExtensions(X509v3CertificateBuilder b, int pathLength, String td,
      org.bouncycastle.asn1.x509.SubjectKeyIdentifier ski) throws java.io.IOException {
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    b.addExtension(Extension.subjectKeyIdentifier, false, ski);
    b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
        new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://" + td)));
    if (constrainable(td)) {
      b.addExtension(Extension.nameConstraints, true, new NameConstraints(
          new GeneralSubtree[] {new GeneralSubtree(new GeneralName(
              GeneralName.uniformResourceIdentifier, td))}, null));
    }
  }

  private static org.bouncycastle.operator.ContentSigner signer(KeyPair pair)
      throws OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Crypto.BC)
        .build(pair.getPrivate());
  }

  /**
   * Whether a URI name constraint can express the trust domain: a host name of letters, digits,
   * '-' and '.'. A trust domain with '_' is not a host name to URI parsers (java.net.URI finds
   * no host), so a constraint on it would make verifiers refuse every SVID.
   */
  static boolean constrainable(String trustDomain) {
    return trustDomain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
  }

  static X509Certificate certificate(byte[] der) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a certificate is unreadable", e);
    }
  }

  static String pem(X509Certificate cert) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
  }

  /** Every certificate of a PEM text, in order. */
  static List<X509Certificate> parsePem(String pem) {
    List<X509Certificate> out = new java.util.ArrayList<>();
    for (String block : pem.split("-----END CERTIFICATE-----")) {
      String b64 = block.replace("-----BEGIN CERTIFICATE-----", "").replaceAll("\\s", "");
      if (!b64.isEmpty()) {
        out.add(certificate(java.util.Base64.getDecoder().decode(b64)));
      }
    }
    return out;
  }
}
