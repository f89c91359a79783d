package dev.imprint.server.authz;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.imprint.authz.Decision;
import dev.imprint.authz.Explanation;
import dev.imprint.authz.Grant;
import dev.imprint.authz.GrantJson;
import dev.imprint.authz.GrantParser;
import dev.imprint.authz.GrantSet;
import dev.imprint.authz.GrantSource;
import dev.imprint.authz.Decider;
import dev.imprint.authz.Policy;
import dev.imprint.authz.Reason;
import dev.imprint.authz.Request;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.store.Database;
import dev.imprint.server.store.StateCache;
import dev.imprint.server.svid.JwtSvidValidator;
import dev.imprint.server.svid.WorkloadStates;
import dev.imprint.server.svid.X509SvidValidator;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The decision point: authenticates the caller by its JWT-SVID (validated with the server's
 * {@link JwtSvidValidator}), adds what the server knows of it to the context (its identity's
 * environment and status, whether the image in its SVID is still approved), decides with the
 * current policy and records the decision in the batched {@link DecisionLog}. Also answers
 * explain, unused and replay from the recorded decisions.
 */
public final class DecisionService implements AutoCloseable {
  /** The audience a workload's own JWT-SVID carries when it asks about itself. */
  public static final String AUDIENCE = "imprint:authorize";
  /** Context keys only the server sets: a caller may not claim them. */
  public static final Set<String> SERVER_KEYS = Set.of("environment", "imageApproved",
      "identityStatus");
  private static final Set<String> RECORDED_KEYS = Set.of("path", "environment",
      "imageApproved", "identityStatus");
  /** The longest a caller's facts read from the store are used. */
  static final Duration FACTS_TTL = WorkloadStates.TTL;

  /** A decision with the subject it was made for. */
  public record Outcome(String subject, Decision decision) {}

  /** An allow grant not used since the cut-off. */
  public record UnusedGrant(String id, Instant lastUsedAt, long uses, String location) {}

  /** An active identity not seen since the cut-off (never, when {@code lastSeenAt} is null). */
  public record DormantIdentity(String spiffeId, String kind, String owner, Instant createdAt,
      Instant lastSeenAt) {}

  /** A broad grant, what was used through it, and the narrower grant that would cover it. */
  public record Narrowing(String id, long decisions, List<String> subjects, List<String> actions,
      List<String> resources, List<String> paths, String suggestion) {}

  /** What {@code imprint authz unused} shows. */
  public record Unused(Instant since, long policyVersion, List<UnusedGrant> grants,
      List<DormantIdentity> identities, List<Narrowing> narrowings) {}

  /** A recorded decision that a candidate grant set decides otherwise. */
  public record Flip(String subject, String action, String resource, Map<String, String> context,
      long decisions, Instant firstAt, Instant lastAt, String recordedEffect,
      List<String> recordedGrants, String candidateEffect, String candidateReason,
      List<String> candidateGrants) {}

  /** What {@code imprint authz replay} shows. */
  public record Replay(Instant since, int shapes, long decisions, List<Flip> flips) {}

  /**
   * What the store says of a caller's own identity: its environment and status (both null when
   * no such identity is registered).
   */
  private record Facts(String environment, String status) {}

  private static final Facts UNREGISTERED = new Facts(null, null);

  /** A JWT-SVID validated for an audience: its subject, image, and until when it is valid. */
  private record Verified(String subject, String digest, long validUntil) {}

  /** How many validated JWT-SVIDs are remembered at most. */
  static final int MAX_VERIFIED = 50_000;
  /** How many callers' facts are remembered at most. */
  static final int MAX_FACTS = 100_000;

  private final Database db;
  private final Clock clock;
  private final PolicyService policies;
  private final JwtSvidValidator validator;
  private final X509SvidValidator x509;
  private final WorkloadStates states;
  private final DecisionLog log;
  /** Callers' identities' facts, under the same invalidation as the images' states. */
  private final StateCache<String, Facts> facts;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  public DecisionService(Database db, AuditLog audit, Clock clock, PolicyService policies,
      JwtSvidValidator validator, X509SvidValidator x509, WorkloadStates states) {
    this(db, audit, clock, policies, validator, x509, states, DecisionLog.INTERVAL);
  }

  DecisionService(Database db, AuditLog audit, Clock clock, PolicyService policies,
      JwtSvidValidator validator, X509SvidValidator x509, WorkloadStates states,
      Duration flushInterval) {
    this.db = db;
    // facts age on the server's clock (as tokens do), so that a test moves it rather than waits
    this.facts = new StateCache<>(db, states.changes(), "imprint-decision-facts", FACTS_TTL,
        MAX_FACTS, DecisionService::facts, () -> clock.millis() * 1_000_000L, f -> true);
    this.clock = clock;
    this.policies = policies;
    this.validator = validator;
    this.x509 = x509;
    this.states = states;
    this.log = new DecisionLog(db, audit, clock, flushInterval);
  }

  /**
   * Decides for the workload whose JWT-SVID is {@code svid} (valid for {@code audience}).
   *
   * @param via who asked, for the record: {@code svid} or {@code token:<id>} of a gateway
   * @throws PolicyException {@code authz.svid_invalid} (401) naming the validator's reason,
   *     {@code authz.context_reserved} (400) for a context key only the server sets, or
   *     {@code authz.request_invalid} (400) for a malformed request (which is recorded)
   */
  public Outcome authorize(String svid, String audience, String via, String action,
      String resource, Map<String, String> context) {
    return decide(verified(svid, audience), via, action, resource, context);
  }

  /**
   * Decides for the workload whose X.509-SVID {@code chain} (leaf first) it presented as its TLS
   * client certificate; recorded with via {@code x509}.
   *
   * @throws PolicyException {@code authz.svid_invalid} (401) naming the validator's reason, or as
   *     {@link #authorize}
   */
  public Outcome authorizeX509(List<X509Certificate> chain, String action, String resource,
      Map<String, String> context) {
    return decide(verifiedX509(chain), "x509", action, resource, context);
  }

  private Outcome decide(Verified v, String via, String action, String resource,
      Map<String, String> context) {
    for (String k : context.keySet()) {
      if (SERVER_KEYS.contains(k)) {
        throw new PolicyException(PolicyException.Kind.INVALID, "authz.context_reserved",
            "the context key '" + k + "' is set by the server from its records; a caller may"
                + " not claim it");
      }
    }
    return decide(v.subject(), v.digest(), via, action, resource, context);
  }

  /**
   * Decides for a subject the server authenticated by other means (a node agent's workload
   * session, see the {@code nodeagent} package), running image {@code digest}; recorded like
   * every decision, with {@code via}.
   *
   * @throws PolicyException {@code authz.request_invalid} (400) for a malformed request
   */
  public Outcome authorizeAttested(String subject, String digest, String via, String action,
      String resource) {
    return decide(subject, digest, via, action, resource, Map.of());
  }

  private Outcome decide(String subject, String digest, String via, String action,
      String resource, Map<String, String> context) {
    Map<String, String> ctx = new HashMap<>(context);
    Facts a = facts.get(subject);
    Optional<WorkloadStates.State> state = digest == null || digest.isEmpty() ? Optional.empty()
        : states.of(digest);
    ctx.put("imageApproved", String.valueOf(state.map(WorkloadStates.State::imageLive)
        .orElse(false)));
    String status = state.map(WorkloadStates.State::identityStatus).orElse(a.status());
    if (status != null) {
      ctx.put("identityStatus", status);
    }
    if (a.environment() != null) {
      ctx.put("environment", a.environment());
    }
    Instant now = clock.instant();
    Decision d = policies.decider().decide(new Request(subject, action, resource, ctx, now));
    log.record(subject, action, resource, recorded(ctx), d, via, now);
    if (d.reason() == Reason.INVALID_REQUEST) {
      throw new PolicyException(PolicyException.Kind.INVALID, "authz.request_invalid",
          d.detail());
    }
    return new Outcome(subject, d);
  }

  /**
   * The subject and image of {@code svid} for {@code audience}. A token this server validated is
   * remembered until it expires, so a caller asking again is not verified again (an ES256
   * verification costs more than the decision); what can change, the image's and the identity's
   * state, is read (from this service's cache of facts) on every decision. A token whose
   * image was retired or whose identity was disabled is decided (and denied), not refused.
   */
  private Verified verified(String svid, String audience) {
    String key = tokenKey(audience, svid);
    long now = clock.millis();
    Verified v = verified.get(key);
    if (v != null && now < v.validUntil()) {
      return v;
    }
    JwtSvidValidator.Result r = validator.validate(svid, audience);
    requireDecidable(r.valid(), r.reason(),
        "the caller's JWT-SVID is not valid for audience '" + audience + "'");
    JWTClaimsSet claims;
    try {
      claims = JWTParser.parse(svid).getJWTClaimsSet();
    } catch (ParseException e) {
      throw new IllegalStateException("a JWT-SVID the validator accepted does not parse", e);
    }
    Object digest = claims.getClaim("image_digest");
    Verified fresh = new Verified(r.spiffeId(), digest instanceof String d ? d : "",
        claims.getExpirationTime().toInstant().plus(JwtSvidValidator.SKEW).toEpochMilli());
    remember(key, fresh, now);
    return fresh;
  }

  /**
   * The subject and image of the X.509-SVID {@code chain}, remembered (by the SHA-256 of every
   * certificate presented, so a different chain is validated afresh) until the leaf expires.
   * Retired images and disabled identities are decided (and denied), not refused, as for JWTs.
   */
  private Verified verifiedX509(List<X509Certificate> chain) {
    if (x509 == null) {
      throw new PolicyException(PolicyException.Kind.UNAUTHENTICATED, "authz.svid_invalid",
          "this server does not validate X.509-SVIDs");
    }
    String key = chainKey(chain);
    long now = clock.millis();
    Verified v = key == null ? null : verified.get(key);
    if (v != null && now < v.validUntil()) {
      return v;
    }
    X509SvidValidator.Result r = x509.validate(chain);
    requireDecidable(r.valid(), r.reason(),
        "the caller's X.509-SVID (its TLS client certificate) is not valid");
    Verified fresh = new Verified(r.spiffeId(), r.imageDigest(), r.notAfter().toEpochMilli());
    if (key != null) {
      remember(key, fresh, now);
    }
    return fresh;
  }

  /**
   * Lets a valid SVID, or one refused only because its image was retired or its identity
   * disabled ({@code svid.revoked_*}: decided, and denied, by the policy), through; refuses any
   * other with {@code authz.svid_invalid}, {@code what} followed by the validator's reason.
   */
  private static void requireDecidable(boolean valid, String reason, String what) {
    if (valid || reason != null && reason.startsWith("svid.revoked_")) {
      return;
    }
    throw new PolicyException(PolicyException.Kind.UNAUTHENTICATED, "authz.svid_invalid",
        what + ": " + reason);
  }

  /**
   * The cache key of a JWT-SVID for an audience: a SHA-256 digest, so the cache holds no bearer
   * token a heap dump could replay.
   */
  private static String tokenKey(String audience, String svid) {
    return "jwt " + java.util.Base64.getEncoder().withoutPadding()
        .encodeToString(Sha256.of(audience + " " + svid));
  }

  private static String chainKey(List<X509Certificate> chain) {
    if (chain == null || chain.isEmpty()) {
      return null;
    }
    byte[][] encoded = new byte[chain.size()][];
    try {
      for (int i = 0; i < encoded.length; i++) {
        encoded[i] = chain.get(i).getEncoded();
      }
    } catch (java.security.GeneralSecurityException e) {
      return null;
    }
    return "x509 " + java.util.HexFormat.of().formatHex(Sha256.of(encoded));
  }

  private void remember(String key, Verified fresh, long now) {
    if (verified.size() >= MAX_VERIFIED) {
      verified.values().removeIf(x -> x.validUntil() <= now);
      if (verified.size() >= MAX_VERIFIED) {
        verified.clear();
      }
    }
    verified.put(key, fresh);
  }

  /** The environment and status of the identity {@code subject}, read in {@code c}. */
  private static Facts facts(java.sql.Connection c, String subject)
      throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT environment, status FROM"
        + " identities WHERE spiffe_id = ?")) {
      ps.setString(1, subject);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Facts(rs.getString(1), rs.getString(2)) : UNREGISTERED;
      }
    }
  }

  private static Map<String, String> recorded(Map<String, String> ctx) {
    Map<String, String> out = new java.util.TreeMap<>();
    ctx.forEach((k, v) -> {
      if (RECORDED_KEYS.contains(k)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /**
   * Explains a request under the current policy; the subject's environment and status come from
   * the identity store unless the context gives them. Not recorded: nothing was asked for real.
   */
  public Explanation explain(String subject, String action, String resource,
      Map<String, String> context) {
    Map<String, String> ctx = new HashMap<>(context);
    Facts a = facts.get(subject);
    if (a.environment() != null) {
      ctx.putIfAbsent("environment", a.environment());
    }
    if (a.status() != null) {
      ctx.putIfAbsent("identityStatus", a.status());
    }
    return policies.decider().explain(new Request(subject, action, resource, ctx,
        clock.instant()));
  }

  /** Writes pending decision records now (tests, and before reading them). */
  public void flush() {
    log.flush();
  }

  /** Unused grants, dormant identities and narrower grants since {@code since}. */
  public Unused unused(Instant since) {
    log.flush();
    Policy p = policies.current().policy();
    long cut = since.toEpochMilli();
    Map<String, long[]> usage = new HashMap<>();
    List<DormantIdentity> dormant = new ArrayList<>();
    db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT grant_id, last_used_at, uses"
          + " FROM grant_usage"); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          usage.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT spiffe_id, kind, owner,"
          + " created_at, last_seen_at FROM identities WHERE status = 'active' AND"
          + " (last_seen_at IS NULL OR last_seen_at < ?) ORDER BY spiffe_id")) {
        ps.setLong(1, cut);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            long seen = rs.getLong(5);
            dormant.add(new DormantIdentity(rs.getString(1), rs.getString(2), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4)), rs.wasNull() ? null
                    : Instant.ofEpochMilli(seen)));
          }
        }
      }
      return null;
    });
    List<UnusedGrant> unusedGrants = new ArrayList<>();
    for (Grant g : p.grants()) {
      if (g.effect() != dev.imprint.authz.Effect.ALLOW) {
        continue;
      }
      long[] u = usage.get(g.id());
      if (u == null || u[0] < cut) {
        unusedGrants.add(new UnusedGrant(g.id(), u == null ? null : Instant.ofEpochMilli(u[0]),
            u == null ? 0 : u[1], g.location() == null ? null : g.location().toString()));
      }
    }
    List<Narrowing> narrowings = new ArrayList<>();
    for (Grant g : p.grants()) {
      if (g.effect() == dev.imprint.authz.Effect.ALLOW && PolicyService.broad(g)) {
        narrowing(g, cut).ifPresent(narrowings::add);
      }
    }
    return new Unused(since, p.version(), unusedGrants, dormant, narrowings);
  }

  private Optional<Narrowing> narrowing(Grant g, long cut) {
    List<String[]> uses = db.read(c -> {
      List<String[]> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT subject, action, resource, context,"
          + " decisions FROM authz_decisions WHERE last_at >= ? AND effect = 'allow' AND grants"
          + " LIKE ?")) {
        ps.setLong(1, cut);
        ps.setString(2, "%\"" + g.id() + "\"%");
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4), String.valueOf(rs.getLong(5))});
          }
        }
      }
      return out;
    });
    if (uses.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Narrower.of(g, uses));
  }

  /**
   * Runs the decisions recorded since {@code since} against the candidate grants and lists each
   * one that would be decided otherwise (at its first or its last time of the day).
   *
   * @throws PolicyException {@code grants.invalid} (422) when the candidate has errors
   */
  public Replay replay(List<GrantSource> candidate, Instant since) {
    GrantSet set = GrantParser.parse(candidate);
    if (set.hasErrors()) {
      throw new PolicyException(PolicyException.Kind.UNPROCESSABLE, "grants.invalid",
          "the candidate grant set has " + set.errors().size() + " error(s)", set.diagnostics());
    }
    log.flush();
    Decider candidateDecider = new Decider(Policy.of(0, set.grants()));
    List<Flip> flips = new ArrayList<>();
    long[] totals = new long[2];
    db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT subject, action, resource, context,"
          + " effect, grants, decisions, first_at, last_at FROM authz_decisions WHERE last_at"
          + " >= ? AND reason <> 'invalid_request' ORDER BY day, subject, action, resource")) {
        ps.setLong(1, since.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            totals[0]++;
            totals[1] += rs.getLong(7);
            Map<String, String> ctx = Records.context(rs.getString(4));
            Instant first = Instant.ofEpochMilli(rs.getLong(8));
            Instant last = Instant.ofEpochMilli(rs.getLong(9));
            String recorded = rs.getString(5);
            for (Instant at : first.equals(last) ? List.of(first) : List.of(first, last)) {
              Decision d = candidateDecider.decide(new Request(rs.getString(1), rs.getString(2),
                  rs.getString(3), ctx, at));
              if (!d.effect().word().equals(recorded)) {
                flips.add(new Flip(rs.getString(1), rs.getString(2), rs.getString(3), ctx,
                    rs.getLong(7), first, last, recorded, Records.list(rs.getString(6)),
                    d.effect().word(), d.reason().code(), d.grants()));
                break;
              }
            }
          }
        }
      }
      return null;
    });
    return new Replay(since, (int) totals[0], totals[1], flips);
  }

  /** The grant document of a grant, for responses. */
  static String json(Grant g) {
    return GrantJson.grant(g);
  }

  /** How many times callers' facts were read from the store (tests). */
  long factsLoads() {
    return facts.loads();
  }

  /** The identity ids seen in recorded decisions, with their counts (tests). */
  Map<String, Long> recordedSubjects() {
    log.flush();
    return db.read(c -> {
      Map<String, Long> out = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT subject, SUM(decisions) FROM"
          + " authz_decisions GROUP BY subject ORDER BY subject");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
      return out;
    });
  }

  @Override
  public void close() {
    facts.close();
    log.close();
  }
}
