package dev.imprint.server.keys;

import com.nimbusds.jose.jwk.JWK;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.KeyEncryptionKey;
import dev.imprint.server.store.Database;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of the trust domain: JWT-SVID keys (ES256, and RS256 when an audience needs
 * it), the X.509 CA and the workload-session key, generated on first start and stored in {@code
 * signing_keys} encrypted under the key-encryption key.
 *
 * <p>Rotation follows SPIRE's pattern. A key of lifetime L is prepared (published, not yet
 * signing) when the active key is L/2 old, becomes active when the active key is 2L/3 old, and
 * stays published until it is L old; since no SVID lives longer than L/3, everything a key
 * signed has expired before it is unpublished. Which key is active at a time is a function of the
 * stored rows and that time only, so every replica on one PostgreSQL computes the same one.
 * Rotations run as store transactions under the writers' lock (two replicas never prepare two
 * keys). Every replica reloads the key set every {@link #REFRESH} and never answers from an older
 * one; a key activates at least {@link #PROPAGATION} after it was stored, so no replica signs with
 * a key that another does not publish yet. A key's row is deleted a lifetime after it expired
 * (everything it signed expired with it, and it is no longer published); its audit entries stay.
 */
public final class KeyRing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);
  /** The default key lifetime (SPIRE's default CA TTL). */
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);
  /** The shortest lifetime accepted: three times the longest SVID lifetime. */
  public static final Duration MIN_LIFETIME = Duration.ofHours(3);
  /** How often every replica reloads the key set; it never serves an older one. */
  public static final Duration REFRESH = Duration.ofSeconds(10);
  /** The least time between storing a key and signing with it (two reload periods). */
  public static final Duration PROPAGATION = REFRESH.multipliedBy(2);
  private static final Instant FOREVER = Instant.parse("9999-12-31T00:00:00Z");
  private static final String COLUMNS = "kid, purpose, public_material, private_key_enc,"
      + " created_at, activates_at, not_after, created_by";

  /** The immutable key set one reload read; answers every question about keys at a time. */
  private record Snapshot(Instant loadedAt, List<SigningKey> keys) {}

  /** What a rotation did to one purpose. */
  public record Rotation(KeyPurpose purpose, String kid, String previousKid,
      Instant activatesAt, Instant notAfter) {}

  private final Database db;
  private final AuditLog audit;
  private final KeyEncryptionKey kek;
  private final Clock clock;
  private final String trustDomain;
  private final Duration lifetime;
  private final Set<KeyPurpose> purposes;
  private final Map<String, SigningKey> decrypted = new ConcurrentHashMap<>();
  private final Object reloading = new Object();
  private final java.util.concurrent.atomic.AtomicLong reloads =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile Snapshot snapshot = new Snapshot(Instant.EPOCH, List.of());
  private ScheduledExecutorService scheduler;

  /**
   * A key ring for {@code purposes} (sessions, CA and JWT ES256 always; JWT RS256 when asked)
   * with keys of {@code lifetime}.
   */
  public KeyRing(Database db, AuditLog audit, KeyEncryptionKey kek, Clock clock,
      String trustDomain, Duration lifetime, boolean rs256) {
    if (lifetime.compareTo(MIN_LIFETIME) < 0) {
      throw new IllegalArgumentException("expected a key lifetime of at least "
          + MIN_LIFETIME.toHours() + "h (three times the longest SVID lifetime), got "
          + lifetime);
    }
    this.db = db;
    this.audit = audit;
    this.kek = kek;
    this.clock = clock;
    this.trustDomain = trustDomain;
    this.lifetime = lifetime;
    this.purposes = rs256 ? EnumSet.allOf(KeyPurpose.class)
        : EnumSet.complementOf(EnumSet.of(KeyPurpose.JWT_RS256));
  }

  /**
   * Creates missing keys, runs any rotation that is due, loads the key set and schedules both
   * every {@link #REFRESH} (on a daemon thread).
   */
  public KeyRing start() {
    rotateIfDue();
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "imprint-key-ring");
      t.setDaemon(true);
      return t;
    });
    long ms = REFRESH.toMillis() / 2;
    scheduler.scheduleWithFixedDelay(this::tickOrWarn, ms, ms, TimeUnit.MILLISECONDS);
    return this;
  }

  private void tickOrWarn() {
    try {
      rotateIfDue();
    } catch (RuntimeException e) {
      LOG.warn("key rotation check failed (retried in {} s): {}", REFRESH.toSeconds() / 2,
          e.getMessage());
    }
  }

  /** The purposes this ring keeps keys for. */
  public Set<KeyPurpose> purposes() {
    return EnumSet.copyOf(purposes);
  }

  /** The key lifetime. */
  public Duration lifetime() {
    return lifetime;
  }

  /**
   * The longest delay an operator's rotation may ask for: the schedule's own lead (a key is
   * prepared at half its predecessor's life and activates at two thirds, a sixth of the lifetime
   * later) plus {@link #PROPAGATION}. The active key, younger than half its life when no
   * successor is prepared, then still signs SVIDs of full length until the new key takes over.
   */
  public Duration maxActivation() {
    return lifetime.dividedBy(6).plus(PROPAGATION);
  }

  /**
   * Prepares or activates keys whose time has come (one store transaction per purpose that
   * needs it, under the writers' lock) and reloads the key set.
   */
  public void rotateIfDue() {
    Snapshot s = reload();
    Instant now = clock.instant();
    boolean wrote = false;
    for (KeyPurpose p : purposes) {
      if (due(s.keys(), p, now)) {
        // the key is made before the transaction: generating it (a cold crypto provider on a
        // busy machine) must not hold the writers' lock, nor leave the session idle in its
        // transaction long enough for PostgreSQL to end it
        Material m = material(p, clock.instant());
        // another replica may have rotated first: then this finds nothing due, and the reload
        // below picks up its key
        db.write(c -> {
          db.lockWriters(c);
          List<SigningKey> current = load(c);
          return due(current, p, m.now()) && scheduled(c, current, p, m);
        });
        wrote = true;
      }
    }
    if (wrote) {
      s = reload();
    }
    deleteLongExpired(s.keys(), clock.instant());
  }

  /**
   * Deletes the rows of keys that expired at least a lifetime before {@code now}, each audited
   * {@code keys.deleted}, in one transaction under the writers' lock; runs after the rotations,
   * so a key prepared within a lifetime of now (which {@link #sequence()} needs) is stored first.
   */
  private void deleteLongExpired(List<SigningKey> keys, Instant now) {
    Instant cutoff = now.minus(lifetime);
    if (keys.stream().noneMatch(k -> expiredBefore(k, cutoff))) {
      return;
    }
    List<String> deleted = db.write(c -> {
      db.lockWriters(c);
      List<String> kids = new ArrayList<>();
      for (SigningKey k : load(c)) {
        if (expiredBefore(k, cutoff) && delete(c, k)) {
          kids.add(k.kid());
        }
      }
      return kids;
    });
    decrypted.keySet().removeAll(deleted);
    reload();
  }

  private boolean expiredBefore(SigningKey k, Instant cutoff) {
    return purposes.contains(k.purpose()) && k.purpose().published()
        && !k.notAfter().isAfter(cutoff);
  }

  private boolean delete(Connection c, SigningKey k) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM signing_keys WHERE kid = ?")) {
      ps.setString(1, k.kid());
      if (ps.executeUpdate() == 0) {
        return false; // another replica deleted it first
      }
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("purpose", k.purpose().wire());
    d.put("algorithm", k.purpose().algorithm());
    d.put("use", k.purpose().use());
    d.put("notAfter", k.notAfter().toString());
    audit.append(c, new AuditEvent("system:key-retention", "keys.deleted", "key:" + k.kid(), d));
    return true;
  }

  private boolean due(List<SigningKey> keys, KeyPurpose p, Instant now) {
    Optional<SigningKey> active = active(keys, p, now);
    if (active.isEmpty()) {
      return true;
    }
    if (!p.published()) {
      return false;
    }
    SigningKey a = active.get();
    boolean halfway = !now.isBefore(a.createdAt().plus(lifetime.dividedBy(2)));
    return halfway && successor(keys, a).isEmpty();
  }

  /** Creates the key that is due: the first (active now) or the active key's successor. */
  private boolean scheduled(Connection c, List<SigningKey> keys, KeyPurpose p, Material m)
      throws SQLException {
    Instant now = m.now();
    Optional<SigningKey> active = active(keys, p, now);
    if (active.isEmpty()) {
      Optional<SigningKey> pending = keys.stream().filter(k -> k.purpose() == p)
          .filter(k -> k.activatesAt().isAfter(now) && k.notAfter().isAfter(now))
          .min(Comparator.comparing(SigningKey::activatesAt));
      if (pending.isPresent() && !pending.get().createdAt().plus(PROPAGATION).isAfter(now)) {
        // prepared long ago, then the active key lapsed (every server was down): activate it
        setActivation(c, pending.get(), now);
        rotated(c, p, pending.get().kid(), null, now, pending.get().notAfter(),
            "system:key-rotation", "no active key");
        return true;
      }
      // no key of this purpose signs now: the trust domain's first, or (every server was down
      // from half of the last key's life to its end) a key that replaces a lapsed one, which
      // changes the published set like any rotation and is audited as one
      SigningKey lapsed = keys.stream().filter(k -> k.purpose() == p)
          .max(Comparator.comparing(SigningKey::activatesAt)).orElse(null);
      store(c, m, now, lapsed, "system:key-rotation", lapsed == null ? "first key"
          : "no active key");
      return true;
    }
    SigningKey a = active.get();
    Instant at = a.createdAt().plus(lifetime.multipliedBy(2).dividedBy(3));
    if (at.isBefore(now.plus(PROPAGATION))) {
      at = now.plus(PROPAGATION);
    }
    store(c, m, at, a, "system:key-rotation", "scheduled");
    return true;
  }

  /**
   * An operator's rotation: for every published purpose, the prepared successor (or a new key
   * when none is prepared) activates {@code activateIn} from now, or {@link #PROPAGATION} after it
   * was stored if that is later. Audited per purpose.
   *
   * @throws IllegalArgumentException when {@code activateIn} is shorter than {@link #PROPAGATION}
   *     or longer than {@link #maxActivation()}
   */
  public List<Rotation> rotate(Duration activateIn, String actor) {
    if (activateIn.compareTo(PROPAGATION) < 0) {
      throw new IllegalArgumentException("expected an activation delay of at least "
          + PROPAGATION.toSeconds() + "s (every replica must publish a key before any signs"
          + " with it), got " + activateIn.toSeconds() + "s");
    }
    if (activateIn.compareTo(maxActivation()) > 0) {
      throw new IllegalArgumentException("expected an activation delay from "
          + Ttl.format(PROPAGATION) + " to " + Ttl.format(maxActivation()) + " (a sixth of the"
          + " key lifetime " + Ttl.format(lifetime) + ", the schedule's own lead, plus "
          + Ttl.format(PROPAGATION) + "), got " + Ttl.format(activateIn));
    }
    List<Rotation> out = db.write(c -> {
      db.lockWriters(c);
      List<Rotation> done = new ArrayList<>();
      Instant now = clock.instant();
      List<SigningKey> keys = load(c);
      for (KeyPurpose p : purposes) {
        if (!p.published()) {
          continue;
        }
        SigningKey a = active(keys, p, now).orElse(null);
        Optional<SigningKey> pending = a == null ? Optional.empty() : successor(keys, a);
        Instant at = now.plus(activateIn);
        if (pending.isPresent()) {
          SigningKey k = pending.get();
          Instant earliest = k.createdAt().plus(PROPAGATION);
          Instant when = at.isBefore(earliest) ? earliest : at;
          if (when.isBefore(k.activatesAt())) {
            setActivation(c, k, when);
          } else {
            when = k.activatesAt();
          }
          rotated(c, p, k.kid(), a.kid(), when, k.notAfter(), actor, "operator");
          done.add(new Rotation(p, k.kid(), a.kid(), when, k.notAfter()));
        } else {
          SigningKey k = create(c, p, now, at, a, actor, "operator");
          if (a == null) {
            rotated(c, p, k.kid(), null, at, k.notAfter(), actor, "operator");
          }
          done.add(new Rotation(p, k.kid(), a == null ? null : a.kid(), at, k.notAfter()));
        }
      }
      return done;
    });
    reload();
    return out;
  }

  /** A new key of one purpose, made at {@code now} and not stored yet. */
  private record Material(KeyPurpose purpose, Instant now, Instant notAfter,
      String publicMaterial, byte[] privateBytes, JWK jwk, X509Certificate cert,
      X509Certificate issuing, PrivateKey priv, byte[] secret) {
    @Override
    public String toString() {
      return "Material[" + purpose.wire() + ", " + now + ", private parts redacted]";
    }
  }

  /** Makes a key of purpose {@code p} at {@code now}, outside any transaction. */
  private Material material(KeyPurpose p, Instant now) {
    Instant notAfter = p.published() ? now.plus(lifetime) : FOREVER;
    String publicMaterial;
    byte[] privateBytes;
    JWK jwk = null;
    X509Certificate cert = null;
    X509Certificate issuing = null;
    PrivateKey priv = null;
    byte[] secret = null;
    if (p == KeyPurpose.SESSION) {
      secret = KeyMaterial.hmacSecret();
      privateBytes = secret;
      publicMaterial = "";
    } else {
      KeyPair pair = KeyMaterial.generate(p);
      priv = pair.getPrivate();
      privateBytes = priv.getEncoded();
      if (p == KeyPurpose.X509_CA) {
        KeyPair root = KeyMaterial.generate(p);
        X509Certificate[] certs = KeyMaterial.caCertificates(root, pair, trustDomain,
            now.minusSeconds(60), notAfter);
        cert = certs[0];
        issuing = certs[1];
        publicMaterial = KeyMaterial.pem(cert) + KeyMaterial.pem(issuing);
        pair = root; // the key is named by the root the bundle publishes
      } else {
        publicMaterial = null;
      }
      jwk = KeyMaterial.publicJwk(pair.getPublic(), cert);
      if (publicMaterial == null) {
        publicMaterial = jwk.toJSONString();
      }
    }
    return new Material(p, now, notAfter, publicMaterial, privateBytes, jwk, cert, issuing,
        priv, secret);
  }

  private SigningKey create(Connection c, KeyPurpose p, Instant now, Instant activatesAt,
      SigningKey previous, String actor, String trigger) throws SQLException {
    return store(c, material(p, now), activatesAt, previous, actor, trigger);
  }

  /** Stores {@code m} in transaction {@code c}, to activate at {@code activatesAt}. */
  private SigningKey store(Connection c, Material m, Instant activatesAt, SigningKey previous,
      String actor, String trigger) throws SQLException {
    KeyPurpose p = m.purpose();
    Instant now = m.now();
    Instant notAfter = m.notAfter();
    String publicMaterial = m.publicMaterial();
    byte[] privateBytes = m.privateBytes();
    JWK jwk = m.jwk();
    X509Certificate cert = m.cert();
    X509Certificate issuing = m.issuing();
    PrivateKey priv = m.priv();
    byte[] secret = m.secret();
    String kid = jwk != null ? jwk.getKeyID()
        : "session-" + java.util.HexFormat.of().formatHex(KeyMaterial.hmacSecret(), 0, 8);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO signing_keys (" + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, kid);
      ps.setString(2, p.wire());
      ps.setString(3, publicMaterial);
      ps.setString(4, kek.wrap(privateBytes, context(kid)));
      ps.setLong(5, now.toEpochMilli());
      ps.setLong(6, activatesAt.toEpochMilli());
      ps.setLong(7, notAfter.toEpochMilli());
      ps.setString(8, actor);
      ps.executeUpdate();
    }
    decrypted.put(kid, new SigningKey(kid, p, now, activatesAt, notAfter, actor, jwk, cert,
        issuing, priv, secret));
    if (p.published() && previous != null) {
      rotated(c, p, kid, previous.kid(), activatesAt, notAfter, actor, trigger);
    } else {
      // a trust domain's first keys are no rotation: the server log says so, `keys list` shows
      // when and by whom, and the audit log stays as it was before workload identity existed
      LOG.info("created the first {} key {} ({})", p.wire(), kid, trigger);
    }
    return decrypted.get(kid);
  }

  private void rotated(Connection c, KeyPurpose p, String kid, String previous,
      Instant activatesAt, Instant notAfter, String actor, String trigger) throws SQLException {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("purpose", p.wire());
    d.put("algorithm", p.algorithm());
    d.put("use", p.use());
    d.put("activatesAt", activatesAt.toString());
    d.put("notAfter", notAfter.toString());
    d.put("trigger", trigger);
    if (previous != null) {
      d.put("previousKid", previous);
    }
    audit.append(c, new AuditEvent(actor, "keys.rotated", "key:" + kid, d));
  }

  private static void setActivation(Connection c, SigningKey k, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE signing_keys SET activates_at = ? WHERE kid = ?")) {
      ps.setLong(1, at.toEpochMilli());
      ps.setString(2, k.kid());
      ps.executeUpdate();
    }
  }

  private static String context(String kid) {
    return "signing-key:" + kid;
  }

  /** The key of {@code p} that signs at {@code now}: the latest activated, unexpired one. */
  private static Optional<SigningKey> active(List<SigningKey> keys, KeyPurpose p, Instant now) {
    return keys.stream().filter(k -> k.purpose() == p)
        .filter(k -> !k.activatesAt().isAfter(now) && k.notAfter().isAfter(now))
        .max(Comparator.comparing(SigningKey::activatesAt)
            .thenComparing(SigningKey::createdAt));
  }

  private static Optional<SigningKey> successor(List<SigningKey> keys, SigningKey active) {
    return keys.stream().filter(k -> k.purpose() == active.purpose())
        .filter(k -> k.activatesAt().isAfter(active.activatesAt()))
        .min(Comparator.comparing(SigningKey::activatesAt));
  }

  /** The key of {@code purpose} that signs now. */
  public SigningKey active(KeyPurpose purpose) {
    Instant now = clock.instant();
    Optional<SigningKey> k = active(fresh(now).keys(), purpose, now);
    if (k.isEmpty()) {
      rotateIfDue();
      k = active(snapshot.keys(), purpose, clock.instant());
    }
    return k.orElseThrow(() -> new IllegalStateException("no active " + purpose.wire()
        + " key after rotation"));
  }

  /** The keys of {@code purpose} published now (prepared and not expired), oldest first. */
  public List<SigningKey> published(KeyPurpose purpose) {
    Instant now = clock.instant();
    return fresh(now).keys().stream().filter(k -> k.purpose() == purpose)
        .filter(k -> k.publishedAt(now)).toList();
  }

  /** A key published now, of any purpose, by key id. */
  public Optional<SigningKey> published(String kid) {
    Instant now = clock.instant();
    return fresh(now).keys().stream().filter(k -> k.kid().equals(kid))
        .filter(k -> k.publishedAt(now)).findFirst();
  }

  /**
   * The trust bundle's sequence number: the instant, in milliseconds since the epoch, of the
   * latest change to the published set (a key prepared or expired) up to now. Computed from the
   * stored schedule, so it only grows, also when rows are deleted: a row goes a lifetime after
   * its key expired, and the key active now was prepared less than a lifetime ago.
   */
  public long sequence() {
    Instant now = clock.instant();
    long latest = 0;
    for (SigningKey k : fresh(now).keys()) {
      if (k.purpose().published()) {
        for (Instant change : new Instant[] {k.createdAt(), k.notAfter()}) {
          if (!change.isAfter(now)) {
            latest = Math.max(latest, change.toEpochMilli());
          }
        }
      }
    }
    return latest;
  }

  /** Every stored key of a published purpose, newest first (for {@code imprint keys list}). */
  public List<SigningKey> all() {
    return fresh(clock.instant()).keys().stream().filter(k -> k.purpose().published())
        .sorted(Comparator.comparing(SigningKey::createdAt).reversed()).toList();
  }

  /** The current instant of this ring's clock. */
  public Instant now() {
    return clock.instant();
  }

  private Snapshot fresh(Instant now) {
    Snapshot s = snapshot;
    if (stale(s, now)) {
      synchronized (reloading) {
        // every thread that found the set stale at once waited here: the first reloads it, the
        // others take what it loaded (one store read per expiry, not one per waiting request)
        Snapshot again = snapshot;
        if (again != s && !stale(again, clock.instant())) {
          return again;
        }
        return reload();
      }
    }
    return s;
  }

  private static boolean stale(Snapshot s, Instant now) {
    return s.loadedAt().plus(REFRESH).isBefore(now) || s.loadedAt().isAfter(now);
  }

  /** How many times the key set was read from the store (tests). */
  long reloads() {
    return reloads.get();
  }

  /** The monitor a reload holds (tests). */
  Object reloadLock() {
    return reloading;
  }

  private Snapshot reload() {
    synchronized (reloading) {
      reloads.incrementAndGet();
      Instant at = clock.instant();
      List<SigningKey> keys = db.read(this::load);
      Snapshot s = new Snapshot(at, keys);
      snapshot = s;
      return s;
    }
  }

  private List<SigningKey> load(Connection c) throws SQLException {
    List<SigningKey> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM signing_keys ORDER BY created_at, kid");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String kid = rs.getString(1);
        KeyPurpose p;
        try {
          p = KeyPurpose.parse(rs.getString(2));
        } catch (IllegalArgumentException e) {
          continue; // a newer release's purpose: not ours to use
        }
        Instant activates = Instant.ofEpochMilli(rs.getLong(6));
        SigningKey known = decrypted.get(kid);
        if (known != null && known.activatesAt().equals(activates)) {
          out.add(known);
          continue;
        }
        SigningKey k = known != null
            ? new SigningKey(kid, p, known.createdAt(), activates, known.notAfter(),
                known.createdBy(), known.publicJwk(), known.certificate(), known.issuing(),
                known.privateKey(), known.secret())
            : decode(kid, p, rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)),
                activates, Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8));
        decrypted.put(kid, k);
        out.add(k);
      }
    }
    return List.copyOf(out);
  }

  private SigningKey decode(String kid, KeyPurpose p, String publicMaterial, String wrapped,
      Instant created, Instant activates, Instant notAfter, String by) {
    byte[] raw = kek.unwrap(wrapped, context(kid));
    if (p == KeyPurpose.SESSION) {
      return new SigningKey(kid, p, created, activates, notAfter, by, null, null, null, null,
          raw);
    }
    X509Certificate cert = null;
    X509Certificate issuing = null;
    JWK jwk;
    if (p == KeyPurpose.X509_CA) {
      List<X509Certificate> certs = KeyMaterial.parsePem(publicMaterial);
      cert = certs.get(0);
      issuing = certs.get(1);
      jwk = KeyMaterial.publicJwk(cert.getPublicKey(), cert);
    } else {
      jwk = KeyMaterial.parseJwk(publicMaterial);
    }
    return new SigningKey(kid, p, created, activates, notAfter, by, jwk, cert, issuing,
        KeyMaterial.privateKey(p, raw), null);
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
