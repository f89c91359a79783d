package dev.imprint.scan.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComposeAnalyzerTest {
  static final String STACK = """
      x-common: &common
        privileged: true
      services:
        web:
          <<: *common
          image: nginx:1.27
          ports:
            - "8080:80"
            - "127.0.0.1:9090:90"
          environment:
            - DB_PASSWORD=Vq3#nX8pLm2Rt7Kw
            - API_TOKEN=${API_TOKEN}
          volumes:
            - "/var/run/docker.sock:/var/run/docker.sock"
      """;

  final List<Finding> findings = new ArrayList<>();
  final List<Diagnostic> diagnostics = new ArrayList<>();

  void analyze(String path, String text) {
    new ComposeAnalyzer().start(ScanSettings.defaults()).analyze(SourceFile.of(path, text),
        new Analyzer.Sink() {
          @Override
          public void report(Finding finding) {
            findings.add(finding);
          }

          @Override
          public void diagnose(Diagnostic diagnostic) {
            diagnostics.add(diagnostic);
          }
        });
  }

  List<String> at(String id) {
    return findings.stream().filter(f -> f.ruleId().equals(id))
        .map(f -> f.location().line() + ":" + f.location().column()).toList();
  }

  @Test
  void reportsEachProblemAtItsOwnLine() {
    analyze("docker-compose.yml", STACK);
    assertThat(diagnostics).isEmpty();
    assertThat(at("IMP-COMPOSE-001")).containsExactly("2:3");
    assertThat(at("IMP-COMPOSE-006")).containsExactly("8:9");
    assertThat(at("IMP-COMPOSE-010")).containsExactly("11:9");
    assertThat(at("IMP-COMPOSE-002")).containsExactly("14:9");
    assertThat(at("IMP-COMPOSE-008")).containsExactly("6:12");
  }

  @Test
  void secretFindingCarriesEvidenceButNeverTheValue() {
    analyze("docker-compose.yml", STACK);
    Finding f = findings.stream().filter(x -> x.ruleId().equals("IMP-COMPOSE-010"))
        .findFirst().orElseThrow();
    // High like every literal password in configuration, random or not; critical is for
    // secrets baked into an image.
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.secret()).isNotNull();
    assertThat(f.message() + f.secret() + f.identityKey()).doesNotContain("Vq3#nX8pLm2Rt7Kw");
  }

  @Test
  void findingKeysDoNotDependOnLines() {
    analyze("docker-compose.yml", STACK);
    List<String> before = findings.stream().map(Finding::identityKey).sorted().toList();
    findings.clear();
    analyze("docker-compose.yml", "# moved\n\n" + STACK);
    assertThat(findings.stream().map(Finding::identityKey).sorted().toList())
        .isEqualTo(before);
  }

  @Test
  void capabilityNamesAreNormalised() {
    analyze("compose.yaml", "services:\n  a:\n    image: a:1\n    cap_add: [cap_sys_admin]\n");
    assertThat(at("IMP-COMPOSE-005")).containsExactly("4:15");
  }

  @Test
  void emptyComposeFileIsNeitherAFindingNorADiagnostic() {
    analyze("docker-compose.yml", "");
    analyze("docker-compose.yml", "# nothing yet\n");
    assertThat(findings).isEmpty();
    assertThat(diagnostics).isEmpty();
  }

  @Test
  void runtimeSocketBehindAVariableIsStillTheSocket() {
    analyze("compose.yaml", """
        services:
          proxy:
            image: registry.example.com/proxy:2.9.1
            volumes:
              - ${DOCKER_SOCK:-/var/run/docker.sock}:/var/run/docker.sock:ro
              - ${DATA_ROOT:-./data}/proxy:/data
          agent:
            image: registry.example.com/agent:1.4
            volumes:
              - ${RUNTIME_SOCKET}:/var/run/docker.sock
              - type: bind
                source: ${PODMAN_SOCK-/run/user/1000/podman/podman.sock}
                target: /run/podman.sock
          worker:
            image: registry.example.com/worker:3.0
            volumes:
              - ${WORK_DIR:-/srv/work}:/work:rw
              - ${CACHE:-cache}:/var/cache/app
        """);
    assertThat(at("IMP-COMPOSE-002")).containsExactly("5:9", "10:9", "12:17");
  }
}
