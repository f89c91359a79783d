package dev.imprint.server.svid;

import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.store.Database;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records SVID issuance and refusals in the audit log in batches: one entry per identity, image,
 * outcome and interval, with the counts and every {@code jti} and serial number, instead of one
 * entry (and one store write) per SVID, which would cap issuance at the audit log's append rate.
 * The identity's last-seen time is written with each batch. An entry is written early when it
 * holds {@link #MAX_IDS} ids. A crash loses at most one interval's records (the SVIDs themselves
 * expire within minutes); {@link #close()} writes what is pending.
 */
final class IssuanceLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IssuanceLog.class);
  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final int MAX_IDS = 1000;
  static final String ACTOR = "system:svid-issuer";

  private record Key(String spiffeId, String identityId, String digest, String method,
      String refusal) {}

  private static final class Tally {
    final Instant first;
    Instant last;
    int jwt;
    int x509;
    int sessions;
    int refused;
    final List<String> jtis = new ArrayList<>();
    final List<String> serials = new ArrayList<>();

    Tally(Instant at) {
      first = at;
      last = at;
    }

    int ids() {
      return jtis.size() + serials.size();
    }
  }

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final ScheduledExecutorService flusher;
  private final Object flushing = new Object();
  private Map<Key, Tally> pending = new LinkedHashMap<>();

  IssuanceLog(Database db, AuditLog audit, Clock clock, Duration interval) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "imprint-issuance-log");
      t.setDaemon(true);
      return t;
    });
    long ms = interval.toMillis();
    flusher.scheduleWithFixedDelay(this::flushOrWarn, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Notes SVIDs issued to {@code w} (identity id {@code identityId}). */
  void issued(AttestedWorkload w, String identityId, JwtSvid jwt, X509Svid x509,
      boolean session) {
    boolean full;
    synchronized (this) {
      Tally t = tally(new Key(w.spiffeId(), identityId, w.imageDigest(),
          w.attestation().method(), null));
      if (jwt != null) {
        t.jwt++;
        t.jtis.add(jwt.jti());
      }
      if (x509 != null) {
        t.x509++;
        t.serials.add(x509.serial());
      }
      if (session) {
        t.sessions++;
      }
      full = t.ids() >= MAX_IDS;
    }
    if (full) {
      flusher.execute(this::flushOrWarn);
    }
  }

  /** Notes a refusal ({@code code}) of a request for {@code w}. */
  void refused(AttestedWorkload w, String identityId, String code) {
    synchronized (this) {
      tally(new Key(w.spiffeId(), identityId, w.imageDigest(), w.attestation().method(), code))
          .refused++;
    }
  }

  private Tally tally(Key k) {
    Instant now = clock.instant();
    Tally t = pending.computeIfAbsent(k, x -> new Tally(now));
    t.last = now;
    return t;
  }

  /** Writes every pending record in one unit of work; returns how many entries it appended. */
  int flush() {
    synchronized (flushing) {
      Map<Key, Tally> batch;
      synchronized (this) {
        if (pending.isEmpty()) {
          return 0;
        }
        batch = pending;
        pending = new LinkedHashMap<>();
      }
      Map<String, Long> seen = new TreeMap<>();
      try {
        write(batch, seen);
      } catch (RuntimeException e) {
        synchronized (this) {
          batch.forEach((k, t) -> pending.merge(k, t, IssuanceLog::merge));
        }
        throw e;
      }
      return batch.size();
    }
  }

  private static Tally merge(Tally a, Tally b) {
    Tally m = new Tally(a.first.isBefore(b.first) ? a.first : b.first);
    m.last = a.last.isAfter(b.last) ? a.last : b.last;
    m.jwt = a.jwt + b.jwt;
    m.x509 = a.x509 + b.x509;
    m.sessions = a.sessions + b.sessions;
    m.refused = a.refused + b.refused;
    m.jtis.addAll(a.jtis);
    m.jtis.addAll(b.jtis);
    m.serials.addAll(a.serials);
    m.serials.addAll(b.serials);
    return m;
  }

  private void write(Map<Key, Tally> batch, Map<String, Long> seen) {
      db.write(c -> {
        for (Map.Entry<Key, Tally> e : batch.entrySet()) {
          Key k = e.getKey();
          Tally t = e.getValue();
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("image", k.digest());
          d.put("method", k.method());
          d.put("from", t.first.toString());
          d.put("to", t.last.toString());
          if (k.refusal() != null) {
            d.put("reason", k.refusal());
            d.put("refused", t.refused);
            audit.append(c, new AuditEvent(ACTOR, "svid.refused", k.spiffeId(), d));
            continue;
          }
          d.put("jwtSvids", t.jwt);
          d.put("x509Svids", t.x509);
          d.put("sessions", t.sessions);
          d.put("jtis", t.jtis);
          d.put("serials", t.serials);
          audit.append(c, new AuditEvent(ACTOR, "svid.issued", k.spiffeId(), d));
          if (k.identityId() != null) {
            seen.merge(k.identityId(), t.last.toEpochMilli(), Math::max);
          }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE identities SET last_seen_at = ?"
            + " WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)")) {
          for (Map.Entry<String, Long> e : seen.entrySet()) {
            ps.setLong(1, e.getValue());
            ps.setString(2, e.getKey());
            ps.setLong(3, e.getValue());
            ps.addBatch();
          }
          if (!seen.isEmpty()) {
            ps.executeBatch();
          }
        }
        return null;
      });
  }

  private void flushOrWarn() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warn("could not write the SVID issuance records of the last interval: {}",
          e.getMessage());
    }
  }

  /** Stops the periodic flush and writes what is pending (before the store closes). */
  @Override
  public void close() {
    flusher.shutdown();
    try {
      flusher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushOrWarn();
  }
}
