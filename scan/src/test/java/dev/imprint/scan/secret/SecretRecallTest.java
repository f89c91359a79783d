package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secrets that were missed on real code (issue 11), each found at the line of the offending
 * value, next to the same shape without a secret.
 */
class SecretRecallTest {
  static final String KEY = "-----BEGIN PRIVATE KEY-----\n"
      + "MC4CAQAwBQYDK2VwBCIEIAu3w2n9sFq7kQpRcbZ0f8tWbL4xyWgM9ydE5m1Lr2Jc\n"
      + "-----END PRIVATE KEY-----\n";

  static List<Finding> scan(String path, String text) {
    return Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of(path, text))).findings();
  }

  static List<Finding> of(String rule, String path, String text) {
    return scan(path, text).stream().filter(f -> f.ruleId().equals(rule)).toList();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aCommittedSecretManifestIsCriticalAtTheLineOfEachValue() {
    String manifest = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: shop\n"
        + "data:\n  username: " + b64("shop") + "\n  password: " + b64("Sh0p-DB-2024!") + "\n"
        + "  tls.key: " + b64(KEY) + "\nstringData:\n  api-token: tk-9f8e7d6c5b\n";
    List<Finding> found = of("IMP-K8S-045", "k8s/secret.yaml", manifest);
    assertThat(found).extracting(f -> f.location().line()).containsExactly(8, 9, 11);
    assertThat(found).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
    assertThat(found.get(1).message()).contains("tls.key").contains("private key");
    assertThat(found.get(1).secret().format()).isTrue();
    assertThat(found.toString()).doesNotContain("Sh0p-DB-2024!").doesNotContain("tk-9f8e7d6c5b");
  }

  @Test
  void sealedAndExternalSecretsAndPlaceholderSecretsAreNotReported() {
    assertThat(of("IMP-K8S-045", "k8s/sealed.yaml", "apiVersion: bitnami.com/v1alpha1\n"
        + "kind: SealedSecret\nmetadata: {name: db}\nspec:\n  encryptedData:\n"
        + "    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq9XKz\n")).isEmpty();
    assertThat(of("IMP-K8S-045", "k8s/secret.yaml", "apiVersion: v1\nkind: Secret\n"
        + "metadata: {name: db}\ndata:\n  password: " + b64("changeme") + "\n"
        + "  ca.crt: " + b64("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        + "\n")).isEmpty();
  }

  @Test
  void anImagePullSecretWithRegistryCredentialsIsReported() {
    String config = "{\"auths\":{\"registry.acme.io\":{\"username\":\"deploy\","
        + "\"auth\":\"" + b64("deploy:Regi5try-Pass-2024") + "\"}}}";
    String manifest = "apiVersion: v1\nkind: Secret\nmetadata: {name: pull, namespace: shop}\n"
        + "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " + b64(config)
        + "\n";
    assertThat(of("IMP-K8S-045", "k8s/pull.yaml", manifest)).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(6);
      assertThat(f.message()).contains("registry credentials for registry.acme.io");
      assertThat(f.secret().redacted()).doesNotContain("Regi");
    });
    String legacy = "apiVersion: v1\nkind: Secret\nmetadata: {name: pull}\n"
        + "type: kubernetes.io/dockercfg\nstringData:\n  .dockercfg: '{\"quay.io\": "
        + "{\"password\": \"Qu4y-Robot-T0ken-77\"}}'\n";
    assertThat(of("IMP-K8S-045", "k8s/pull.yaml", legacy)).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("quay.io"));
    String helpers = "{\"auths\":{\"ghcr.io\":{}},\"credsStore\":\"desktop\","
        + "\"credHelpers\":{\"1234.dkr.ecr.eu-west-1.amazonaws.com\":\"ecr-login\"}}";
    String placeholder = "{\"auths\":{\"ghcr.io\":{\"auth\":\"${REGISTRY_AUTH}\"}}}";
    for (String clean : List.of(helpers, placeholder)) {
      assertThat(of("IMP-K8S-045", "k8s/pull.yaml", "apiVersion: v1\nkind: Secret\n"
          + "metadata: {name: pull}\ntype: kubernetes.io/dockerconfigjson\ndata:\n"
          + "  .dockerconfigjson: " + b64(clean) + "\n")).as(clean).isEmpty();
    }
  }

  @Test
  void privateKeysAreFoundInFilesOfAnyName() {
    List<String> names = List.of("k8s/tls/tls.key", "sealed-secrets/controller.key",
        "certs/server.crt.bak", "deploy/deploy_key", "keys/signing", "ci/release.asc.txt");
    for (String name : names) {
      assertThat(of("IMP-SECRET-025", name, KEY)).as(name).singleElement()
          .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
    }
    assertThat(scan("k8s/tls/tls.crt", "-----BEGIN CERTIFICATE-----\n"
        + "MIIBszCCAVmgAwIBAgIUJ3u8kq2f0aZ1\n-----END CERTIFICATE-----\n")).isEmpty();
    assertThat(scan("docs/keys.md", "Paste the key, which starts with "
        + "`-----BEGIN PRIVATE KEY-----`, into the form.\n")).isEmpty();
  }

  @Test
  void aSecretNamedArgWithALiteralDefaultIsReportedAndOthersAreNot() {
    String dockerfile = "FROM alpine:3.20\nARG DB_PASSWORD=Orders-2024\nARG API_TOKEN\n"
        + "ARG APP_VERSION=1.2.3\nARG PASSWORD_FILE=/run/secrets/db_password\n"
        + "ARG ADMIN_PASSWORD=changeme\nARG JWT_SECRET=${JWT_SECRET}\n"
        + "ARG SECRET_KEY_BASE=\"9c1e2b7a6d5c4b3a29180f7e6d5c4b3a\"\n";
    List<Finding> found = of("IMP-DOCKER-006", "Dockerfile", dockerfile);
    assertThat(found).extracting(f -> f.location().line()).containsExactly(2, 8);
    assertThat(found).allSatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.secret()).isNotNull();
    });
    assertThat(found.toString()).doesNotContain("Orders-2024");
  }

  @Test
  void base64ConfigMapDataIsDecodedAndReportedAtTheEncodedLine() {
    String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: signer}\nbinaryData:\n"
        + "  release.key: " + b64(KEY) + "\n";
    assertThat(of("IMP-SECRET-025", "k8s/cm.yaml", cm)).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(5));
  }

  @Test
  void aConfigurationFileInsideAConfigMapIsReadAsOne() {
    String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata:\n"
        + "  application.properties: |\n    server.port=8080\n"
        + "    spring.datasource.password=Orders-2024\n";
    assertThat(of("IMP-SECRET-034", "k8s/cm.yaml", cm)).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(7);
      assertThat(f.location().column()).isEqualTo(32);
    });
  }

  @Test
  void aRealmFileEmbeddedInAConfigMapOrInHelmValuesIsReadAsOneAtTheManifestsLine() {
    String realm = "{\n  \"realm\": \"ledger\",\n  \"clients\": [ {\n"
        + "    \"clientId\": \"api\",\n    \"secret\": \"pX4wN8qZ2rT6vB9yK3mD7hL5\"\n  } ]\n}\n";
    String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: realm}\ndata:\n"
        + "  ledger-realm.json: |\n" + realm.indent(4);
    assertThat(of("IMP-SECRET-034", "k8s/cm.yaml", cm)).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(10);
      assertThat(f.location().column()).isEqualTo(20);
      assertThat(f.message()).contains("Keycloak realm file (embedded 'ledger-realm.json')");
    });
    // A Helm value holding a JSON document under a key with no file name, and a ConfigMap
    // that carries a values file that carries a realm file: the same document, the same hit.
    String values = "keycloak:\n  import:\n    realm: |-\n" + realm.indent(6);
    assertThat(of("IMP-SECRET-034", "chart/values.yaml", values)).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(8));
    String nested = "kind: ConfigMap\ndata:\n  values.yaml: |\n"
        + ("configuration:\n  realm.json: |\n" + realm.indent(4)).indent(4);
    assertThat(of("IMP-SECRET-034", "k8s/nested.yaml", nested)).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(10));
    // Prose in a block, a realm quoted in a plain scalar, and a JSON block without a realm.
    assertThat(of("IMP-SECRET-034", "chart/values.yaml", "notes: |\n  see the realm:\n"
        + realm.replace("{", "(").indent(2))).isEmpty();
    assertThat(of("IMP-SECRET-034", "k8s/cm.yaml",
        cm.replace("\"realm\": \"ledger\"", "\"name\": \"ledger\""))).isEmpty();
  }

  @Test
  void anEnvironmentVariableAsANameValuePairIsJudgedByItsNameOutsideManifests() {
    String values = "extraEnv: |\n  - name: KEYCLOAK_ADMIN_PASSWORD\n    value: Tern-Gull-Skua\n"
        + "  - name: LOG_LEVEL\n    value: Tern-Gull-Skua2\n  - value: orphan-Value-9\n"
        + "    name: DB_PASSWORD\n  - name: DB_PASSWORD\n    valueFrom: {secretKeyRef: {}}\n"
        + "  - value: hunter2prod\n";
    assertThat(of("IMP-SECRET-034", "chart/values.yaml", values)).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(3));
    String task = "{\"environment\": [\n  {\"name\": \"DB_PASSWORD\", \"value\": \"Osprey-Kettle-5\"},"
        + "\n  {\"name\": \"DB_USER\", \"value\": \"billing\"},\n  {\n    \"name\": \"MQ_PASSWORD\",\n"
        + "    \"value\": \"heron-Weir-31\"\n  },\n  {\"name\": \"X_PASSWORD\"}, {\"value\": \"stray-Val-77\"}\n]}";
    assertThat(of("IMP-SECRET-034", "ecs/task-definition.json", task))
        .extracting(f -> f.location().line()).containsExactly(2, 6);
  }

  @Test
  void templatesOfARenderedFileAreReadAsThatFileAndExamplesAreNot() {
    String yml = "production:\n  username: atlas\n  password: compass-rose-7\n";
    assertThat(of("IMP-SECRET-034", "config/database.yml.erb", yml)).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(3));
    assertThat(of("IMP-SECRET-034", "roles/app/templates/app.env.j2",
        "DB_PASSWORD={{ vault_db_password }}\nSMTP_PASSWORD=postbox-Sorter-3\n"))
        .singleElement().satisfies(f -> assertThat(f.location().line()).isEqualTo(2));
    assertThat(of("IMP-SECRET-034", "keycloak/realm.json.tpl",
        "{\"realm\": \"x\", \"clients\": [{\"secret\": \"Hb7xK2pQ9wZ4nR8tV3mY6sL1\"}]}"))
        .hasSize(1);
    assertThat(of("IMP-SECRET-034", "config/database.yml.example", yml)).isEmpty();
    assertThat(of("IMP-SECRET-034", "config/database.yml.erb",
        "deploy:\n  password: #{Capistrano::CLI.ui.ask(\"pw\")}\n")).isEmpty();
  }

  @Test
  void passwordsInPropertiesIniCfgAndConfFilesAreFoundHoweverSimple() {
    assertThat(of("IMP-SECRET-034", "src/main/resources/application.properties",
        "spring.datasource.password=hunter2prod\n")).isNotEmpty();
    assertThat(of("IMP-SECRET-034", "deploy/db.ini", "[db]\npassword = hunter2prod\n"))
        .singleElement().satisfies(f -> assertThat(f.location().line()).isEqualTo(2));
    assertThat(of("IMP-SECRET-034", "setup.cfg", "[upload]\npassword: hunter2prod\n"))
        .isNotEmpty();
    assertThat(of("IMP-SECRET-034", "conf/app.conf", "db_password hunter2prod\n")).isNotEmpty();
    assertThat(of("IMP-SECRET-034", "application.properties.example",
        "spring.datasource.password=hunter2prod\n")).isEmpty();
  }

  @Test
  void springFallbacksHoldingAPasswordAreFoundAtTheLiteral() {
    List<Finding> found = of("IMP-SECRET-034", "application.properties",
        "spring.datasource.password=${DB_PASSWORD:Orders-2024}\n");
    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.location().column()).isEqualTo(42);
      assertThat(f.message()).contains("default");
    });
    assertThat(scan("application.yml", "spring:\n  datasource:\n"
        + "    password: ${DB_PASSWORD:Orders-2024!x}\n").stream()
        .filter(f -> f.secret() != null).toList()).isNotEmpty();
    assertThat(of("IMP-SECRET-034", "application.properties",
        "spring.datasource.password=${DB_PASSWORD:}\n")).isEmpty();
  }

  @Test
  void base64UserDataIsDecodedAndItsSecretsReportedAtTheAttribute() {
    String script = "#!/bin/bash\nexport DB_PASSWORD=Orders-2024-prod\n" + KEY;
    String tf = "resource \"aws_instance\" \"web\" {\n  ami = \"ami-0abc\"\n"
        + "  user_data_base64 = \"" + b64(script) + "\"\n}\n";
    List<Finding> found = of("IMP-AWS-007", "main.tf", tf);
    assertThat(found).hasSize(2).allSatisfy(f -> {
      assertThat(f.location().line()).isEqualTo(3);
      assertThat(f.secret()).isNotNull();
    });
    assertThat(found).extracting(Finding::message).anyMatch(m -> m.contains("private key")
        && m.contains("base64")).anyMatch(m -> m.contains("DB_PASSWORD"));
    String clean = "#!/bin/bash\nDB_PASSWORD=$(aws ssm get-parameter --name /db)\n";
    assertThat(of("IMP-AWS-007", "main.tf", "resource \"aws_instance\" \"web\" {\n"
        + "  user_data = \"" + b64(clean) + "\"\n}\n")).isEmpty();
  }

  @Test
  void awsExampleKeysInAProviderOrLambdaAreReportedLowWithoutSecretEvidence() {
    String tf = "provider \"aws\" {\n  access_key = \"AKIAIOSFODNN7EXAMPLE\"\n"
        + "  secret_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n}\n"
        + "resource \"aws_lambda_function\" \"f\" {\n  environment {\n    variables = {\n"
        + "      AWS_SECRET_ACCESS_KEY = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n"
        + "    }\n  }\n}\n";
    List<Finding> all = scan("main.tf", tf);
    assertThat(all).filteredOn(f -> f.ruleId().equals("IMP-AWS-005")).hasSize(2)
        .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
    assertThat(all).filteredOn(f -> f.ruleId().equals("IMP-AWS-006")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("execution role"));
    assertThat(all).allSatisfy(f -> {
      assertThat(f.secret()).isNull();
      assertThat(f.severity()).isLessThan(Severity.HIGH);
    });
  }
}
