package dev.imprint.server.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The hook where credential revocation plugs in runs inside the retirement's transaction. */
class RetirementHookTest {
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void aFailingHookRollsBackTheRetirementAndASucceedingOneSeesEveryRetirement(Stores.Kind kind) {
    try (Database db = Stores.open(kind, dir)) {
      AuditLog audit = new AuditLog(db, Clock.systemUTC());
      IdentityService identities = new IdentityService(db, audit, Clock.systemUTC(),
          "imprint.local");
      ImageService images = new ImageService(db, audit, Clock.systemUTC(), identities,
          ImagePolicy.defaults());
      identities.create(new IdentityService.NewIdentity("spiffe://imprint.local/a", "workload",
          "team", "prod", null, Map.of()), "test");
      String d = Estate.digest("hooked");
      images.register(new ImageService.Registration("registry.example/a", "1", d,
          "spiffe://imprint.local/a", new Image.Provenance("github.com/a", "abc1234", null, null),
          null, null), new Caller("0123456789abcdef", Role.PIPELINE,
              IdentityService.idOf("spiffe://imprint.local/a"), "spiffe://imprint.local/a"));
      images.approve(d, "ok", false, "test");
      images.deploy(d, null, "test");

      boolean[] fail = {true};
      List<String> revoked = new ArrayList<>();
      images.onRetire((tx, image, actor, reason) -> {
        if (fail[0]) {
          throw new SQLException("revocation store unavailable");
        }
        revoked.add(image.digest() + " " + image.status().wire() + " " + reason);
      });
      assertThatThrownBy(() -> images.retire(d, "CVE-2026-1234", "test"))
          .hasMessageContaining("revocation store unavailable");
      assertThat(images.get(d).status()).isEqualTo(Image.Status.DEPLOYED);
      assertThat(AuditActions.actions(db, "image.")).doesNotContain("image.retired");

      fail[0] = false;
      images.retire(d, "CVE-2026-1234", "test");
      assertThat(images.get(d).status()).isEqualTo(Image.Status.RETIRED);
      assertThat(revoked).containsExactly(d + " retired CVE-2026-1234");
      assertThat(AuditActions.actions(db, "image.")).endsWith("image.retired");
    }
  }
}
