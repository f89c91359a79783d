package dev.imprint.scan.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.imprint.scan.FuzzInput;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.GoTemplates;

/**
 * Fuzzes the Kubernetes reader and its object model: any input gives objects or a located
 * problem, and walking every object (pod template, containers, security contexts, address)
 * never throws.
 */
class KubernetesReaderFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void readNeverThrowsAndTheModelIsSafeToWalk(byte[] data) {
    check(KubernetesReader.read(SourceFile.of("fuzz.yaml", FuzzInput.text(data))));
  }

  /** The same for a Helm chart template, whose directives are neutralised before reading. */
  @FuzzTest(maxDuration = "2m")
  void readingAChartTemplateNeverThrows(byte[] data) {
    String text = FuzzInput.text(data);
    check(KubernetesReader.read(SourceFile.of("chart/templates/fuzz.yaml", text)));
    for (boolean mark : new boolean[] {true, false}) {
      assertThat(GoTemplates.neutralize(text, mark).split("\n", -1))
          .hasSameSizeAs(text.split("\n", -1));
    }
  }

  private static void check(KubernetesReader.Result result) {
    assertThat(result.objects()).isNotNull();
    if (result.problem() != null) {
      assertThat(result.problem().location().line()).isPositive();
      assertThat(result.problem().location().column()).isPositive();
      assertThat(result.problem().message()).isNotBlank();
    }
    for (KubernetesObject o : result.objects()) {
      assertThat(o.address()).isNotBlank();
      assertThat(o.effectiveNamespace()).isNotBlank();
      o.podLabels();
      o.isWorkload();
      for (KubernetesObject.Container c : o.containers()) {
        c.image();
        c.securityValue("privileged");
        c.securityValue("runAsUser");
      }
    }
  }
}
