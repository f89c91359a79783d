package dev.imprint.scan.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImprintConfigTest {

  @Test
  void fullConfigBecomesSettingsAndFailOn() throws Exception {
    ImprintConfig c = ImprintConfig.parse(".imprint.yaml", """
        exclude: ["vendor/**", "**/*.test.yaml"]
        rules:
          disable: [IMP-SECRET-002]
          severity:
            IMP-SECRET-001: medium
        trusted-registries: [registry.example.com]
        fail-on: critical
        max-file-size: 2MiB
        inline-ignores: false
        """);
    assertThat(c.failOn()).isEqualTo(Severity.CRITICAL);
    ScanSettings s = c.applyTo(ScanSettings.defaults().withExcludes(List.of("cli/**")));
    assertThat(s.excludes()).containsExactly("cli/**", "vendor/**", "**/*.test.yaml");
    assertThat(s.disabledRules()).containsExactly("IMP-SECRET-002");
    assertThat(s.severityOverrides()).containsEntry("IMP-SECRET-001", Severity.MEDIUM);
    assertThat(s.trustedRegistries()).containsExactly("registry.example.com");
    assertThat(s.maxFileBytes()).isEqualTo(2L * 1024 * 1024);
    assertThat(s.inlineIgnores()).isFalse();
  }

  @Test
  void emptyFileChangesNothing() throws Exception {
    ImprintConfig c = ImprintConfig.parse("x", "# nothing\n");
    assertThat(c.applyTo(ScanSettings.defaults())).isEqualTo(ScanSettings.defaults());
    assertThat(c.failOn()).isNull();
  }

  @Test
  void sizesAcceptBytesKibAndMib() throws Exception {
    assertThat(ImprintConfig.parse("x", "max-file-size: 100B").maxFileBytes()).isEqualTo(100);
    assertThat(ImprintConfig.parse("x", "max-file-size: 512KiB").maxFileBytes())
        .isEqualTo(512 * 1024);
    assertThat(ImprintConfig.parse("x", "max-file-size: 1000").maxFileBytes()).isEqualTo(1000);
  }

  @Test
  void unknownTopLevelKeyNamesFileLineAndKey() {
    assertThatThrownBy(() -> ImprintConfig.parse("repo/.imprint.yaml",
        "fail-on: high\nexcludes: [a]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("repo/.imprint.yaml:2: excludes: unknown key")
        .hasMessageContaining("exclude, fail-on");
  }

  @Test
  void unknownRuleIdIsAnError() {
    assertThatThrownBy(() -> ImprintConfig.parse("c.yaml",
        "rules:\n  disable:\n    - IMP-NOPE-999\n"))
        .hasMessageStartingWith("c.yaml:3: rules.disable: unknown rule id 'IMP-NOPE-999'");
    assertThatThrownBy(() -> ImprintConfig.parse("c.yaml",
        "rules:\n  severity:\n    IMP-NOPE-999: low\n"))
        .hasMessageStartingWith("c.yaml:3: rules.severity.IMP-NOPE-999: unknown rule id");
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> ImprintConfig.parse("c", "fail-on: severe\n"))
        .hasMessageStartingWith("c:1: fail-on: unknown severity 'severe'");
    assertThatThrownBy(() -> ImprintConfig.parse("c", "\nmax-file-size: 4MB\n"))
        .hasMessageStartingWith("c:2: max-file-size: expected a size");
    assertThatThrownBy(() -> ImprintConfig.parse("c", "inline-ignores: maybe\n"))
        .hasMessageStartingWith("c:1: inline-ignores: expected true or false");
    assertThatThrownBy(() -> ImprintConfig.parse("c", "exclude: vendor/**\n"))
        .hasMessageStartingWith("c:1: exclude: expected a list of strings");
    assertThatThrownBy(() -> ImprintConfig.parse("c", "rules:\n  ignore: []\n"))
        .hasMessageStartingWith("c:2: rules.ignore: unknown key");
    assertThatThrownBy(() -> ImprintConfig.parse("c", "max-file-size: 0KiB\n"))
        .hasMessageContaining("max-file-size");
  }

  @Test
  void invalidYamlNamesLineAndColumn() {
    assertThatThrownBy(() -> ImprintConfig.parse("c", "exclude: [a\nfail-on: high\n"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("c:")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void topLevelMustBeAMapping() {
    assertThatThrownBy(() -> ImprintConfig.parse("c", "- a\n- b\n"))
        .hasMessageContaining("expected a mapping of settings");
  }

  @Test
  void locateLooksInTheFirstDirectoryTargetThenTheWorkingDirectory(@TempDir Path tmp)
      throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Path cwd = Files.createDirectories(tmp.resolve("cwd"));
    assertThat(ImprintConfig.locate(List.of(repo), cwd)).isEmpty();
    Files.writeString(cwd.resolve(".imprint.yaml"), "fail-on: low\n");
    assertThat(ImprintConfig.locate(List.of(repo), cwd)).isEmpty();
    Path file = Files.writeString(repo.resolve("Dockerfile"), "FROM x\n");
    assertThat(ImprintConfig.locate(List.of(file), cwd)).contains(cwd.resolve(".imprint.yaml"));
    Files.writeString(repo.resolve(".imprint.yaml"), "fail-on: high\n");
    assertThat(ImprintConfig.locate(List.of(repo), cwd)).contains(repo.resolve(".imprint.yaml"));
    assertThat(ImprintConfig.load(repo.resolve(".imprint.yaml")).failOn())
        .isEqualTo(Severity.HIGH);
  }
}
