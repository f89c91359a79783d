package dev.imprint.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.KeyEncryptionKey;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.Monitors;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that find the key set stale at the same moment read it from the store once between
 * them, not once each (a herd of reloads, one after another under the reload's lock).
 */
class KeyRingReloadTest {
  @TempDir Path dir;

  @Test
  void threadsThatFindTheKeySetStaleTogetherReloadItOnce() throws Exception {
    MovableClock clock = new MovableClock(KeyRotationTest.START);
    try (Database db = Stores.open(Stores.Kind.SQLITE, dir)) {
      KeyRing ring = new KeyRing(db, new AuditLog(db, clock), KeyEncryptionKey.resolve(null,
          KeyRotationTest.KEK, dir, s -> { }), clock, "imprint.local", KeyRotationTest.L, false);
      ring.rotateIfDue(); // creates and loads the keys; no scheduler runs
      String kid = ring.active(KeyPurpose.JWT_ES256).kid();
      clock.advance(KeyRing.REFRESH.plusSeconds(1));
      long before = ring.reloads();
      List<Thread> threads = new ArrayList<>();
      List<String> kids = java.util.Collections.synchronizedList(new ArrayList<>());
      synchronized (ring.reloadLock()) {
        for (int i = 0; i < 4; i++) {
          Thread t = new Thread(() -> kids.add(ring.active(KeyPurpose.JWT_ES256).kid()));
          threads.add(t);
          t.start();
        }
        // every thread has found the set stale and waits for the reload's lock (not merely
        // BLOCKED for a moment on another monitor on its way, which let this go on too early)
        for (Thread t : threads) {
          Monitors.awaitBlockedOn(t, ring.reloadLock());
        }
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(kids).hasSize(4).containsOnly(kid);
      assertThat(ring.reloads() - before).isEqualTo(1);
      ring.close();
    }
  }
}
