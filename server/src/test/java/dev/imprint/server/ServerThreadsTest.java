package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a server stops every thread it started, daemon or not: none outlives {@code close()}
 * to keep a test JVM (or an embedding process) alive or busy.
 */
class ServerThreadsTest {
  @TempDir Path dir;

  @Test
  void closingTheServerStopsEveryThreadItStarted() throws Exception {
    // a first server starts what the JVM and the test client start once, whoever asks first
    exercise(dir.resolve("first"));
    Set<Long> before = alive().stream().map(Thread::getId).collect(Collectors.toSet());

    exercise(dir.resolve("second"));

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<Thread> left = started(before);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(100);
      left = started(before);
    }
    assertThat(left.stream().map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : "")))
        .as("threads the server started and left running after close()").isEmpty();
  }

  private static void exercise(Path data) throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, data)) {
      String admin = s.adminToken();
      assertThat(s.send("POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}").statusCode())
          .isEqualTo(201);
      assertThat(s.send("GET", "/v1/audit/checkpoint", admin, null).statusCode())
          .isEqualTo(200);
      assertThat(s.send("GET", "/readyz", null, null).statusCode()).isEqualTo(200);
      assertThat(s.send("GET", "/metrics", null, null).statusCode()).isEqualTo(200);
    }
  }

  private static List<Thread> started(Set<Long> before) {
    return alive().stream().filter(t -> !before.contains(t.getId()))
        .filter(t -> !jvmWide(t.getName())).toList();
  }

  private static List<Thread> alive() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).toList();
  }

  /** Threads the JDK keeps for the whole JVM once something asked for them. */
  private static boolean jvmWide(String name) {
    return name.startsWith("ForkJoinPool.commonPool-") || name.equals("Common-Cleaner")
        || name.equals("process reaper") || name.equals("Attach Listener");
  }
}
