package dev.imprint.server.svid;

import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.identity.SpiffeId;
import dev.imprint.server.keys.KeyPurpose;
import dev.imprint.server.keys.KeyRing;
import dev.imprint.server.keys.SigningKey;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * Validates an X.509-SVID presented as a TLS client certificate: a leaf that is not a CA, may
 * sign ({@code digitalSignature}), names exactly one SPIFFE ID of this trust domain as its URI
 * SAN, is valid now, and chains (PKIX, with the intermediates it presented) to one of the X.509
 * authorities of the trust bundle; then the same revocation check as a JWT-SVID, on the image
 * digest the SVID carries in its {@link #IMAGE_DIGEST_OID} extension. The TLS handshake has
 * already proven that the client holds the leaf's private key.
 */
public final class X509SvidValidator {
  /**
   * The non-critical extension in which Imprint's X.509-SVIDs carry the image digest (a
   * UTF8String): an OID under the UUID arc (ITU-T X.667), so it needs no registration.
   */
  public static final String IMAGE_DIGEST_OID = "2.25.155944743097077724298877653438278125113";
  private static final int MAX_CHAIN = 4;
  private static final int URI_SAN = 6;

  /** The outcome: valid or why not (a stable reason code), with what the leaf says. */
  public record Result(boolean valid, String reason, String spiffeId, String imageDigest,
      Instant notAfter) {
    static Result no(String reason, String spiffeId) {
      return new Result(false, reason, spiffeId, null, null);
    }
  }

  private final KeyRing keys;
  private final WorkloadStates states;
  private final Clock clock;
  private final String trustDomain;

  public X509SvidValidator(KeyRing keys, WorkloadStates states, Clock clock, String trustDomain) {
    this.keys = keys;
    this.states = states;
    this.clock = clock;
    this.trustDomain = trustDomain;
  }

  /** Validates {@code chain} (leaf first, then the intermediates the client sent). */
  public Result validate(List<X509Certificate> chain) {
    if (chain == null || chain.isEmpty() || chain.size() > MAX_CHAIN) {
      return Result.no("svid.malformed", null);
    }
    X509Certificate leaf = chain.get(0);
    String sub = spiffeId(leaf);
    if (sub == null) {
      return Result.no("svid.subject_invalid", null);
    }
    try {
      if (!SpiffeId.parse(sub).trustDomain().equals(trustDomain)) {
        return Result.no("svid.trust_domain_mismatch", sub);
      }
    } catch (ApiProblem e) {
      return Result.no("svid.subject_invalid", sub);
    }
    if (leaf.getBasicConstraints() >= 0) {
      return Result.no("svid.x509_ca_leaf", sub);
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage == null || !usage[0]) {
      return Result.no("svid.x509_key_usage", sub);
    }
    Instant now = clock.instant();
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      return Result.no("svid.expired", sub);
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      return Result.no("svid.not_yet_valid", sub);
    }
    if (!chains(chain, now)) {
      return Result.no("svid.chain_invalid", sub);
    }
    String digest = imageDigest(leaf);
    String refused = JwtSvidValidator.revocation(states, digest, sub);
    if (refused != null) {
      return new Result(false, refused, sub, digest, leaf.getNotAfter().toInstant());
    }
    return new Result(true, null, sub, digest, leaf.getNotAfter().toInstant());
  }

  /** The leaf's only URI SAN, or null when it has none or several. */
  private static String spiffeId(X509Certificate leaf) {
    Collection<List<?>> names;
    try {
      names = leaf.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return null;
    }
    List<String> uris = new ArrayList<>();
    if (names != null) {
      for (List<?> n : names) {
        if (n.size() == 2 && Integer.valueOf(URI_SAN).equals(n.get(0))
            && n.get(1) instanceof String uri) {
          uris.add(uri);
        }
      }
    }
    return uris.size() == 1 ? uris.get(0) : null;
  }

  /** Whether {@code chain} validates (PKIX, no revocation lists) to a published authority. */
  private boolean chains(List<X509Certificate> chain, Instant now) {
    Set<TrustAnchor> anchors = new HashSet<>();
    for (SigningKey k : keys.published(KeyPurpose.X509_CA)) {
      anchors.add(new TrustAnchor(k.certificate(), null));
    }
    if (anchors.isEmpty()) {
      return false;
    }
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate c : chain) {
      if (anchors.stream().noneMatch(a -> a.getTrustedCert().equals(c))) {
        path.add(c);
      }
    }
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters params = new PKIXParameters(anchors);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The image digest of {@link #IMAGE_DIGEST_OID}, or null when absent or malformed. */
  static String imageDigest(X509Certificate leaf) {
    byte[] ext = leaf.getExtensionValue(IMAGE_DIGEST_OID);
    if (ext == null) {
      return null;
    }
    try {
      ASN1Primitive inner = ASN1Primitive.fromByteArray(
          ASN1OctetString.getInstance(ext).getOctets());
      return inner instanceof ASN1String str ? str.getString() : null;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }
}
