package dev.imprint.scan.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-object rules combine only objects that are applied together: a folder (kubectl apply
 * -f DIR), a kustomization, a Helm chart; a namespace named explicitly is shared within a scan
 * target; separate scan targets never combine.
 */
class CrossScopeTest {
  private static final String DENY = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata:
        name: default-deny
      %s
      spec:
        podSelector: {}
        policyTypes: [Ingress, Egress]
      """;
  private static final String DEPLOY = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: %s
      %s
      spec:
        template:
          metadata:
            labels: {app: %s}
          spec:
            serviceAccountName: %s
            containers:
              - name: app
                image: registry.example.com/app:1.0
      """;

  private static String deny(String ns) {
    return DENY.formatted(ns == null ? "" : "  namespace: " + ns);
  }

  private static String deploy(String name, String ns, String sa) {
    return DEPLOY.formatted(name, ns == null ? "" : "  namespace: " + ns, name, sa);
  }

  private static void write(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  private static List<Finding> scan(Path... targets) {
    return Scanner.create(ScanSettings.defaults().withThreads(1)).scan(List.of(targets))
        .findings();
  }

  private static List<String> uncovered(List<Finding> all) {
    return all.stream().filter(f -> f.ruleId().equals("IMP-K8S-042"))
        .map(f -> f.location().path()).sorted().toList();
  }

  @Test
  void aNamespacelessPolicyInOneFolderDoesNotCoverAnotherFolder(@TempDir Path dir)
      throws IOException {
    write(dir.resolve("guestbook/netpol.yaml"), deny(null));
    write(dir.resolve("guestbook/web.yaml"), deploy("web", null, "web"));
    write(dir.resolve("wordpress/wp.yaml"), deploy("wp", null, "wp"));
    assertThat(uncovered(scan(dir))).singleElement().asString().endsWith("wordpress/wp.yaml");
  }

  @Test
  void anExplicitNamespaceIsSharedAcrossFoldersOfOneTarget(@TempDir Path dir)
      throws IOException {
    write(dir.resolve("policies/deny.yaml"), deny("shop"));
    write(dir.resolve("apps/web.yaml"), deploy("web", "shop", "web"));
    assertThat(uncovered(scan(dir))).isEmpty();
  }

  @Test
  void separateScanTargetsNeverCombine(@TempDir Path dir) throws IOException {
    Path a = dir.resolve("repo-a");
    Path b = dir.resolve("repo-b");
    write(a.resolve("deny.yaml"), deny("shop"));
    write(a.resolve("web.yaml"), deploy("web", "shop", "shared"));
    write(b.resolve("api.yaml"), deploy("api", "shop", "shared"));
    List<Finding> together = scan(a, b);
    assertThat(uncovered(together)).singleElement().asString().endsWith("repo-b/api.yaml");
    assertThat(together).noneMatch(f -> f.ruleId().equals("IMP-K8S-040"));
    // Each repository's findings are the same alone as together.
    assertThat(keys(together)).containsExactlyInAnyOrderElementsOf(
        concat(keys(scan(a)), keys(scan(b))));
  }

  @Test
  void aKustomizationAppliesItsBaseWithTheOverlaysNamespaceAndPolicies(@TempDir Path dir)
      throws IOException {
    write(dir.resolve("base/kustomization.yaml"), "resources:\n- web.yaml\n");
    write(dir.resolve("base/web.yaml"), deploy("web", null, "web"));
    write(dir.resolve("overlays/prod/kustomization.yaml"),
        "namespace: prod\nresources:\n- ../../base\n- deny.yaml\n");
    write(dir.resolve("overlays/prod/deny.yaml"), deny(null));
    write(dir.resolve("overlays/dev/kustomization.yaml"),
        "namespace: dev\nresources:\n- ../../base\n");
    List<Finding> all = scan(dir);
    // Covered in prod, not in dev: reported once, for the dev rendering.
    assertThat(all).filteredOn(f -> f.ruleId().equals("IMP-K8S-042")).singleElement()
        .satisfies(f -> {
          assertThat(f.location().path()).endsWith("base/web.yaml");
          assertThat(f.message()).contains("Deployment/dev/web");
        });
  }

  @Test
  void aHelmChartAndItsSubchartsRenderTogether(@TempDir Path dir) throws IOException {
    write(dir.resolve("chart/Chart.yaml"), "apiVersion: v2\nname: web\nversion: 1.0.0\n");
    write(dir.resolve("chart/templates/deny.yaml"), deny("{{ .Release.Namespace }}"));
    write(dir.resolve("chart/templates/web.yaml"), deploy("web", null, "web"));
    write(dir.resolve("chart/charts/db/Chart.yaml"), "apiVersion: v2\nname: db\n");
    write(dir.resolve("chart/charts/db/templates/db.yaml"), deploy("db", null, "db"));
    write(dir.resolve("other/Chart.yaml"), "apiVersion: v2\nname: other\n");
    write(dir.resolve("other/templates/api.yaml"), deploy("api", null, "api"));
    assertThat(uncovered(scan(dir))).singleElement().asString()
        .endsWith("other/templates/api.yaml");
  }

  @Test
  void aServiceAccountIsSharedOnlyByWorkloadsThatMeet(@TempDir Path dir) throws IOException {
    write(dir.resolve("one/a.yaml"), deploy("a", null, "runner"));
    write(dir.resolve("two/b.yaml"), deploy("b", null, "runner"));
    assertThat(scan(dir)).noneMatch(f -> f.ruleId().equals("IMP-K8S-040"));
    write(dir.resolve("one/c.yaml"), deploy("c", null, "runner"));
    assertThat(scan(dir)).filteredOn(f -> f.ruleId().equals("IMP-K8S-040")).hasSize(2);
  }

  @Test
  void aKustomizePatchIsPartOfItsBaseNotAManifestOfItsOwn(@TempDir Path dir) throws IOException {
    write(dir.resolve("base/kustomization.yaml"), "resources:\n- web.yaml\n");
    write(dir.resolve("base/web.yaml"), deploy("web", null, "web"));
    write(dir.resolve("overlays/prod/kustomization.yaml"), "resources:\n- ../../base\n"
        + "patches:\n- path: replicas.yaml\npatchesStrategicMerge:\n- resources.yaml\n");
    String patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
        + "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n"
        + "          resources: {limits: {cpu: 500m}}\n";
    write(dir.resolve("overlays/prod/replicas.yaml"), patch);
    write(dir.resolve("overlays/prod/resources.yaml"), patch);
    List<Finding> all = scan(dir);
    assertThat(all).extracting(f -> f.location().path()).isNotEmpty()
        .noneMatch(p -> p.contains("overlays/prod/"));
  }

  private static List<String> keys(List<Finding> all) {
    return all.stream().map(f -> f.ruleId() + " " + f.location() + " " + f.message()).toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
