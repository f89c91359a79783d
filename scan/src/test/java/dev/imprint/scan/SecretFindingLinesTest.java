package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secrets found in text point at the line that holds them, not at the key or block that
 * encloses them: a line inside a multi-line YAML value, a script line of a workflow step, a
 * value in tab-indented JSON.
 */
class SecretFindingLinesTest {
  private static final String TOKEN = "ghp_R2d9Kq7Xw3Lm8Vn4Pb6Tz1Yc5Hs0Jf2Ga9Qe";

  private static List<Integer> secretLines(String path, String text) {
    List<Finding> found = Scanner.create(ScanSettings.defaults())
        .scanSources(List.of(SourceFile.of(path, text))).findings().stream()
        .filter(f -> f.secret() != null).toList();
    assertThat(found).as("secret findings in %s", path).isNotEmpty();
    return found.stream().map(f -> f.location().line()).distinct().toList();
  }

  @Test
  void aSecretInsideAMultiLineConfigMapValueIsReportedAtItsOwnLine() {
    assertThat(secretLines("cm.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app
          namespace: shop
        data:
          app.properties: |
            server.port=8080
            github.token=%s
            log.level=info
        """.formatted(TOKEN))).containsExactly(9);
  }

  @Test
  void aSecretInARunBlockIsReportedAtItsScriptLine() {
    assertThat(secretLines(".github/workflows/ci.yml", """
        on: push
        permissions: {contents: read}
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  echo "building"
                  git clone https://x-access-token:%s@github.com/acme/lib.git
        """.formatted(TOKEN))).containsExactly(9);
  }

  @Test
  void aSecretInTabIndentedJsonIsReportedAtItsLine() {
    assertThat(secretLines("settings.json", "{\n\t\"name\": \"app\",\n\t\"config\": {\n"
        + "\t\t\"token\": \"" + TOKEN + "\"\n\t}\n}\n")).containsExactly(4);
  }
}
