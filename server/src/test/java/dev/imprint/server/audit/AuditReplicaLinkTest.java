package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Eventually;
import dev.imprint.server.testing.RoundTrips;
import dev.imprint.server.testing.Stores;
import dev.imprint.testkit.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica whose link to PostgreSQL is slow must not slow the other replicas' appends: the
 * answer to replica B's statement that takes the writers' lock is held on B's link (as a slow
 * link holds it for its latency) while replica A appends. A's appends complete meanwhile,
 * because B's lock ends with the COMMIT that went with it, not when B hears back; and both
 * replicas' entries form one gap-free log that verifies.
 */
class AuditReplicaLinkTest {
  private static final byte[] LOCK = "pg_advisory_xact_lock".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  @Test
  void aReplicaWaitingForItsLinkDoesNotHoldTheOthersAppends() throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    try (HeldAnswer gate = new HeldAnswer();
        TcpProxy slow = TcpProxy.to("localhost", Stores.postgres().getPort()).name("b-link")
            .inspect(() -> gate.new Link()).start();
        Database a = Database.open(url, dir.resolve("a"));
        // every statement's text on the wire, so the link sees which one takes the lock
        Database b = Database.open(slow.route(url) + "&prepareThreshold=0", dir.resolve("b"))) {
      AuditLog logA = new AuditLog(a, Clock.systemUTC());
      AuditLog logB = new AuditLog(b, Clock.systemUTC());
      append(a, logA, "a0");
      append(b, logB, "b1");
      gate.arm();
      Future<?> heldB = threads.submit(() -> append(b, logB, "b2"));
      gate.awaitHolding();

      int appendsOfA = 5;
      Future<?> appendingA = threads.submit(() -> {
        for (int i = 0; i < appendsOfA; i++) {
          append(a, logA, "a" + (3 + i));
        }
        return null;
      });
      // either A's appends all complete, or one of them waits for the writers' lock B holds
      Eventually.await(() -> appendingA.isDone() || waitingForTheWritersLock(url));
      assertThat(appendingA.isDone()).as("A's appends completed while B's answer was held"
          + " (else A waits for the writers' lock that B holds until it hears back)").isTrue();
      appendingA.get();
      assertThat(heldB.isDone()).as("B has not heard back yet").isFalse();

      gate.release();
      heldB.get(60, TimeUnit.SECONDS);
      List<JsonNode> entries = AuditActions.entries(a);
      assertThat(entries).extracting(e -> e.get("seq").asLong())
          .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
      assertThat(entries).extracting(e -> e.get("subject").asText())
          .containsExactly("a0", "b1", "b2", "a3", "a4", "a5", "a6", "a7");
      AuditService service = new AuditService(b, "imprint.local",
          KeyEncryptionKey.resolve(null, null, dir, m -> { }), Clock.systemUTC());
      assertThat(service.size()).as("every stored leaf checked against its entry").isEqualTo(8);
    } finally {
      threads.shutdownNow();
    }
  }

  /** Whether a session of this test's database waits for an advisory lock (the writers') now. */
  private static boolean waitingForTheWritersLock(String url) {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM pg_stat_activity"
            + " WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
            + " AND datname = current_database()")) { // other tests' databases share the server
      rs.next();
      return rs.getLong(1) > 0;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Void append(Database db, AuditLog log, String subject) {
    return db.write(c -> {
      log.append(c, AuditEvent.of("t", "test.append", subject));
      return null;
    });
  }

  /**
   * Once armed, holds the answer to the next round trip that takes the writers' lock on its way
   * back to the replica, until released: what a slow link does for its latency, made as long as
   * the test needs.
   */
  private static final class HeldAnswer implements AutoCloseable {
    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    void arm() {
      armed.set(true);
    }

    void awaitHolding() throws InterruptedException {
      assertThat(holding.await(60, TimeUnit.SECONDS)).as("B's lock round trip").isTrue();
    }

    void release() {
      released.countDown();
    }

    @Override
    public void close() {
      release();
    }

    /** One connection's inspector: holds the answer to its round trip that took the lock. */
    final class Link implements TcpProxy.Inspector {
      private volatile boolean lockSent; // set by one direction's thread, read by the other's

      @Override
      public TcpProxy.Verdict chunk(TcpProxy.Direction direction, byte[] buf, int n) {
        if (direction == TcpProxy.Direction.TO_TARGET) {
          lockSent |= armed.get() && RoundTrips.carries(buf, n, LOCK);
        } else if (lockSent && armed.compareAndSet(true, false)) {
          holding.countDown();
          try {
            released.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return TcpProxy.Verdict.PASS;
      }
    }
  }
}
