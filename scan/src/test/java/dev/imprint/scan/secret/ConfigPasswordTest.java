package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Passwords people choose, written into configuration whatever its format (YAML, JSON, TOML,
 * properties, .env), are reported high at their line and redacted; one threshold and one notion
 * of a trivial or default password hold for every file kind; the noise real configuration is
 * full of (placeholders, references, schema entries, hashes, translations, labels) is not.
 */
class ConfigPasswordTest {
  private static List<Finding> scan(String path, String text) {
    return Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of(path, text))).findings();
  }

  private static List<Finding> secrets(String path, String text) {
    return scan(path, text).stream().filter(f -> f.secret() != null).toList();
  }

  @Test
  void chosenPasswordsInEveryConfigurationFormatAreHighAtTheirLineAndRedacted() {
    String[][] cases = {
      {"chart/values.yaml", "mysql:\n  auth:\n    rootPassword: bluewhale\n", "3", "bluewhale"},
      {"src/main/resources/application.yml",
          "spring:\n  datasource:\n    password: \"hunter2x\"\n", "3", "hunter2x"},
      {"config/service.json", "{\n  \"db\": {\n    \"password\": \"Trombone\"\n  }\n}\n", "3",
          "Trombone"},
      {"config.toml", "[db]\nhost = \"db\"\npassword = \"letmein42\"\n", "3", "letmein42"},
      {"src/main/resources/application.properties",
          "spring.datasource.url=jdbc:h2:mem:x\nspring.datasource.password=Sup3rS3cret\n", "2",
          "Sup3rS3cret"},
      {"deploy/.env", "COMPOSE_PROJECT_NAME=shop\nDB_PASSWORD=letmein42\n", "2", "letmein42"},
    };
    for (String[] c : cases) {
      assertThat(secrets(c[0], c[1])).as("%s", c[0]).singleElement().satisfies(f -> {
        assertThat(f.ruleId()).isEqualTo("IMP-SECRET-034");
        assertThat(f.severity()).isEqualTo(Severity.HIGH);
        assertThat(f.location().line()).isEqualTo(Integer.parseInt(c[2]));
        assertThat(f.secret().redacted()).doesNotContain(c[3].substring(0, 2));
        assertThat(f.message() + f.secret() + f.identityKey()).doesNotContain(c[3]);
      });
    }
  }

  @Test
  void namesThatHoldOnlyAPasswordAreReadWhateverTheirShape() {
    for (String name : List.of("dbpass", "rootpwd", "db_passwd", "adminPassword", "rootPassword",
        "mysqlpassword", "DB_ROOT_PASSWORD", "redis-pass")) {
      assertThat(secrets("values.yaml", "db:\n  " + name + ": bluewhale\n")).as(name)
          .singleElement().satisfies(f -> assertThat(f.ruleId()).isEqualTo("IMP-SECRET-034"));
    }
    for (String name : List.of("bypass", "compass", "surpass", "password_min_length",
        "passwordPolicy", "password_file")) {
      assertThat(secrets("values.yaml", "ui:\n  " + name + ": bluewhale\n")).as(name).isEmpty();
    }
    assertThat(secrets("values.yaml", "ui:\n  show_password: false\n")).isEmpty();
  }

  @Test
  void aDefaultPasswordIsReportedAlikeInEveryFileKindAndRatedByWhereItIs() {
    assertThat(secrets("docker-compose.yml", "services:\n  db:\n    image: mysql:8\n"
        + "    environment:\n      MYSQL_ROOT_PASSWORD: root\n")).singleElement()
        .satisfies(f -> {
          assertThat(f.ruleId()).isEqualTo("IMP-COMPOSE-010");
          assertThat(f.severity()).isEqualTo(Severity.HIGH);
        });
    assertThat(secrets(".env", "MYSQL_ROOT_PASSWORD=root\n")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    assertThat(secrets("values.yaml", "auth:\n  rootPassword: toor\n")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    // Baked into an image: critical, for ENV and for a RUN command line alike.
    assertThat(secrets("Dockerfile", "FROM mysql:8\nENV DB_PASS=root\n")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
    assertThat(secrets("Dockerfile", "FROM mysql:8\nRUN mysql -proot -e 'select 1'\n"))
        .singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
  }

  @Test
  void belowTheOneThresholdNothingIsAPasswordInAnyFileKind() {
    assertThat(Secrets.MIN_PASSWORD).isEqualTo(4);
    assertThat(secrets("docker-compose.yml", "services:\n  db:\n    image: mysql:8\n"
        + "    environment:\n      MYSQL_ROOT_PASSWORD: abc\n")).isEmpty();
    assertThat(secrets(".env", "MYSQL_ROOT_PASSWORD=abc\n")).isEmpty();
    assertThat(secrets("values.yaml", "auth:\n  rootPassword: abc\n")).isEmpty();
    assertThat(secrets("Dockerfile", "FROM mysql:8\nRUN mysql -pabc -e 'select 1'\n"))
        .isEmpty();
    assertThat(secrets("Dockerfile", "FROM mysql:8\nENV DB_PASS=abc\n")).isEmpty();
  }

  @Test
  void placeholdersReferencesAndTemplatesAreNotPasswords() {
    for (String value : List.of("changeme", "\"<password>\"", "${DB_PASSWORD}",
        "\"{{ .Values.auth.password }}\"", "\"%(db_password)s\"", "xxx", "xxxxxxxx", "\"***\"",
        "\"********\"", "your-password-here", "\"\"", "vault:secret/data/db#password",
        "/run/secrets/db_password", "DB_PASSWORD", "spring.datasource.password", "true",
        "hidden", "bcrypt")) {
      assertThat(scan("values.yaml", "db:\n  password: " + value + "\n")).as(value).isEmpty();
    }
  }

  @Test
  void secretStoreReferencesAndFileVariablesAreNotPasswords() {
    String yaml = """
        env:
          - name: DB_PASSWORD
            valueFrom:
              secretKeyRef:
                name: db
                key: password
        auth:
          existingSecret: db-credentials
          passwordFile: /run/secrets/db
          ldapPassword: !vault |
            $ANSIBLE_VAULT;1.1;AES256
          copyPassword: *default_password
        """;
    assertThat(secrets("values.yaml", yaml)).isEmpty();
    assertThat(secrets(".env", "POSTGRES_PASSWORD_FILE=/run/secrets/pg\n")).isEmpty();
  }

  @Test
  void passwordHashesAreWhatAServerChecksAPasswordWithNotThePassword() {
    for (String hash : List.of(
        "\"$2y$10$Hq3fA0bN5mZ7pL9xC2vE4uT6wK8sR1dG3jY5hB7nM9qP0aS2fD4gK\"",
        "\"{SSHA}Zm9vYmFyYmF6cXV4cXV1eA==\"",
        "\"$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG\"",
        "\"$6$rounds=5000$saltsalt$Kq0wZ3vXb1y2c3d4e5f6g7h8i9j0kLmNoPqRsTuVwXyZ\"")) {
      assertThat(scan("users.yaml", "admin:\n  password: " + hash + "\n")).as(hash).isEmpty();
    }
  }

  @Test
  void schemaEntriesBooleansAndLengthsAreNotPasswords() {
    String openapi = """
        components:
          schemas:
            Login:
              properties:
                password:
                  type: string
                  format: password
                  minLength: 8
                new_password: {type: string, format: password}
        """;
    assertThat(scan("openapi.yaml", openapi)).isEmpty();
    assertThat(scan("schema.json", "{\"properties\": {\"password\": {\"type\": \"string\"}},"
        + " \"password_min_length\": 8, \"password\": true}\n")).isEmpty();
    assertThat(scan("config.toml", "password_min_length = 8\npassword = true\n")).isEmpty();
  }

  @Test
  void translationsAndLabelsOfTheWordPasswordAreNotPasswords() {
    assertThat(scan("config/locales/de.yml", "de:\n  password: Geheim123\n")).isEmpty();
    assertThat(scan("web/fr.json", "{\"password\": \"Secret42\"}\n")).isEmpty();
    assertThat(scan("app/messages_de.properties", "login.password=Kennwort1\n")).isEmpty();
    assertThat(scan("web/messages.json", "{\"password\": \"Passwort\", \"new_password\":"
        + " \"Mot de passe\", \"reset_password\": \"Reset\", \"password_label\":"
        + " \"Enter your password\"}\n")).isEmpty();
  }

  @Test
  void configurationInDocsTestsAndPipelinesHoldsExamples() {
    String values = "auth:\n  rootPassword: bluewhale\n";
    assertThat(secrets("docs/examples/values.yaml", values)).isEmpty();
    assertThat(secrets("src/test/resources/values.yaml", values)).isEmpty();
    assertThat(secrets(".github/workflows/ci.yml", "jobs:\n  t:\n    services:\n      pg:\n"
        + "        env:\n          POSTGRES_PASSWORD: postgres\n")).isEmpty();
    assertThat(secrets("deploy/values.yaml", values)).hasSize(1);
  }

  @Test
  void literalPasswordJudgementIsOneFunction() {
    for (String v : List.of("root", "toor", "bluewhale", "BlueWhale", "Trombone", "123456",
        "ComplexPassword123", "Sup3r$ecret", "abcd efgh ijkl mnop")) {
      assertThat(Secrets.isLiteralPassword(v)).as(v).isTrue();
    }
    for (String v : List.of("abc", "changeme", "password1", "Passwort", "Mot de passe",
        "DB_PASSWORD", "db.password", "prompt", "reset", "admin@example.org",
        "$2b$12$Hq3fA0bN5mZ7pL9xC2vE4uT6wK8sR1dG3jY5hB7nM9qP0aS2fD4", "/etc/secret")) {
      assertThat(Secrets.isLiteralPassword(v)).as(v).isFalse();
    }
  }
}
