package dev.imprint.server.svid;

import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.LastSeen;
import dev.imprint.server.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records SVID issuance and refusals in the audit log in batches: one entry per identity, image,
 * outcome and interval, with the counts and every {@code jti} and serial number, instead of one
 * entry (and one store write) per SVID, which would cap issuance at the audit log's append rate.
 * The identity's last-seen time is written with each batch. A flush starts early once
 * {@link #MAX_IDS} ids are pending, and no entry holds more than {@link #MAX_IDS} ids. A crash
 * loses at most one interval's records (the SVIDs themselves expire within minutes);
 * {@link #close()} writes what is pending.
 *
 * <p>Noting an issuance takes no lock: each note goes on a lock-free queue that the flush drains
 * and tallies. (A monitor here was the most contended lock of the issuance path: with 64
 * issuing threads on 2 cores, a holder preempted inside it stalled the rest for tens of
 * milliseconds at a time.)
 */
final class IssuanceLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IssuanceLog.class);
  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final int MAX_IDS = 1000;
  static final String ACTOR = "system:svid-issuer";

  private record Key(String spiffeId, String identityId, String digest, String method,
      String refusal) {}

  /** One issuance or refusal as noted on the request's thread. */
  private record Note(Key key, Instant at, String jti, String serial, boolean session) {
    int ids() {
      return (jti == null ? 0 : 1) + (serial == null ? 0 : 1);
    }
  }

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
  private final ConcurrentLinkedQueue<Note> notes = new ConcurrentLinkedQueue<>();
  /** Ids noted and not yet drained, to start a flush early. */
  private final AtomicInteger pendingIds = new AtomicInteger();
  /** Whether an early flush is queued on the flusher. */
  private final AtomicBoolean earlyFlush = new AtomicBoolean();
  /** Entries a failed write left, written first by the next flush (only under flushing). */
  private List<Map.Entry<Key, Tally>> unwritten = new ArrayList<>();

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
    Note n = new Note(new Key(w.spiffeId(), identityId, w.imageDigest(),
        w.attestation().method(), null), clock.instant(), jwt == null ? null : jwt.jti(),
        x509 == null ? null : x509.serial(), session);
    notes.add(n);
    if (pendingIds.addAndGet(n.ids()) >= MAX_IDS && earlyFlush.compareAndSet(false, true)) {
      try {
        flusher.execute(() -> {
          earlyFlush.set(false);
          flushOrWarn();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing: close() writes what is pending
        earlyFlush.set(false);
      }
    }
  }

  /** Notes a refusal ({@code code}) of a request for {@code w}. */
  void refused(AttestedWorkload w, String identityId, String code) {
    notes.add(new Note(new Key(w.spiffeId(), identityId, w.imageDigest(),
        w.attestation().method(), code), clock.instant(), null, null, false));
  }

  /** Writes every pending record in one unit of work; returns how many entries it appended. */
  int flush() {
    synchronized (flushing) {
      List<Map.Entry<Key, Tally>> batch = new ArrayList<>(unwritten);
      unwritten = new ArrayList<>();
      batch.addAll(drain());
      if (batch.isEmpty()) {
        return 0;
      }
      try {
        write(batch);
      } catch (RuntimeException e) {
        unwritten = batch;
        throw e;
      }
      return batch.size();
    }
  }

  /**
   * The notes queued so far, tallied: one entry per key in the order keys were first noted, a
   * key's entry split when it reaches {@link #MAX_IDS} ids.
   */
  private List<Map.Entry<Key, Tally>> drain() {
    List<Map.Entry<Key, Tally>> out = new ArrayList<>();
    Map<Key, Tally> open = new LinkedHashMap<>();
    int drained = 0;
    for (Note n = notes.poll(); n != null; n = notes.poll()) {
      drained += n.ids();
      Tally t = open.get(n.key());
      if (t == null || t.ids() + n.ids() > MAX_IDS) {
        t = new Tally(n.at());
        open.put(n.key(), t);
        out.add(Map.entry(n.key(), t));
      }
      if (n.at().isAfter(t.last)) {
        t.last = n.at();
      }
      if (n.key().refusal() != null) {
        t.refused++;
        continue;
      }
      if (n.jti() != null) {
        t.jwt++;
        t.jtis.add(n.jti());
      }
      if (n.serial() != null) {
        t.x509++;
        t.serials.add(n.serial());
      }
      if (n.session()) {
        t.sessions++;
      }
    }
    pendingIds.addAndGet(-drained);
    return out;
  }

  private void write(List<Map.Entry<Key, Tally>> batch) {
    db.write(c -> {
      Map<String, Long> seen = new HashMap<>();
      for (Map.Entry<Key, Tally> e : batch) {
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
      LastSeen.lastSeen(c, seen);
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
