package dev.imprint.scan.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubernetesAnalyzerTest {
  private static final String POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
      + "  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: nginx:latest\n"
      + "      env:\n        - name: API_TOKEN\n"
      + "          value: \"q7Vx2LmZ9pRt4WkYs8NbHc3Jd6Fg\"\n";

  static List<Finding> scan(ScanSettings settings, SourceFile... files) {
    List<Finding> found = new ArrayList<>();
    Analyzer.Sink sink = new Analyzer.Sink() {
      @Override
      public void report(Finding f) {
        found.add(f);
      }

      @Override
      public void diagnose(Diagnostic d) {}
    };
    Analyzer.Session s = new KubernetesAnalyzer().start(settings);
    for (SourceFile f : files) {
      s.analyze(f, sink);
    }
    s.finish(sink);
    return found;
  }

  private static Finding only(List<Finding> all, String id) {
    List<Finding> f = all.stream().filter(x -> x.ruleId().equals(id)).toList();
    assertThat(f).hasSize(1);
    return f.get(0);
  }

  @Test
  void pointsAtTheImageLineAndNamesTheImage() {
    Finding f = only(scan(ScanSettings.defaults(), SourceFile.of("pod.yaml", POD)),
        "IMP-K8S-007");
    assertThat(f.location().line()).isEqualTo(9);
    assertThat(f.message()).contains("nginx:latest");
  }

  @Test
  void reportsAHardCodedTokenWithoutQuotingIt() {
    Finding f = only(scan(ScanSettings.defaults(), SourceFile.of("pod.yaml", POD)),
        "IMP-K8S-005");
    assertThat(f.location().line()).isEqualTo(12);
    assertThat(f.message()).contains("API_TOKEN").doesNotContain("q7Vx2LmZ9pRt4");
    assertThat(f.toString()).doesNotContain("q7Vx2LmZ9pRt4");
  }

  @Test
  void checksRegistriesOnlyWhenTrustedRegistriesAreConfigured() {
    SourceFile pod = SourceFile.of("pod.yaml", POD);
    assertThat(scan(ScanSettings.defaults(), pod))
        .noneMatch(f -> f.ruleId().equals("IMP-K8S-010"));
    assertThat(scan(ScanSettings.defaults().withTrustedRegistries(List.of("docker.io")), pod))
        .noneMatch(f -> f.ruleId().equals("IMP-K8S-010"));
    only(scan(ScanSettings.defaults().withTrustedRegistries(List.of("registry.example.com")),
        pod), "IMP-K8S-010");
  }

  @Test
  void containerSecurityContextOverridesThePodOne() {
    String text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n"
        + "  securityContext: {runAsUser: 0}\n  containers:\n    - name: c\n      image: a:1\n"
        + "      securityContext: {runAsUser: 10001}\n";
    assertThat(scan(ScanSettings.defaults(), SourceFile.of("pod.yaml", text)))
        .noneMatch(f -> f.ruleId().equals("IMP-K8S-014"));
  }
}
