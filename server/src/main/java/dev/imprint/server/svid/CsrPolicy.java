package dev.imprint.server.svid;

import dev.imprint.server.keys.Crypto;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads a PKCS#10 certificate request (RFC 2986) and refuses one that asks for anything an
 * X.509-SVID does not grant: the self-signature must verify; the subject must be empty (Imprint
 * sets the SVID's); the only attribute may be an extension request, whose extensions may only be
 * a subjectAltName of exactly the workload's SPIFFE ID, basicConstraints without CA, keyUsage
 * digitalSignature and extendedKeyUsage serverAuth/clientAuth; the key must be ECDSA P-256 or
 * P-384, or RSA of 2048 to 4096 bits.
 */
final class CsrPolicy {
  /** Largest CSR accepted, in bytes of DER. */
  static final int MAX_DER = 8192;
  private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(SECObjectIdentifiers.secp256r1,
      SECObjectIdentifiers.secp384r1);

  private CsrPolicy() {}

  /** The DER bytes of a CSR sent as PEM ({@code CERTIFICATE REQUEST}) or base64 DER. */
  static byte[] decode(String text) {
    if (text == null || text.isBlank()) {
      throw invalid("expected a PKCS#10 certificate request (PEM), got none");
    }
    String b64 = text.replace("-----BEGIN CERTIFICATE REQUEST-----", "")
        .replace("-----END CERTIFICATE REQUEST-----", "")
        .replace("-----BEGIN NEW CERTIFICATE REQUEST-----", "")
        .replace("-----END NEW CERTIFICATE REQUEST-----", "").replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(b64.getBytes(StandardCharsets.US_ASCII));
      if (der.length == 0 || der.length > MAX_DER) {
        throw invalid("expected a certificate request of 1 to " + MAX_DER + " bytes, got "
            + der.length);
      }
      return der;
    } catch (IllegalArgumentException e) {
      throw invalid("expected a PEM 'CERTIFICATE REQUEST' block, got text that is not base64");
    }
  }

  /**
   * The public key of {@code der}, after every check above.
   *
   * @throws SvidException {@code svid.csr_invalid}, {@code svid.csr_signature_invalid}, {@code
   *     svid.csr_not_granted} or {@code svid.csr_key_unsupported}
   */
  static SubjectPublicKeyInfo check(byte[] der, String spiffeId) {
    if (der == null || der.length == 0 || der.length > MAX_DER) {
      throw invalid("expected a DER certificate request of 1 to " + MAX_DER + " bytes");
    }
    PKCS10CertificationRequest csr;
    try {
      csr = new PKCS10CertificationRequest(der);
    } catch (IOException | RuntimeException e) {
      throw invalid("the certificate request is not PKCS#10 DER: " + e.getMessage());
    }
    SubjectPublicKeyInfo key = csr.getSubjectPublicKeyInfo();
    checkKey(key);
    try {
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Crypto.BC)
          .build(key))) {
        throw new SvidException(SvidException.Kind.INVALID, "svid.csr_signature_invalid",
            "the certificate request's self-signature does not verify with its public key");
      }
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      if (e instanceof SvidException s) {
        throw s;
      }
      throw new SvidException(SvidException.Kind.INVALID, "svid.csr_signature_invalid",
          "the certificate request's self-signature cannot be checked: " + e.getMessage());
    }
    if (csr.getSubject().getRDNs().length > 0) {
      throw notGranted("expected an empty subject (the SVID's subject is set by Imprint), got '"
          + csr.getSubject() + "'");
    }
    for (Attribute a : csr.getAttributes()) {
      if (!a.getAttrType().equals(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
        throw notGranted("expected no attribute but an extension request, got attribute "
            + a.getAttrType().getId());
      }
    }
    Extensions ext = csr.getRequestedExtensions();
    if (ext != null) {
      for (ASN1ObjectIdentifier oid : ext.getExtensionOIDs()) {
        checkExtension(ext, oid, spiffeId);
      }
    }
    return key;
  }

  private static void checkKey(SubjectPublicKeyInfo key) {
    AlgorithmIdentifier alg = key.getAlgorithm();
    if (alg.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      if (alg.getParameters() instanceof ASN1ObjectIdentifier curve && CURVES.contains(curve)) {
        return;
      }
      throw unsupported("expected an ECDSA key on P-256 or P-384, got curve "
          + alg.getParameters());
    }
    if (alg.getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
      try {
        BigInteger n = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(
            key.parsePublicKey()).getModulus();
        if (n.bitLength() >= 2048 && n.bitLength() <= 4096) {
          return;
        }
        throw unsupported("expected an RSA key of 2048 to 4096 bits, got " + n.bitLength());
      } catch (IOException | IllegalArgumentException e) {
        throw invalid("the request's RSA public key is malformed");
      }
    }
    throw unsupported("expected an ECDSA (P-256, P-384) or RSA key, got algorithm "
        + alg.getAlgorithm().getId());
  }

  private static void checkExtension(Extensions ext, ASN1ObjectIdentifier oid, String spiffeId) {
    Extension e = ext.getExtension(oid);
    if (oid.equals(Extension.subjectAlternativeName)) {
      GeneralName[] names = GeneralNames.getInstance(e.getParsedValue()).getNames();
      if (names.length != 1 || names[0].getTagNo() != GeneralName.uniformResourceIdentifier
          || !names[0].getName().toString().equals(spiffeId)) {
        throw notGranted("expected the subjectAltName to hold exactly the URI " + spiffeId
            + " (or to be left out), got " + describe(names));
      }
    } else if (oid.equals(Extension.basicConstraints)) {
      if (BasicConstraints.getInstance(e.getParsedValue()).isCA()) {
        throw notGranted("an X.509-SVID is never a CA; the request asks for basicConstraints"
            + " CA:true");
      }
    } else if (oid.equals(Extension.keyUsage)) {
      int bits = KeyUsage.getInstance(e.getParsedValue()).getBytes().length == 0 ? 0
          : KeyUsage.getInstance(e.getParsedValue()).getBytes()[0] & 0xff;
      int extra = bits & ~KeyUsage.digitalSignature;
      if (extra != 0 || KeyUsage.getInstance(e.getParsedValue()).getBytes().length > 1) {
        throw notGranted("expected keyUsage digitalSignature only, got more");
      }
    } else if (oid.equals(Extension.extendedKeyUsage)) {
      for (KeyPurposeId p : ExtendedKeyUsage.getInstance(e.getParsedValue()).getUsages()) {
        if (!p.equals(KeyPurposeId.id_kp_serverAuth) && !p.equals(KeyPurposeId.id_kp_clientAuth)) {
          throw notGranted("expected extendedKeyUsage serverAuth and/or clientAuth, got "
              + p.getId());
        }
      }
    } else {
      throw notGranted("expected no extension but subjectAltName, basicConstraints, keyUsage"
          + " and extendedKeyUsage, got " + oid.getId());
    }
  }

  private static String describe(GeneralName[] names) {
    StringBuilder b = new StringBuilder();
    for (GeneralName n : names) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(switch (n.getTagNo()) {
        case GeneralName.uniformResourceIdentifier -> "URI:";
        case GeneralName.dNSName -> "DNS:";
        case GeneralName.iPAddress -> "IP:";
        case GeneralName.rfc822Name -> "email:";
        default -> "name type " + n.getTagNo() + ":";
      });
      if (n.getTagNo() != GeneralName.iPAddress) {
        b.append(n.getName());
      }
    }
    return b.length() == 0 ? "none" : b.toString();
  }

  private static SvidException invalid(String detail) {
    return new SvidException(SvidException.Kind.INVALID, "svid.csr_invalid", detail);
  }

  private static SvidException notGranted(String detail) {
    return new SvidException(SvidException.Kind.INVALID, "svid.csr_not_granted", detail);
  }

  private static SvidException unsupported(String detail) {
    return new SvidException(SvidException.Kind.INVALID, "svid.csr_key_unsupported", detail);
  }
}
