package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every rule that reports a secret value shares one placeholder judgement: the same
 * placeholders written where each rule family reads secrets (Kubernetes env and ConfigMaps,
 * compose, Dockerfile ENV and ARG, GitHub Actions, GitLab CI, Jenkinsfiles, Terraform, Packer,
 * .env and properties files) yield no finding with secret evidence at all, at any severity,
 * while one real value in the same place is still reported by each.
 */
class PlaceholderAcrossRulesTest {
  static final List<String> PLACEHOLDERS = List.of("changeme", "changeme123", "yourpassword",
      "INSERT_YOUR_TOKEN_HERE", "<password>", "XXXXXXXXXXXXXXXX", "${DB_PASSWORD}",
      "$(cat /run/secrets/db)", "{{ .Values.db.password }}", "replace_me_please", "changeit",
      "your-token-goes-here", "xxxx-xxxx-xxxx-xxxx",
      "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/db/)",
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC12d",
      "vault:secret/data/db#password", "db.internal.example.com:5432");
  static final String REAL = "Qm7x!Rv2Lp9Zk4Tw";

  /** File name and content of one rule family with {@code v} as a secret's literal value. */
  static final Map<String, Function<String, SourceFile>> FAMILIES = Map.ofEntries(
      Map.entry("kubernetes env", v -> SourceFile.of("k8s/deploy.yaml",
          "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
              + "    spec:\n      containers:\n      - name: web\n        image: web:1\n"
              + "        env:\n        - name: DB_PASSWORD\n          value: " + yaml(v) + "\n")),
      Map.entry("configmap", v -> SourceFile.of("k8s/cm.yaml", "apiVersion: v1\n"
          + "kind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  db_password: " + yaml(v) + "\n")),
      Map.entry("compose", v -> SourceFile.of("docker-compose.yml", "services:\n  db:\n"
          + "    image: postgres:16\n    environment:\n      DB_PASSWORD: " + yaml(v) + "\n")),
      Map.entry("dockerfile env", v -> SourceFile.of("Dockerfile",
          "FROM alpine:3.19\nENV DB_PASSWORD=\"" + v + "\"\n")),
      Map.entry("dockerfile arg", v -> SourceFile.of("Dockerfile",
          "FROM alpine:3.19\nARG API_TOKEN=\"" + v + "\"\n")),
      Map.entry("github actions", v -> SourceFile.of(".github/workflows/ci.yml",
          "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    env:\n      API_TOKEN: "
              + yaml(v) + "\n    steps:\n      - run: make\n")),
      Map.entry("gitlab ci", v -> SourceFile.of(".gitlab-ci.yml", "variables:\n  API_TOKEN: "
          + yaml(v) + "\nbuild:\n  script: [make]\n")),
      Map.entry("jenkinsfile", v -> SourceFile.of("Jenkinsfile", "pipeline {\n  agent any\n"
          + "  environment {\n    API_TOKEN = '" + v + "'\n  }\n"
          + "  stages { stage('b') { steps { sh 'make' } } }\n}\n")),
      Map.entry("terraform", v -> SourceFile.of("main.tf",
          "resource \"aws_db_instance\" \"db\" {\n  password = \"" + v.replace("${", "$${")
              + "\"\n}\n")),
      Map.entry("packer", v -> SourceFile.of("build.pkr.hcl", "variable \"db_password\" {\n"
          + "  type = string\n  default = \"" + v.replace("${", "$${") + "\"\n"
          + "  sensitive = true\n}\n")),
      Map.entry("env file", v -> SourceFile.of("config/app.env", "DB_PASSWORD=" + v + "\n")),
      Map.entry("properties", v -> SourceFile.of("application.properties",
          "spring.datasource.password=" + v + "\n")));

  static String yaml(String v) {
    return "'" + v.replace("'", "''") + "'";
  }

  static List<Finding> secrets(SourceFile file) {
    return Scanner.create(ScanSettings.defaults().withThreads(1)).scanSources(List.of(file))
        .findings().stream().filter(f -> f.secret() != null).toList();
  }

  @Test
  void noRuleReportsAPlaceholderAsASecret() {
    List<String> reported = new ArrayList<>();
    int cases = 0;
    for (Map.Entry<String, Function<String, SourceFile>> family : FAMILIES.entrySet()) {
      for (String placeholder : PLACEHOLDERS) {
        cases++;
        for (Finding f : secrets(family.getValue().apply(placeholder))) {
          reported.add(family.getKey() + " <- '" + placeholder + "': " + f.ruleId() + " "
              + f.severity() + " " + f.message());
        }
      }
    }
    assertThat(cases).isEqualTo(FAMILIES.size() * PLACEHOLDERS.size()).isGreaterThan(100);
    assertThat(reported).isEmpty();
  }

  @Test
  void everyFamilyStillReportsARealValue() {
    for (Map.Entry<String, Function<String, SourceFile>> family : FAMILIES.entrySet()) {
      assertThat(secrets(family.getValue().apply(REAL))).as(family.getKey()).isNotEmpty();
    }
  }

  @Test
  void slackWebhookPlaceholdersAreNotReportedByAnyRule() {
    String url = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
    for (Map.Entry<String, Function<String, SourceFile>> family : FAMILIES.entrySet()) {
      assertThat(secrets(family.getValue().apply(url))).as(family.getKey()).isEmpty();
    }
  }
}
