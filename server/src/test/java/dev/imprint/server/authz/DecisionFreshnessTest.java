package dev.imprint.server.authz;

import static dev.imprint.server.authz.Grants.API;
import static dev.imprint.server.authz.Grants.files;
import static dev.imprint.server.authz.Grants.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.authz.Decision;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.svid.WorkloadStates;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How fresh the identity state a decision uses is: a disabled identity is denied by the very
 * next decision on the replica that disabled it, and on another replica as soon as the store's
 * notification of the change has reached it, also when the caller's image is not registered
 * (so the identity's status comes from the decision point's own cache, not the image's state).
 */
class DecisionFreshnessTest {
  private static final String POLICY = AuthzApiTest.HEADER
      + "  - {id: fresh-read, subject: " + API + ", resource: \"topic:fresh/a\","
      + " actions: [read]}\n";
  /** An image digest no image has: the identity's status is read by the decision point. */
  private static final String UNREGISTERED = Grants.digest("never-registered");

  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aDisabledIdentityIsDeniedByTheNextDecisionOnTheSameReplica(Stores.Kind kind) {
    try (TestServer s = TestServer.start(kind, dir)) {
      Grants.identity(s, API, "prod");
      ok(s.send("PUT", "/v1/grants", s.adminToken(), files(POLICY, null)), 200);
      assertThat(decide(s).allowed()).isTrue();

      ok(s.send("POST", "/v1/identities/" + IdentityService.idOf(API) + "/disable",
          s.adminToken(), "{\"reason\":\"incident\"}"), 200);
      Decision d = decide(s);
      assertThat(d.allowed()).isFalse();
      assertThat(d.reason().code()).isEqualTo("identity_inactive");

      ok(s.send("POST", "/v1/identities/" + IdentityService.idOf(API) + "/enable",
          s.adminToken(), "{\"reason\":\"resolved\"}"), 200);
      assertThat(decide(s).allowed()).isTrue();
    }
  }

  @Test
  void anotherReplicaDeniesOnceTheChangesNotificationHasArrived() throws Exception {
    String jdbc = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = dir.resolve("shared.kek");
    byte[] raw = new byte[32];
    for (int i = 0; i < raw.length; i++) {
      raw[i] = (byte) (13 * i + 1);
    }
    Files.writeString(kek, Base64.getEncoder().encodeToString(raw));
    Files.setPosixFilePermissions(kek, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
    try (TestServer a = TestServer.start(replica(jdbc, dir.resolve("a"), kek));
        TestServer b = TestServer.start(replica(jdbc, dir.resolve("b"), kek))) {
      Grants.identity(a, API, "prod");
      ok(a.send("PUT", "/v1/grants", a.adminToken(), files(POLICY, null)), 200);
      WorkloadStates states = b.server().svids().states();
      await(states::cacheable);
      // b's policy follows a's through the store; wait until b allows (and caches the status)
      await(() -> decide(b).allowed());
      assertThat(decide(b).allowed()).isTrue();
      long before = states.epoch();

      ok(a.send("POST", "/v1/identities/" + IdentityService.idOf(API) + "/disable",
          a.adminToken(), "{\"reason\":\"incident\"}"), 200);
      await(() -> states.epoch() != before);
      Decision d = decide(b);
      assertThat(d.allowed()).as("b decided with a status cached before the change").isFalse();
      assertThat(d.reason().code()).isEqualTo("identity_inactive");
    }
  }

  private static Decision decide(TestServer s) {
    return s.server().decisions().authorizeAttested(API, UNREGISTERED, "test", "read",
        "topic:fresh/a").decision();
  }

  /** Waits for an event (a notification, a policy reload); fails after a generous bound. */
  private static void await(java.util.function.BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("did not happen within 30 s");
      }
      Thread.sleep(20);
    }
  }

  private static ServerConfig replica(String jdbc, Path data, Path kek) {
    ServerConfig d = ServerConfig.defaults();
    return new ServerConfig("127.0.0.1", 0, data, jdbc, d.trustDomain(), null, null, false,
        d.logFormat(), d.maxBodyBytes(), null, kek);
  }
}
