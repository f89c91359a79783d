package dev.imprint.server.attestation;

import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.LastSeen;
import dev.imprint.server.auth.Role;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.Dialect;
import dev.imprint.server.svid.AttestedWorkload;
import dev.imprint.server.svid.SvidException;
import dev.imprint.server.svid.SvidException.Kind;
import dev.imprint.server.svid.WorkloadStates;
import dev.imprint.server.text.FreeText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Join tokens: single-use, short-lived credentials bound to one approved (or deployed) image
 * digest and the identity it carries, which a workload redeems once for SVIDs. A token reads
 * {@code imj_<16 hex id>_<43 base64url>} and is stored only as its SHA-256 hash. Redemption marks
 * the token used in the same store transaction that checks it, so concurrent redemptions (also
 * through replicas on one PostgreSQL) succeed exactly once; every redemption, accepted or refused,
 * is audited with its reason, and an accepted one sets the identity's last-seen time.
 */
public final class JoinTokenService {
  /** A join token's lifetime unless asked otherwise. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
  /** The longest join token lifetime. */
  public static final Duration MAX_TTL = Duration.ofHours(1);
  /** The shortest join token lifetime. */
  public static final Duration MIN_TTL = Duration.ofSeconds(30);
  static final String METHOD = "join_token";
  private static final Pattern FORMAT = Pattern.compile("imj_([0-9a-f]{16})_[A-Za-z0-9_-]{43}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern SHORT_ID = Pattern.compile("[0-9a-f]{16}");

  /** A created join token; {@code token} exists nowhere else and is shown once. */
  public record Created(String id, String token, String image, String spiffeId,
      Instant expiresAt) {
    @Override
    public String toString() {
      return "Created[" + id + ", " + image + ", " + spiffeId + ", token=[redacted]]";
    }
  }

  private record Row(String id, String hash, String digest, String identityId, long expiresAt,
      Long redeemedAt) {}

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public JoinTokenService(Database db, AuditLog audit, Clock clock) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * Creates a join token for {@code image}, which must carry {@code identity} (a SPIFFE ID or
   * short id), be approved or deployed, and whose identity must be active. An admin may ask for
   * any image; a pipeline token only for an image of the identity it is bound to, or one that a
   * token bound to its identity registered.
   *
   * @throws SvidException {@code join_token.image_invalid}, {@code join_token.identity_missing},
   *     {@code join_token.ttl_invalid}, {@code join_token.image_unknown}, {@code
   *     join_token.identity_mismatch}, {@code join_token.image_not_approved}, {@code
   *     join_token.identity_inactive}, {@code join_token.forbidden}
   */
  public Created create(String image, String identity, Duration ttl, Caller caller) {
    if (image == null || !DIGEST.matcher(image).matches()) {
      throw new SvidException(Kind.INVALID, "join_token.image_invalid", "expected 'image' as"
          + " sha256: and 64 lower-case hex digits, got " + (image == null ? "none"
              : "'" + shorten(image) + "'"));
    }
    if (identity == null || identity.isBlank()) {
      throw new SvidException(Kind.INVALID, "join_token.identity_missing", "expected"
          + " 'identity' (the SPIFFE ID the image carries), got none");
    }
    Duration life = ttl == null ? DEFAULT_TTL : ttl;
    if (life.compareTo(MIN_TTL) < 0 || life.compareTo(MAX_TTL) > 0) {
      throw new SvidException(Kind.INVALID, "join_token.ttl_invalid", "expected a join token"
          + " lifetime from 30s to 1h, got " + life.toSeconds() + "s");
    }
    byte[] idBytes = new byte[8];
    byte[] secret = new byte[32];
    random.nextBytes(idBytes);
    random.nextBytes(secret);
    String id = HexFormat.of().formatHex(idBytes);
    String token = "imj_" + id + "_" + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(secret);
    return db.write(c -> {
      WorkloadStates.State s = WorkloadStates.load(c, image).orElseThrow(() ->
          new SvidException(Kind.NOT_FOUND, "join_token.image_unknown", "no image with digest "
              + image + " is registered"));
      boolean byId = SHORT_ID.matcher(identity).matches();
      if (!(byId ? s.identityId().equals(identity) : s.spiffeId().equals(identity))) {
        throw new SvidException(Kind.INVALID, "join_token.identity_mismatch", "image " + image
            + " carries " + s.spiffeId() + ", not '" + shorten(identity) + "'");
      }
      authorize(c, caller, image, s);
      if (!s.imageLive()) {
        throw new SvidException(Kind.CONFLICT, "join_token.image_not_approved", "image "
            + image + " is " + s.imageStatus() + "; join tokens are issued only for approved"
            + " or deployed images");
      }
      if (!s.identityActive()) {
        throw new SvidException(Kind.CONFLICT, "join_token.identity_inactive", "identity "
            + s.spiffeId() + " is " + s.identityStatus());
      }
      Instant now = clock.instant();
      Instant expires = now.plus(life);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO join_tokens (id, secret_hash,"
          + " image_digest, identity_id, created_at, created_by, expires_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, id);
        ps.setString(2, Sha256.hex(token));
        ps.setString(3, image);
        ps.setString(4, s.identityId());
        ps.setLong(5, now.toEpochMilli());
        ps.setString(6, caller.actor());
        ps.setLong(7, expires.toEpochMilli());
        ps.executeUpdate();
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("image", image);
      d.put("identity", s.spiffeId());
      d.put("expiresAt", expires.toString());
      audit.append(c, new AuditEvent(caller.actor(), "join_token.created", "join-token:" + id,
          d));
      return new Created(id, token, image, s.spiffeId(), expires);
    });
  }

  /**
   * Admins may; a pipeline token bound to the image's identity, or to the identity of the token
   * that registered the image, may; nothing else (an unbound pipeline token acts for nobody).
   */
  private void authorize(Connection c, Caller caller, String image, WorkloadStates.State s)
      throws SQLException {
    if (caller.role() == Role.ADMIN) {
      return;
    }
    if (caller.role() == Role.PIPELINE && caller.bound()) {
      if (caller.identityId().equals(s.identityId())) {
        return;
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT t.identity_id FROM images m"
          + " JOIN api_tokens t ON m.registered_by = " + concat("'token:'", "t.id")
          + " WHERE m.digest = ?")) {
        ps.setString(1, image);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && caller.identityId().equals(rs.getString(1))) {
            return;
          }
        }
      }
    }
    throw new SvidException(Kind.FORBIDDEN, "join_token.forbidden", "a " + caller.role().wire()
        + " token " + (caller.bound() ? "bound to " + caller.identity() : "bound to no identity")
        + " may not ask for join tokens of image " + image + " (" + s.spiffeId() + "): only an"
        + " admin, or a pipeline token bound to the image's identity or to the pipeline that"
        + " registered it");
  }

  private String concat(String a, String b) {
    return a + " || " + b;
  }

  /**
   * The workload a join token would attest, without using it: for checking what it asks before
   * the token is spent. Empty when the token is malformed or unknown.
   */
  public Optional<AttestedWorkload> peek(String token) {
    Optional<String> id = idOf(token);
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return db.read(c -> {
      Optional<Row> r = row(c, id.get(), false);
      if (r.isEmpty() || !matches(r.get(), token)) {
        return Optional.<AttestedWorkload>empty();
      }
      return WorkloadStates.load(c, r.get().digest()).map(s -> workload(r.get(), s));
    });
  }

  /**
   * Redeems {@code token} once: the attested workload, or a refusal. Refusals of a known token
   * (used, expired, image no longer approved or deployed, identity not active) are audited.
   *
   * @throws SvidException {@code join_token.invalid} (401), {@code join_token.used}, {@code
   *     join_token.expired}, {@code attest.image_not_approved}, {@code attest.identity_inactive}
   */
  public AttestedWorkload redeem(String token) {
    Optional<String> id = idOf(token);
    if (id.isEmpty()) {
      throw invalid();
    }
    Object outcome = db.write(c -> {
      Optional<Row> found = row(c, id.get(), true);
      if (found.isEmpty() || !matches(found.get(), token)) {
        return invalid();
      }
      Row r = found.get();
      Optional<WorkloadStates.State> st = WorkloadStates.load(c, r.digest());
      if (st.isEmpty()) {
        return invalid(); // the image row is referenced: cannot happen
      }
      WorkloadStates.State s = st.get();
      long now = clock.millis();
      SvidException refusal = null;
      if (r.redeemedAt() != null) {
        refusal = new SvidException(Kind.CONFLICT, "join_token.used", "join token " + r.id()
            + " was already redeemed at " + Instant.ofEpochMilli(r.redeemedAt())
            + "; a join token is single-use");
      } else if (r.expiresAt() <= now) {
        refusal = new SvidException(Kind.CONFLICT, "join_token.expired", "join token " + r.id()
            + " expired at " + Instant.ofEpochMilli(r.expiresAt()));
      } else if (!s.imageLive()) {
        refusal = new SvidException(Kind.CONFLICT, "attest.image_not_approved", "image "
            + r.digest() + " is " + s.imageStatus() + "; only approved or deployed images"
            + " attest");
      } else if (!s.identityActive()) {
        refusal = new SvidException(Kind.CONFLICT, "attest.identity_inactive", "identity "
            + s.spiffeId() + " is " + s.identityStatus());
      }
      if (refusal == null && !markRedeemed(c, r.id(), now)) {
        refusal = new SvidException(Kind.CONFLICT, "join_token.used", "join token " + r.id()
            + " was already redeemed; a join token is single-use");
      }
      AttestedWorkload w = workload(r, s);
      audited(c, w, r, refusal);
      if (refusal != null) {
        return refusal;
      }
      LastSeen.lastSeen(c, Map.of(s.identityId(), now));
      return w;
    });
    if (outcome instanceof SvidException e) {
      throw e;
    }
    return (AttestedWorkload) outcome;
  }

  private void audited(Connection c, AttestedWorkload w, Row r, SvidException refusal)
      throws SQLException {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("method", METHOD);
    d.put("joinToken", r.id());
    d.put("image", r.digest());
    d.put("outcome", refusal == null ? "accepted" : "refused");
    if (refusal != null) {
      d.put("reason", refusal.code());
    }
    audit.append(c, new AuditEvent("join-token:" + r.id(), refusal == null
        ? "attestation.accepted" : "attestation.refused", w.spiffeId(), d));
  }

  private boolean markRedeemed(Connection c, String id, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE join_tokens SET redeemed_at = ?"
        + " WHERE id = ? AND redeemed_at IS NULL")) {
      ps.setLong(1, now);
      ps.setString(2, id);
      return ps.executeUpdate() == 1;
    }
  }

  private static AttestedWorkload workload(Row r, WorkloadStates.State s) {
    return new AttestedWorkload(s.spiffeId(), r.digest(), new AttestedWorkload.Attestation(
        METHOD, Map.of("join_token", r.id(), "attested_by", METHOD)));
  }

  private Optional<Row> row(Connection c, String id, boolean lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT id, secret_hash, image_digest,"
        + " identity_id, expires_at, redeemed_at FROM join_tokens WHERE id = ?"
        + (lock && db.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : ""))) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        long redeemed = rs.getLong(6);
        Long redeemedAt = rs.wasNull() ? null : redeemed;
        return Optional.of(new Row(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getLong(5), redeemedAt));
      }
    }
  }

  private static boolean matches(Row r, String token) {
    return MessageDigest.isEqual(r.hash().getBytes(StandardCharsets.US_ASCII),
        Sha256.hex(token).getBytes(StandardCharsets.US_ASCII));
  }

  private static Optional<String> idOf(String token) {
    if (token == null) {
      return Optional.empty();
    }
    Matcher m = FORMAT.matcher(token);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static SvidException invalid() {
    return new SvidException(Kind.UNAUTHENTICATED, "join_token.invalid", "the join token is"
        + " malformed or unknown");
  }

  private static String shorten(String s) {
    return FreeText.printable(s);
  }
}
