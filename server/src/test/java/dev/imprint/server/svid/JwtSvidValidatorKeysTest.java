package dev.imprint.server.svid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.KeyEncryptionKey;
import dev.imprint.server.keys.KeyPurpose;
import dev.imprint.server.keys.KeyRing;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.Eventually;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validator's verifying keys: a validation of a token whose key is known takes no lock, so
 * one validation never waits for another (a ConcurrentHashMap's computeIfAbsent locks the bin of
 * any key that is not the bin's first node, held here by a computation of a third key).
 */
class JwtSvidValidatorKeysTest {
  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
  @TempDir Path dir;

  @Test
  void aValidationOfAKnownKeyNeverWaitsForAnotherKeysComputation() throws Exception {
    MovableClock clock = new MovableClock(NOW);
    String kek = Base64.getEncoder().encodeToString(new byte[32]);
    try (Database db = Stores.open(Stores.Kind.SQLITE, dir);
        KeyRing ring = new KeyRing(db, new AuditLog(db, clock), KeyEncryptionKey.resolve(null,
            kek, dir, s -> { }), clock, "imprint.local", KeyRing.DEFAULT_LIFETIME, false);
        WorkloadStates states = new WorkloadStates(db)) {
      ring.rotateIfDue();
      String kid = ring.active(KeyPurpose.JWT_ES256).kid();
      ConcurrentHashMap<String, AsymmetricKeyParameter> verifying = new ConcurrentHashMap<>();
      JwtSvidValidator validator = new JwtSvidValidator(ring, states, clock, "imprint.local",
          verifying);
      String token = token(kid);
      assertThat(validator.validate(token, "aud").reason()).isEqualTo("svid.signature_invalid");

      // the bin of kid: another key first, then kid; a third key's computation holds the bin
      AsymmetricKeyParameter made = verifying.remove(kid);
      String first = sameBin(kid, "first-");
      verifying.put(first, made);
      verifying.put(kid, made);
      CountDownLatch release = new CountDownLatch(1);
      Thread holder = new Thread(() -> verifying.computeIfAbsent(sameBin(kid, "third-"), x -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return made;
      }));
      holder.start();
      Eventually.await(() -> holder.getState() == Thread.State.WAITING);

      AtomicReference<Thread> validating = new AtomicReference<>();
      CompletableFuture<String> reason = CompletableFuture.supplyAsync(() -> {
        validating.set(Thread.currentThread());
        return validator.validate(token, "aud").reason();
      });
      try {
        Eventually.await(() -> reason.isDone() || blockedOnTheMap(validating.get()));
        assertThat(reason).as("validated without waiting for the third key").isDone();
        assertThat(reason.get()).isEqualTo("svid.signature_invalid");
      } finally {
        release.countDown();
        holder.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
  }

  /** A token for {@code kid} whose signature is wrong: validation still looks the key up. */
  private static String token(String kid) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = "{\"alg\":\"ES256\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}";
    long exp = NOW.plus(Duration.ofMinutes(5)).getEpochSecond();
    String claims = "{\"sub\":\"spiffe://imprint.local/api\",\"aud\":\"aud\",\"exp\":" + exp
        + "}";
    return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(new byte[64]);
  }

  /** A key in the same bin as {@code kid} of a map of 16 bins (ConcurrentHashMap's spread). */
  private static String sameBin(String kid, String prefix) {
    for (int i = 0; ; i++) {
      String k = prefix + i;
      if (bin(k) == bin(kid)) {
        return k;
      }
    }
  }

  private static int bin(String k) {
    int h = k.hashCode();
    return (h ^ (h >>> 16)) & 0x7fffffff & 15;
  }

  private static boolean blockedOnTheMap(Thread t) {
    if (t == null || t.getState() != Thread.State.BLOCKED) {
      return false;
    }
    ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(t.getId());
    return info != null && info.getLockName() != null
        && info.getLockName().contains("ConcurrentHashMap");
  }
}
