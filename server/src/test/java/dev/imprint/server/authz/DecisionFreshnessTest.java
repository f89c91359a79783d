package dev.imprint.server.authz;

import static dev.imprint.server.authz.Grants.API;
import static dev.imprint.server.authz.Grants.files;
import static dev.imprint.server.authz.Grants.ok;
import static dev.imprint.server.testing.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.authz.Decision;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.store.StateCache;
import dev.imprint.server.svid.WorkloadStates;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Replicas;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TableLock;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
  /** Allows {@code API} only while its image is approved. */
  private static final String IMAGE_POLICY = AuthzApiTest.HEADER
      + "  - {id: fresh-image, subject: " + API + ", resource: \"topic:fresh/image\","
      + " actions: [read], conditions: {imageApproved: true}}\n";
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
    try (Replicas pair = Replicas.start(dir)) {
      TestServer a = pair.a();
      TestServer b = pair.b();
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

  @Test
  void anotherReplicaDeniesARetiredImageOnceTheChangesNotificationHasArrived() throws Exception {
    try (Replicas pair = Replicas.start(dir)) {
      TestServer a = pair.a();
      TestServer b = pair.b();
      String digest = Grants.workload(a, API);
      ok(a.send("PUT", "/v1/grants", a.adminToken(), files(IMAGE_POLICY, null)), 200);
      WorkloadStates states = b.server().svids().states();
      await(states::cacheable);
      await(() -> decide(b, digest).allowed());
      assertThat(decide(b, digest).allowed()).isTrue();
      long before = states.epoch();

      ok(a.send("POST", "/v1/images/" + digest + "/retire", a.adminToken(),
          "{\"reason\":\"CVE-2026-1234\"}"), 200);
      assertThat(decide(a, digest).allowed()).as("the replica that retired it").isFalse();
      await(() -> states.epoch() != before);
      Decision d = decide(b, digest);
      assertThat(d.allowed()).as("b decided with an image state cached before the change")
          .isFalse();
      assertThat(d.reason().code()).isEqualTo("no_grant");
    }
  }

  /**
   * A caller the server has decided for is decided again without a store statement: its
   * JWT-SVID, its image's state and its identity's facts come from memory. With
   * {@code identities} and {@code images} locked by another transaction (so any read of them
   * waits for it), 200 decisions for it are all answered while the lock is held.
   */
  @Test
  void aCachedCallerIsDecidedWithoutAStoreStatement() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.POSTGRESQL, dir)) {
      String digest = Grants.workload(s, API);
      ok(s.send("PUT", "/v1/grants", s.adminToken(), files(IMAGE_POLICY, null)), 200);
      String svid = Grants.jwtSvid(s, digest, API, DecisionService.AUDIENCE);
      DecisionService decisions = s.server().decisions();
      await(s.server().svids().states()::cacheable);
      assertThat(authorize(decisions, svid).allowed()).isTrue();
      TableLock lock = TableLock.take(s.server().database(), "identities, images");
      try (lock) {
        CompletableFuture<Long> allowed = CompletableFuture.supplyAsync(() -> {
          long n = 0;
          for (int i = 0; i < 200; i++) {
            n += authorize(decisions, svid).allowed() ? 1 : 0;
          }
          return n;
        });
        assertThat(allowed.get(20, TimeUnit.SECONDS))
            .as("decisions answered while the store's identities and images are locked")
            .isEqualTo(200);
      }
    }
  }

  private static Decision authorize(DecisionService decisions, String svid) {
    return decisions.authorize(svid, DecisionService.AUDIENCE, "svid", "read",
        "topic:fresh/image", java.util.Map.of()).decision();
  }

  /**
   * A caller that keeps asking never waits for the store: facts past half their TTL are read
   * again behind the decision. The server's clock is the test's, moved by hand: with
   * {@code identities} locked by another transaction (so any read of the caller's facts waits
   * for it), a decision past half the TTL of the facts first read, and one past their whole TTL
   * but within that of the facts read again behind the first, are both answered while the lock
   * is held; a request thread that read the store itself would wait for the lock. The decisions
   * name no image, so the image states' cache (on the machine's clock) plays no part.
   */
  @Test
  void aCallerThatKeepsAskingIsAnsweredFromFactsReadAgainBehindItsDecisions() throws Exception {
    MovableClock clock = new MovableClock();
    try (TestServer s = TestServer.start(Stores.Kind.POSTGRESQL, dir, clock)) {
      Grants.identity(s, API, "prod");
      ok(s.send("PUT", "/v1/grants", s.adminToken(), files(POLICY, null)), 200);
      WorkloadStates states = s.server().svids().states();
      await(states::cacheable);
      boolean shown = false;
      for (int round = 0; round < 3 && !shown; round++) {
        // whatever an earlier round read has expired: this one reads afresh
        clock.advance(DecisionService.FACTS_TTL.multipliedBy(2));
        shown = readAgainBehind(s, clock);
      }
      assertThat(shown).as("the identities' states changed during each of three rounds")
          .isTrue();
    }
  }

  /**
   * One round: facts read by a first decision, asked for again past half their TTL, then once
   * more past their TTL, both with {@code identities} locked. False when a change of state
   * (which forgets every cached fact) came in between; fails when a decision waited.
   */
  private static boolean readAgainBehind(TestServer s, MovableClock clock) throws Exception {
    Duration ttl = DecisionService.FACTS_TTL;
    DecisionService decisions = s.server().decisions();
    WorkloadStates states = s.server().svids().states();
    long epoch = states.epoch();
    BooleanSupplier changed = () -> states.epoch() != epoch || !states.cacheable();
    long loads = decisions.factsLoads();
    assertThat(decideWithoutImage(s).allowed()).isTrue();
    if (changed.getAsBoolean()) {
      return false;
    }
    assertThat(decisions.factsLoads()).as("the first decision read the facts")
        .isEqualTo(loads + 1);

    clock.advance(ttl.multipliedBy(6).dividedBy(10));
    boolean waited = waitedWithIdentitiesLocked(s);
    if (changed.getAsBoolean()) {
      return false;
    }
    assertThat(waited).as("past half the TTL, the request thread read the facts itself")
        .isFalse();
    await(() -> decisions.factsLoads() >= loads + 2 || changed.getAsBoolean());
    // past the TTL of the facts first read, within half that of the read behind: a decision now
    // returns only once the read behind has stored its facts (it waits for it, or makes it)
    clock.advance(ttl.multipliedBy(45).dividedBy(100));
    assertThat(decideWithoutImage(s).allowed()).isTrue();
    if (changed.getAsBoolean()) {
      return false;
    }
    assertThat(decisions.factsLoads()).as("reads: the first and the one behind")
        .isEqualTo(loads + 2);

    clock.advance(ttl.multipliedBy(2).dividedBy(10));
    waited = waitedWithIdentitiesLocked(s);
    if (changed.getAsBoolean()) {
      return false;
    }
    assertThat(waited).as("past the TTL of the facts first read, the request thread read the"
        + " facts itself though the ones read behind were within theirs").isFalse();
    return true;
  }

  /** Decides with {@code identities} locked: whether the request thread waited for the store. */
  private static boolean waitedWithIdentitiesLocked(TestServer s) throws Exception {
    java.util.concurrent.FutureTask<Decision> d = new java.util.concurrent.FutureTask<>(
        () -> decideWithoutImage(s));
    Thread decider = new Thread(d, "decider");
    boolean waited;
    try (TableLock lock = TableLock.take(s.server().database(), "identities")) {
      decider.start();
      await(() -> d.isDone() || waitsForTheStore(decider));
      waited = !d.isDone();
    }
    assertThat(d.get(20, TimeUnit.SECONDS).allowed()).isTrue();
    return waited;
  }

  /** Whether {@code t} reads a caller's facts from the store, or waits for another's read. */
  private static boolean waitsForTheStore(Thread t) {
    return java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> (f.getMethodName()
        .equals("facts") && f.getClassName().equals(DecisionService.class.getName()))
        || (f.getClassName().equals(StateCache.class.getName())
            && (f.getMethodName().equals("load") || f.getMethodName().equals("await"))));
  }

  private static Decision decideWithoutImage(TestServer s) {
    return s.server().decisions().authorizeAttested(API, null, "test", "read",
        "topic:fresh/a").decision();
  }

  private static Decision decide(TestServer s, String digest) {
    return s.server().decisions().authorizeAttested(API, digest, "test", "read",
        "topic:fresh/image").decision();
  }

  private static Decision decide(TestServer s) {
    return s.server().decisions().authorizeAttested(API, UNREGISTERED, "test", "read",
        "topic:fresh/a").decision();
  }
}
