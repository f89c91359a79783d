package dev.imprint.server.svid;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.identity.SpiffeId;
import dev.imprint.server.keys.Crypto;
import dev.imprint.server.keys.KeyPurpose;
import dev.imprint.server.keys.KeyRing;
import dev.imprint.server.keys.Signatures;
import dev.imprint.server.keys.Ttl;
import dev.imprint.server.keys.SigningKey;
import dev.imprint.server.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The issuer: JWT-SVIDs signed with the active JWT key of the audience's algorithm, X.509-SVIDs
 * signed by the trust domain's CA, workload sessions for renewal, each after the state check of
 * {@link WorkloadStates}, recorded by {@link IssuanceLog}. Signing uses keys held decrypted in
 * memory and never touches the store.
 */
public final class SvidService implements SvidIssuer, AutoCloseable {
  /** A JWT-SVID's lifetime unless asked otherwise. */
  public static final Duration JWT_DEFAULT_TTL = Duration.ofMinutes(5);
  /** The longest JWT-SVID lifetime. */
  public static final Duration JWT_MAX_TTL = Duration.ofHours(1);
  /** An X.509-SVID's lifetime unless asked otherwise. */
  public static final Duration X509_DEFAULT_TTL = Duration.ofHours(1);
  /** The shortest SVID lifetime accepted. */
  public static final Duration MIN_TTL = Duration.ofSeconds(30);
  /** How far an X.509-SVID's notBefore is set back, for verifiers whose clocks run behind. */
  static final Duration BACKDATE = Duration.ofSeconds(10);
  /** A renewal keeps its session while more than this is left of it (half its life). */
  private static final Duration KEEP_SESSION_PAST = Sessions.TTL.dividedBy(2);
  private static final JsonFactory CLAIMS = new JsonFactory();
  /** Turns an {@link Answer} into the map {@link #describe} returns. */
  private static final ObjectMapper MAPS = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final KeyRing keys;
  private final WorkloadStates states;
  private final IssuanceLog log;
  private final Sessions sessions;
  private final Clock clock;
  private final String trustDomain;
  private final Supplier<String> issuer;
  private final java.util.Set<String> rs256Audiences;
  private final Map<String, AsymmetricKeyParameter> signingParams = new ConcurrentHashMap<>();
  private final Map<String, byte[]> headers = new ConcurrentHashMap<>();

  /**
   * An issuer for {@code trustDomain} whose JWT-SVIDs name {@code issuer} (the public URL,
   * known once the server listens) and use RS256 for the audiences in {@code config}.
   */
  public SvidService(Database db, AuditLog audit, Clock clock, String trustDomain, KeyRing keys,
      WorkloadStates states, Supplier<String> issuer, SvidConfig config) {
    this.keys = keys;
    this.states = states;
    this.clock = clock;
    this.trustDomain = trustDomain;
    this.issuer = issuer;
    this.rs256Audiences = config.rs256Audiences();
    this.log = new IssuanceLog(db, audit, clock, IssuanceLog.INTERVAL);
    this.sessions = new Sessions(keys, clock, issuer);
  }

  @Override
  public String trustDomain() {
    return trustDomain;
  }

  /** The public issuer URL ({@code iss} of every JWT-SVID). */
  public String issuer() {
    return issuer.get();
  }

  /** The key ring this issuer signs with. */
  public KeyRing keys() {
    return keys;
  }

  /** The revocation check this issuer applies. */
  public WorkloadStates states() {
    return states;
  }

  /** The JWS algorithm JWT-SVIDs for {@code audience} are signed with. */
  public String algorithmFor(String audience) {
    return rs256Audiences.contains(audience) ? "RS256" : "ES256";
  }

  @Override
  public JwtSvid issueJwt(AttestedWorkload workload, String audience, Duration ttl) {
    String aud = audience(audience);
    Duration life = ttl(ttl, JWT_DEFAULT_TTL, JWT_MAX_TTL, "JWT-SVID");
    String identityId = require(workload);
    JwtSvid jwt = signJwt(workload, aud, life);
    log.issued(workload, identityId, jwt, null, false);
    return jwt;
  }

  @Override
  public X509Svid issueX509(AttestedWorkload workload, byte[] csrDer, Duration ttl) {
    Duration life = ttl(ttl, X509_DEFAULT_TTL, x509MaxTtl(), "X.509-SVID");
    SubjectPublicKeyInfo key = CsrPolicy.check(csrDer, workload.spiffeId());
    String identityId = require(workload);
    X509Svid svid = signX509(workload, key, life);
    log.issued(workload, identityId, null, svid, false);
    return svid;
  }

  @Override
  public IssuedSvids issue(AttestedWorkload workload, SvidRequest request) {
    return issue(workload, request, null);
  }

  /** A renewal: the workload a valid session stands for, and what it was issued. */
  public record Renewal(AttestedWorkload workload, IssuedSvids issued) {}

  /**
   * Renews with a workload session: the SVIDs {@code request} asks for (read once the session
   * is verified, so an unauthenticated caller learns nothing of the body's rules), after the same
   * checks as
   * {@link #issue}. The session is kept while more than half its life is left and replaced
   * otherwise, so a workload that renews at {@code renew_after} never lets it lapse.
   *
   * @throws SvidException {@code svid.session_invalid} (401) for a missing, forged or expired
   *     session, or any refusal of {@link #issue}
   */
  public Renewal renew(String sessionToken, Supplier<SvidRequest> request) {
    Sessions.Verified v = sessions.verified(sessionToken).orElseThrow(() -> new SvidException(
        SvidException.Kind.UNAUTHENTICATED, "svid.session_invalid", sessionToken == null
            ? "expected Authorization: Bearer <workload session> (from an attestation or the"
                + " last renewal), got none"
            : "the workload session is malformed, unknown or expired; attest again"));
    boolean fresh = Duration.between(clock.instant(), v.session().expiresAt())
        .compareTo(KEEP_SESSION_PAST) > 0;
    return new Renewal(v.workload(), issue(v.workload(), request.get(),
        fresh ? v.session() : null));
  }

  private IssuedSvids issue(AttestedWorkload workload, SvidRequest request,
      IssuedSvids.Session keep) {
    Checked c = check(workload, request);
    String identityId = require(workload);
    JwtSvid jwt = c.audience() == null ? null : signJwt(workload, c.audience(), c.jwtTtl());
    X509Svid x509 = c.key() == null ? null : signX509(workload, c.key(), c.x509Ttl());
    IssuedSvids.Session session = keep != null ? keep : sessions.create(workload);
    log.issued(workload, identityId, jwt, x509, keep == null);
    return new IssuedSvids(Optional.ofNullable(jwt), Optional.ofNullable(x509), session);
  }

  /** A request whose every part was checked; ready to sign. */
  private record Checked(String audience, Duration jwtTtl, SubjectPublicKeyInfo key,
      Duration x509Ttl) {}

  /**
   * Checks what {@code request} asks of {@code workload} without issuing anything (attestors
   * call it before they consume a single-use credential, so a bad request does not waste it).
   *
   * @throws SvidException {@code svid.nothing_requested}, or a refusal of the audience, CSR or
   *     TTLs
   */
  @Override
  public void checkRequest(AttestedWorkload workload, SvidRequest request) {
    check(workload, request);
  }

  private Checked check(AttestedWorkload workload, SvidRequest request) {
    if (request == null || request.empty()) {
      throw new SvidException(SvidException.Kind.INVALID, "svid.nothing_requested",
          "expected 'audience' (for a JWT-SVID) and/or 'csr' (for an X.509-SVID), got neither");
    }
    String aud = request.audience() == null ? null : audience(request.audience());
    Duration jwtTtl = aud == null ? null
        : ttl(request.jwtTtl(), JWT_DEFAULT_TTL, JWT_MAX_TTL, "JWT-SVID");
    SubjectPublicKeyInfo key = request.csrDer() == null ? null
        : CsrPolicy.check(request.csrDer(), workload.spiffeId());
    Duration x509Ttl = key == null ? null
        : ttl(request.x509Ttl(), X509_DEFAULT_TTL, x509MaxTtl(), "X.509-SVID");
    return new Checked(aud, jwtTtl, key, x509Ttl);
  }

  /** The longest X.509-SVID lifetime: a third of the CA's lifetime. */
  public Duration x509MaxTtl() {
    return keys.lifetime().dividedBy(3);
  }

  /** The workload a session token stands for (renewal), if the token is valid. */
  public Optional<AttestedWorkload> session(String token) {
    return sessions.verify(token);
  }

  /**
   * Checks the workload's image and identity through the revocation check; returns the identity
   * id. A refusal is recorded and thrown.
   */
  private String require(AttestedWorkload w) {
    Optional<WorkloadStates.State> s = states.of(w.imageDigest());
    String code;
    String detail;
    if (s.isEmpty()) {
      code = "svid.image_unknown";
      detail = "no image with digest " + w.imageDigest() + " is registered";
    } else if (!s.get().imageLive()) {
      code = "svid.image_not_approved";
      detail = "image " + w.imageDigest() + " is " + s.get().imageStatus()
          + "; credentials are issued only to approved or deployed images";
    } else if (!s.get().spiffeId().equals(w.spiffeId())) {
      code = "svid.identity_mismatch";
      detail = "image " + w.imageDigest() + " carries " + s.get().spiffeId() + ", not "
          + w.spiffeId();
    } else if (!s.get().identityActive()) {
      code = "svid.identity_inactive";
      detail = "identity " + w.spiffeId() + " is " + s.get().identityStatus()
          + "; credentials are issued only to active identities";
    } else {
      return s.get().identityId();
    }
    log.refused(w, s.map(WorkloadStates.State::identityId).orElse(null), code);
    throw new SvidException(SvidException.Kind.CONFLICT, code, detail);
  }

  private JwtSvid signJwt(AttestedWorkload w, String audience, Duration ttl) {
    KeyPurpose purpose = algorithmFor(audience).equals("RS256") ? KeyPurpose.JWT_RS256
        : KeyPurpose.JWT_ES256;
    SigningKey k = keys.active(purpose);
    Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    Instant exp = now.plus(ttl);
    if (exp.isAfter(k.notAfter())) {
      exp = Instant.ofEpochSecond(k.notAfter().getEpochSecond());
    }
    String jti = Ids.random();
    byte[] header = header(k);
    byte[] claims = B64URL.encode(claims(w, audience, now, exp, jti));
    // header.claims, then .signature: built as bytes, the token becomes a String once
    byte[] input = Arrays.copyOf(header, header.length + 1 + claims.length);
    input[header.length] = '.';
    System.arraycopy(claims, 0, input, header.length + 1, claims.length);
    byte[] sig = B64URL.encode(Signatures.sign(purpose.algorithm(), params(k), input));
    byte[] token = Arrays.copyOf(input, input.length + 1 + sig.length);
    token[input.length] = '.';
    System.arraycopy(sig, 0, token, input.length + 1, sig.length);
    return new JwtSvid(new String(token, StandardCharsets.ISO_8859_1), w.spiffeId(), audience,
        k.kid(), jti, now, exp);
  }

  /** A JWT-SVID's claims as JSON, written field by field (no map, no serializer lookups). */
  private byte[] claims(AttestedWorkload w, String audience, Instant now, Instant exp,
      String jti) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(320);
    try (JsonGenerator g = CLAIMS.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("sub", w.spiffeId());
      g.writeStringField("aud", audience);
      g.writeNumberField("exp", exp.getEpochSecond());
      g.writeNumberField("iat", now.getEpochSecond());
      g.writeStringField("iss", issuer.get());
      g.writeStringField("jti", jti);
      g.writeStringField("image_digest", w.imageDigest());
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("JWT claims are always serialisable", e);
    }
    return out.toByteArray();
  }

  /** The base64url JOSE header of a key's JWT-SVIDs (alg, kid and {@code typ: JWT}), ASCII. */
  private byte[] header(SigningKey k) {
    return headers.computeIfAbsent(k.kid(), kid -> new JWSHeader.Builder(
        JWSAlgorithm.parse(k.purpose().algorithm())).keyID(kid).type(JOSEObjectType.JWT)
        .build().toBase64URL().toString().getBytes(StandardCharsets.US_ASCII));
  }

  private AsymmetricKeyParameter params(SigningKey k) {
    return signingParams.computeIfAbsent(k.kid(), x -> Signatures.privateParameters(
        k.privateKey()));
  }

  private X509Svid signX509(AttestedWorkload w, SubjectPublicKeyInfo key, Duration ttl) {
    SigningKey ca = keys.active(KeyPurpose.X509_CA);
    X509Certificate caCert = ca.issuing();
    Instant now = clock.instant();
    Instant notAfter = now.plus(ttl);
    if (notAfter.isAfter(caCert.getNotAfter().toInstant())) {
      notAfter = caCert.getNotAfter().toInstant();
    }
    byte[] serialBytes = Ids.bytes(16);
    serialBytes[0] &= 0x7f;
    BigInteger serial = new BigInteger(1, serialBytes).setBit(120);
    try {
      X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(caCert);
      X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuerHolder.getSubject(), serial,
          Date.from(now.minus(BACKDATE)), Date.from(notAfter),
          new X500Name("O=Imprint"), key);
      BcX509ExtensionUtils ext = new BcX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
          new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
          new GeneralName(GeneralName.uniformResourceIdentifier, w.spiffeId())));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
      // the image digest, for the revocation check of a relying party that asks Imprint
      b.addExtension(new org.bouncycastle.asn1.ASN1ObjectIdentifier(
          X509SvidValidator.IMAGE_DIGEST_OID), false,
          new org.bouncycastle.asn1.DERUTF8String(w.imageDigest()));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          ext.createAuthorityKeyIdentifier(issuerHolder));
      X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(b.build(
          new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Crypto.BC)
              .build(ca.privateKey())));
      return new X509Svid(List.of(leaf, caCert), w.spiffeId(), serial.toString(16), notAfter);
    } catch (IOException | CertificateException | OperatorCreationException e) {
      throw new IllegalStateException("cannot sign an X.509-SVID", e);
    }
  }

  private String audience(String audience) {
    if (audience == null) {
      throw new SvidException(SvidException.Kind.INVALID, "svid.audience_missing",
          "expected 'audience' for a JWT-SVID (its aud claim), got none");
    }
    try {
      return Audiences.check(audience);
    } catch (IllegalArgumentException e) {
      throw new SvidException(SvidException.Kind.INVALID, "svid.audience_invalid",
          e.getMessage());
    }
  }

  private static Duration ttl(Duration asked, Duration dflt, Duration max, String what) {
    if (asked == null) {
      return dflt;
    }
    if (asked.compareTo(MIN_TTL) < 0 || asked.compareTo(max) > 0) {
      throw new SvidException(SvidException.Kind.INVALID, "svid.ttl_invalid", "expected a "
          + what + " lifetime from " + Ttl.format(MIN_TTL) + " to " + Ttl.format(max) + ", got "
          + Ttl.format(asked));
    }
    return asked;
  }

  /**
   * The JSON body an attestation or renewal answers (snake_case like the SPIFFE and OIDC
   * documents): the SPIFFE ID and image, each SVID, the X.509 bundle (PEM), the session and
   * when to renew; {@link #answer} as a map, for an attestor that adds fields of its own.
   */
  @Override
  public Map<String, Object> describe(AttestedWorkload w, IssuedSvids issued) {
    return MAPS.convertValue(answer(w, issued), MAP);
  }

  /**
   * What {@link #describe} says, as records: Jackson writes them with serializers resolved once,
   * where a map's entries are each looked up again (a renewal's answer is written per request).
   */
  public Answer answer(AttestedWorkload w, IssuedSvids issued) {
    Instant earliest = issued.session().expiresAt();
    JwtPart jwt = null;
    if (issued.jwt().isPresent()) {
      JwtSvid j = issued.jwt().get();
      jwt = new JwtPart(j.token(), j.audience(), j.keyId(), j.jti(),
          jwtExpiries.text(j.expiresAt()));
      earliest = min(earliest, j.expiresAt());
    }
    X509Part x509 = null;
    if (issued.x509().isPresent()) {
      X509Svid x = issued.x509().get();
      StringBuilder pem = new StringBuilder();
      x.chain().forEach(c -> pem.append(pem(c)));
      x509 = new X509Part(pem.toString(), x.serial(), x.expiresAt().toString());
      earliest = min(earliest, x.expiresAt());
    }
    Instant now = clock.instant();
    // half of what is left, truncated to the nanosecond as Duration.dividedBy(2) would be, without
    // its BigDecimal arithmetic (what is left is under a day, far from overflowing a long)
    Instant renewAfter = now.plusNanos(Duration.between(now, earliest).toNanos() / 2);
    return new Answer(w.spiffeId(), w.imageDigest(), jwt, x509,
        x509 == null ? null : x509BundlePem(), new SessionPart(issued.session().token(),
            sessionExpiries.text(issued.session().expiresAt())), renewAfter.toString());
  }

  /**
   * An instant's ISO-8601 text, remembered for the last instant asked: answers in a row mostly
   * carry the same expiry (JWT-SVIDs expire on whole seconds; a session is kept for half its
   * life), which then is formatted once rather than per answer.
   */
  private static final class LastText {
    private record Text(Instant at, String text) {}

    private volatile Text last = new Text(Instant.EPOCH, Instant.EPOCH.toString());

    String text(Instant at) {
      Text t = last;
      if (!t.at().equals(at)) {
        t = new Text(at, at.toString());
        last = t;
      }
      return t.text();
    }
  }

  private final LastText jwtExpiries = new LastText();
  private final LastText sessionExpiries = new LastText();

  /** An attestation's or renewal's answer; see {@link #describe}. Absent parts are left out. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"spiffe_id", "image", "jwt_svid", "x509_svid", "x509_bundle", "session",
      "renew_after"})
  public record Answer(@JsonProperty("spiffe_id") String spiffeId, String image,
      @JsonProperty("jwt_svid") JwtPart jwt, @JsonProperty("x509_svid") X509Part x509,
      @JsonProperty("x509_bundle") String x509Bundle, SessionPart session,
      @JsonProperty("renew_after") String renewAfter) {}

  /** The JWT-SVID of an answer. The token is a bearer credential: never log it. */
  @JsonPropertyOrder({"token", "audience", "kid", "jti", "expires_at"})
  public record JwtPart(String token, String audience, String kid, String jti,
      @JsonProperty("expires_at") String expiresAt) {
    @Override
    public String toString() {
      return "JwtPart[aud=" + audience + ", kid=" + kid + ", jti=" + jti + ", token=[redacted]]";
    }
  }

  /** The X.509-SVID of an answer: its chain as PEM, its serial number and expiry. */
  @JsonPropertyOrder({"certificates", "serial", "expires_at"})
  public record X509Part(String certificates, String serial,
      @JsonProperty("expires_at") String expiresAt) {}

  /** The workload session of an answer. The token is a bearer credential: never log it. */
  @JsonPropertyOrder({"token", "expires_at"})
  public record SessionPart(String token, @JsonProperty("expires_at") String expiresAt) {
    @Override
    public String toString() {
      return "SessionPart[exp=" + expiresAt + ", token=[redacted]]";
    }
  }

  /** The published X.509 authorities as PEM, rebuilt only when they change. */
  private String x509BundlePem() {
    List<SigningKey> roots = keys.published(KeyPurpose.X509_CA);
    BundlePem cached = bundlePem;
    if (cached != null && cached.roots().equals(roots)) {
      return cached.pem();
    }
    StringBuilder b = new StringBuilder();
    roots.forEach(k -> b.append(pem(k.certificate())));
    bundlePem = new BundlePem(roots, b.toString());
    return bundlePem.pem();
  }

  private record BundlePem(List<SigningKey> roots, String pem) {}

  private volatile BundlePem bundlePem;

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** A certificate as PEM. */
  public static String pem(X509Certificate cert) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
  }

  /** Checks that {@code spiffeId} is a SPIFFE ID of this trust domain (used by attestors). */
  public void requireTrustDomain(String spiffeId) {
    SpiffeId.parse(spiffeId, trustDomain);
  }

  /** Writes pending issuance records (before the store closes). */
  @Override
  public void close() {
    log.close();
  }

  /** Writes pending issuance records now (tests). */
  public int flushIssuanceLog() {
    return log.flush();
  }

  /** The X.509 authorities published now, oldest first. */
  public List<X509Certificate> x509Authorities() {
    List<X509Certificate> out = new ArrayList<>();
    keys.published(KeyPurpose.X509_CA).forEach(k -> out.add(k.certificate()));
    return out;
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
