package dev.imprint.scan.secret;

import static dev.imprint.scan.secret.SecretRecallTest.b64;
import static dev.imprint.scan.secret.SecretRecallTest.of;
import static dev.imprint.scan.secret.SecretRecallTest.scan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.config.Baseline;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Keycloak realm wherever it is carried: base64 in a Secret's {@code data}, written as YAML
 * (keycloak-config-cli, a {@code KeycloakRealmImport}, chart values), as one line of JSON in a
 * YAML or env value; the same secret reported by two detectors keeps both identities; a Helm
 * partial that only defines templates is not read as the file its name says.
 */
class EmbeddedRealmTest {
  /** A realm export with a client secret, a user's password and a masked client secret. */
  private static final String REALM = "{\n  \"realm\": \"docks\",\n  \"clients\": [\n"
      + "    {\"clientId\": \"cranes\", \"secret\": \"Qm7vR2xK9pL4wT8zN3bY6hJ5\"},\n"
      + "    {\"clientId\": \"tugs\", \"secret\": \"**********\"}\n  ],\n  \"users\": [\n"
      + "    {\"username\": \"pilot\", \"credentials\": [\n"
      + "      {\"type\": \"password\", \"value\": \"bollard-Ropes-44\"}]}\n  ]\n}\n";

  private static List<Finding> secrets(String path, String text) {
    return scan(path, text).stream().filter(f -> f.secret() != null).toList();
  }

  @Test
  void aRealmBase64EncodedInASecretsDataIsReadAtTheSecretsLine() {
    String secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: docks-realm\n"
        + "type: Opaque\ndata:\n  realm.json: " + b64(REALM) + "\n  realm: " + b64(REALM)
        + "\n";
    List<Finding> found = secrets("k8s/realm-secret.yaml", secret);
    // Both secrets of each value, at the value's line, under the Secret rule.
    assertThat(found).extracting(f -> f.location().line()).containsExactly(7, 7, 8, 8);
    assertThat(found).extracting(Finding::ruleId).containsOnly("IMP-K8S-045");
    // The same value outside a manifest (a chart's values): the realm reader's findings.
    List<Finding> values = of("IMP-SECRET-034", "chart/values.yaml",
        "keycloak:\n  realmSecret:\n    realm.json: " + b64(REALM) + "\n");
    assertThat(values).extracting(f -> f.location().line()).containsExactly(3, 3);
    assertThat(values).allSatisfy(f -> assertThat(f.message())
        .contains("Keycloak realm file (embedded 'realm.json', base64)"));
    // Not base64, base64 of something else, and a masked realm: nothing.
    assertThat(secrets("chart/values.yaml", "realm.json: " + b64(REALM).substring(1) + "\n"))
        .isEmpty();
    assertThat(secrets("chart/values.yaml", "realm.json: " + b64("{\"realm\": \"x\"}") + "\n"))
        .isEmpty();
    assertThat(secrets("chart/values.yaml", "realm.json: " + b64(REALM.replace(
        "Qm7vR2xK9pL4wT8zN3bY6hJ5", "**********").replace("bollard-Ropes-44", "${PW}"))
        + "\n")).isEmpty();
  }

  @Test
  void aRealmWrittenAsYamlIsReadWithTheRealmsStructure() {
    String yaml = """
        realm: harbour
        enabled: true
        smtpServer:
          host: smtp.harbour.test
          password: "Lantern-Quay-8"
        clients:
          - clientId: ferry
            secret: Zt5nW8qR2vK7xM4pB9cL3hY6
          - clientId: barge
            secret: $(env:BARGE_SECRET)
        identityProviders:
          - alias: github
            config:
              clientSecret: 'Hq3vN7xT1zR8kW5mP2bL9cF4'
        users:
          - username: keeper
            credentials:
              - type: password
                value: buoy-Anchor-19
              - type: password
                value: "**********"
        """;
    List<Finding> found = of("IMP-SECRET-034", "config/harbour-realm.yaml", yaml);
    assertThat(found).extracting(f -> f.location().line()).containsExactly(5, 8, 14, 19);
    assertThat(found).extracting(Finding::message).allMatch(m -> m.contains("Keycloak realm"));
    // The SMTP password, which the configuration reader also reads, keeps its identity there.
    assertThat(found.get(0).aliases())
        .anyMatch(a -> a.startsWith("IMP-SECRET-034\0config-assignment:"));
    // A Keycloak operator's KeycloakRealmImport holds the realm under spec.realm.
    String cr = "apiVersion: k8s.keycloak.org/v2alpha1\nkind: KeycloakRealmImport\n"
        + "metadata:\n  name: harbour\nspec:\n  keycloakCRName: kc\n  realm:\n"
        + "    realm: harbour\n    clients:\n      - clientId: ferry\n"
        + "        secret: Zt5nW8qR2vK7xM4pB9cL3hY6\n";
    assertThat(of("IMP-SECRET-034", "k8s/realm-import.yaml", cr))
        .extracting(f -> f.location().line()).containsExactly(11);
    // Without a key naming a realm, clients and credentials are another tool's.
    assertThat(of("IMP-SECRET-034", "config/tool.yaml",
        "clients:\n  - id: ferry\n    secret: Zt5nW8qR2vK7xM4pB9cL3hY6\n")).isEmpty();
  }

  @Test
  void aRealmAsOneLineOfJsonInAYamlOrEnvValueIsRead() {
    String line = REALM.replaceAll("\\s*\\n\\s*", " ");
    List<Finding> yaml = of("IMP-SECRET-034", "deploy/docker-compose.yml",
        "services:\n  keycloak:\n    environment:\n      REALM: '" + line + "'\n"
            + "  importer:\n    environment:\n      - REALM_JSON=" + line + "\n");
    assertThat(yaml).extracting(f -> f.location().line()).containsExactly(4, 4, 7, 7);
    String escaped = line.replace("\"", "\\\"");
    List<Finding> quoted = of("IMP-SECRET-034", "k8s/cm.yaml",
        "kind: ConfigMap\ndata:\n  realm: \"" + escaped + "\"\n");
    assertThat(quoted).extracting(f -> f.location().line()).containsExactly(3, 3);
    String host = "kind: ConfigMap\ndata:\n  realm: \"" + escaped + "\"\n";
    assertThat(quoted.get(0).location().column() - 1)
        .isEqualTo(host.split("\n")[2].indexOf("Qm7vR2xK9pL4wT8zN3bY6hJ5"));
    assertThat(of("IMP-SECRET-034", "deploy/.env", "REALM='" + line + "'\nOTHER=1\n"))
        .extracting(f -> f.location().line()).containsExactly(1, 1);
    // A template's {{ }} and a JSON object without a realm are no realm.
    assertThat(of("IMP-SECRET-034", "chart/values.yaml",
        "realm: '" + line.replace("\"realm\"", "\"name\"") + "'\nx: {{ include \"a\" . }}\n"))
        .isEmpty();
  }

  @Test
  void theDetectorThatWinsASecretCarriesTheIdentityOfTheOneItWonOver() {
    List<SecretHit> hits = SecretDetectors.find("harbour-realm.json",
        "{\"realm\": \"h\", \"smtpServer\": {\"password\": \"Lantern-Quay-8\"}}");
    assertThat(hits).singleElement().satisfies(h -> {
      assertThat(h.detector()).isEqualTo("keycloak-realm");
      assertThat(h.aliases()).singleElement().asString().startsWith("config-assignment:");
    });
  }

  @Test
  void aBaselineThatAcceptedASecretUnderTheDetectorThatLostItStillAcceptsIt(@TempDir Path tmp)
      throws Exception {
    String path = "config/harbour-realm.yaml";
    String realm = "realm: harbour\nsmtpServer:\n  password: \"Lantern-Quay-8\"\n";
    // Before the file named a realm, the configuration reader reported the password.
    ScanReport before = Scanner.create(ScanSettings.defaults().withThreads(1)).scanSources(
        List.of(SourceFile.of(path, realm.replace("realm: harbour", "name: harbour"))));
    assertThat(before.findings()).extracting(Finding::message)
        .anyMatch(m -> m.contains("in a configuration file"));
    Path file = tmp.resolve(".imprint-baseline.json");
    Baseline.write(before, file);
    ScanReport now = Scanner.create(ScanSettings.defaults().withThreads(1)).scanSources(
        List.of(SourceFile.of(path, realm)));
    assertThat(now.findings()).extracting(Finding::message)
        .anyMatch(m -> m.contains("SMTP server password in a Keycloak realm file"));
    assertThat(Baseline.read(file).apply(now).report().findings())
        .as("the password the baseline accepted, seen as new").isEmpty();
  }

  @Test
  void aHelmPartialThatOnlyDefinesTemplatesIsNotReadAsItsRenderedKind() {
    String partial = "{{/* the realm's Secret */}}\n{{- define \"docks.secret\" -}}\n"
        + "apiVersion: v1\nkind: Secret\n{{- if .Values.x }}\nstringData: {}\n{{- end }}\n"
        + "{{- end }}\n\n{{ define \"docks.name\" }}docks{{ end }}\n";
    assertThat(SourceFile.of("chart/templates/_secret.yaml.tpl", partial).name())
        .isEqualTo("_secret.yaml.tpl");
    String manifest = "{{- if .Values.on }}\n" + partial + "{{- end }}\n";
    assertThat(SourceFile.of("chart/templates/secret.yaml.tpl", manifest).name())
        .isEqualTo("secret.yaml");
    assertThat(SourceFile.of("chart/templates/secret.yml.tmpl", "kind: Secret\n" + partial)
        .name()).isEqualTo("secret.yml");
  }
}
