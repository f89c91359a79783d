package dev.imprint.scan.inventory;

import static dev.imprint.scan.inventory.Fixtures.named;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InventoryReadingTest {

  @Test
  void malformedFilesAreSkippedWithoutHidingTheReadableOnes() {
    Inventory inv = Fixtures.of("malformed");
    assertThat(named(inv, Inventory.KIND_AWS_USER, "fine").location())
        .isEqualTo(Fixtures.place("malformed/infra/ok.tf", 1));
    assertThat(inv.ofKind(Inventory.KIND_AWS_USER)).hasSize(1);
    assertThat(inv.ofKind(Inventory.KIND_K8S_SA)).isEmpty();
  }

  @Test
  void gitlabPipelineHoldingStaticKeysAndIdTokensIsBoth() {
    Inventory inv = Fixtures.of("gitlab");
    Identity p = inv.ofKind(Inventory.KIND_GITLAB).get(0);
    assertThat(p.credential()).isEqualTo("static+federated");
    assertThat(p.flags()).contains("static-cloud-key");
    assertThat(p.usedBy()).hasSize(2);
  }

  @Test
  void workflowWithOnlyOidcIsFederatedAndHoldsNoStaticKey() {
    Inventory inv = Fixtures.of("oidc");
    Identity deploy = inv.find("github:" + Fixtures.path("oidc/.github/workflows/deploy.yml"));
    assertThat(deploy.credential()).isEqualTo("federated");
    assertThat(deploy.flags()).doesNotContain("static-cloud-key");
    assertThat(deploy.details()).anySatisfy(d -> assertThat(d).contains("role/gh-deploy"));
  }

  @Test
  void hostileInputIsBounded() {
    String deep = "a = " + "[".repeat(5000) + "\n";
    String wide = "x: " + "{a: ".repeat(3000) + "\n";
    String longLine = "AWS_SECRET_ACCESS_KEY=" + "A".repeat(300_000) + "\n";
    Inventory inv = InventoryBuilder.buildSources(List.of(SourceFile.of("deep.tf", deep),
        SourceFile.of("k8s.yaml", wide), SourceFile.of(".github/workflows/x.yml", wide),
        SourceFile.of("notes.txt", longLine)), null);
    assertThat(inv.identities()).isEmpty();
  }

  @Test
  void workflowRepositoryIsTheGitRemoteOfTheCheckoutWhoseRootHoldsIt(@TempDir Path tmp)
      throws Exception {
    Path git = Files.createDirectories(tmp.resolve("checkout/.git"));
    Files.writeString(git.resolve("config"), """
        [core]
        \tbare = false
        [remote "origin"]
        \turl = git@github.com:acme/app.git
        \tfetch = +refs/heads/*:refs/remotes/origin/*
        """);
    Path workflows = Files.createDirectories(tmp.resolve("checkout/.github/workflows"));
    assertThat(GitRemote.ofWorkflow(workflows.resolve("ci.yml"))).contains("acme/app");
    Path nested = Files.createDirectories(tmp.resolve("checkout/examples/.github/workflows"));
    assertThat(GitRemote.ofWorkflow(nested.resolve("ci.yml"))).isEmpty();
    assertThat(GitRemote.ofWorkflow(tmp.resolve("checkout/ci.yml"))).isEmpty();
    assertThat(GitRemote.fromConfig("url = https://github.com/acme/app\n")).contains("acme/app");
    assertThat(GitRemote.fromConfig("url = https://gitlab.com/acme/app.git\n")).isEmpty();
  }

  @Test
  void worktreeRemoteIsReadFromTheCommonGitDirectory(@TempDir Path tmp) throws Exception {
    Path main = Files.createDirectories(tmp.resolve("main/.git/worktrees/feature"));
    Files.writeString(tmp.resolve("main/.git/config"),
        "[remote \"origin\"]\n\turl = https://github.com/acme/app.git\n");
    Files.writeString(main.resolve("commondir"), "../..\n");
    Path wt = Files.createDirectories(tmp.resolve("wt"));
    Files.writeString(wt.resolve(".git"), "gitdir: " + main + "\n");
    assertThat(GitRemote.atRoot(wt)).contains("acme/app");
  }

  @Test
  void gitRemoteDecidesWhetherAForeignSubLinks(@TempDir Path tmp) throws Exception {
    Path repo = tmp.resolve("repo");
    copy(Fixtures.ROOT.resolve("oidc"), repo);
    Files.createDirectories(repo.resolve(".git"));
    Files.writeString(repo.resolve(".git/config"),
        "[remote \"origin\"]\n\turl = https://github.com/acme/app.git\n");
    Inventory inv = InventoryBuilder.build(List.of(repo), ScanSettings.defaults());
    Identity other = named(inv, Inventory.KIND_AWS_ROLE, "gh-other");
    assertThat(inv.linksOf(other.id())).isEmpty();
    assertThat(inv.linksOf(named(inv, Inventory.KIND_AWS_ROLE, "gh-deploy").id())).hasSize(1);
  }

  private static void copy(Path from, Path to) throws Exception {
    try (var files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
