package dev.imprint.server.dbcreds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Replicas;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins issued concurrently, then two replicas on one PostgreSQL store reaping the same expired
 * leases at once: each is dropped and audited once.
 */
class DbLeaseReplicasTest {
  private static final int LEASES = 6;

  @TempDir Path dir;

  @Test
  void twoReplicasReapingAtOnceDropAndAuditEachLeaseOnce() throws Exception {
    TargetPostgres.get();
    try (Replicas pair = Replicas.start(dir)) {
      TestServer a = pair.a();
      TestServer b = pair.b();
      DbEstate.register(a);
      String svid = DbEstate.svid(a, DbEstate.workload(a, DbEstate.API), DbEstate.API);
      DbEstate.grants(a, DbEstate.API_GRANTS);
      // concurrently: PostgreSQL refuses concurrent ACL changes on one table unless they wait
      List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> issuers = new ArrayList<>();
      for (int i = 0; i < LEASES; i++) {
        Thread t = new Thread(() -> {
          JsonNode l = DbEstate.ok(DbEstate.ask(a, svid, "{\"resource\":\"" + DbEstate.APP
              + "\",\"ttl\":\"5s\"}"), 201);
          ids.add(l.at("/lease/id").asText());
        });
        t.start();
        issuers.add(t);
      }
      for (Thread t : issuers) {
        t.join(60_000);
      }
      assertThat(ids).as("every concurrent issue succeeded").hasSize(LEASES);
      // the reapers start once every lease has expired (expires_at <= now), not a fixed while
      Instant last = ids.stream().map(id -> a.server().dbLeases().find(id).orElseThrow()
          .expiresAt()).max(Comparator.naturalOrder()).orElseThrow();
      Thread.sleep(Math.max(0, Duration.between(Instant.now(), last).toMillis() + 1));
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> reapers = new ArrayList<>();
      for (TestServer s : List.of(a, b, a, b)) {
        Thread t = new Thread(() -> {
          try {
            go.await();
            s.server().dbLeases().reap();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        t.start();
        reapers.add(t);
      }
      go.countDown();
      for (Thread t : reapers) {
        t.join(60_000);
      }
      DbCredentialsApiTest.await(Duration.ofSeconds(30), () -> ids.stream().allMatch(id ->
          a.server().dbLeases().find(id).orElseThrow().droppedAt() != null));
      Map<String, Long> drops = AuditActions.entries(a.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("db.lease.dropped"))
          .map(e -> e.get("subject").asText())
          .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(drops).containsOnlyKeys(ids);
      assertThat(drops.values()).allMatch(n -> n == 1L);
    }
  }

  @Test
  void aServerRemovedThroughOneReplicaHasItsPoolsClosedOnTheOtherBySweep() throws Exception {
    TargetPostgres.get();
    try (Replicas pair = Replicas.start(dir)) {
      TestServer a = pair.a();
      TestServer b = pair.b();
      DbEstate.register(a);
      String svid = DbEstate.svid(a, DbEstate.workload(a, DbEstate.API), DbEstate.API);
      DbEstate.grants(a, DbEstate.API_GRANTS);
      DbEstate.ok(DbEstate.ask(a, svid, "{\"resource\":\"" + DbEstate.APP + "\"}"), 201);
      // B uses the server too (a reap, a renewal): an admin connection from its pool
      DbServers bs = b.server().dbServers();
      bs.connect(bs.find(DbEstate.SERVER).orElseThrow(), "shop").close();
      assertThat(b.server().dbServers().openPools()).contains(DbEstate.SERVER + "/shop");
      DbEstate.ok(a.send("DELETE", "/v1/db/servers/" + DbEstate.SERVER + "?revoke=true",
          a.adminToken(), null), 200);
      assertThat(a.server().dbServers().openPools()).isEmpty();
      b.server().dbLeases().reap();
      assertThat(b.server().dbServers().openPools()).as("closed by B's next sweep").isEmpty();
    }
  }
}
