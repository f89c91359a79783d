package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test per class of false secret reported on real code (issue 11): each file goes through
 * the whole scanner, every analyzer, as in a user's repository, and must yield no finding that
 * carries secret evidence. The last tests check that the same shapes holding a real secret are
 * still found, so that each class is fixed by judgement and not by silence.
 */
class SecretPrecisionTest {
  static final String REAL = "q7Z!x9Lm2pR4wT8v";

  static List<Finding> scan(String path, String text) {
    return Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of(path, text))).findings();
  }

  static List<Finding> secrets(String path, String text) {
    return scan(path, text).stream().filter(f -> f.secret() != null).toList();
  }

  static void assertNoSecret(String path, String text) {
    assertThat(secrets(path, text)).as("secret findings in %s:\n%s", path, text).isEmpty();
  }

  @Test
  void imageNamesAndMavenCoordinatesThatContainASecretWordAreNotBindings() {
    assertNoSecret("docker-compose.yml", "services:\n  vault:\n"
        + "    image: ghcr.io/acme/secret-tool:1.2.3-rc1\n"
        + "  cache:\n    image: org/token-cache:v2.0.1-alpine3\n");
    assertNoSecret("build.gradle", "dependencies {\n"
        + "  implementation 'software.amazon.awssdk:secretsmanager:2.20.162'\n"
        + "  implementation \"com.example:token-store:1.0.0-SNAPSHOT\"\n"
        + "  implementation(\"io.jsonwebtoken:jjwt-api:0.12.6\")\n}\n");
    assertNoSecret("deploy.sh", "docker pull registry.example.com/team/secret-rotator:2024.06.1-b7\n");
    assertNoSecret("values.yaml", "secretTool: org/secret-tool:1.2.3-rc1\n"
        + "tokenExchangeImage: ghcr.io/acme/token-exchange:v2.0.1\n"
        + "secretStoreLib: \"software.amazon.awssdk:secretsmanager:2.20.162\"\n");
  }

  @Test
  void iamActionsAndArnsAreNotBindings() {
    assertNoSecret("policy.json", "{\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n"
        + "    \"Action\": [\"secretsmanager:ListSecrets\", \"secretsmanager:GetSecretValue\","
        + " \"kms:Decrypt\"],\n"
        + "    \"Resource\": \"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbC12d\"\n"
        + "  }]\n}\n");
    assertNoSecret("policy.json", "{\"Condition\": {\"StringEquals\": {"
        + "\"secretsmanager:ResourceTag/team\": \"payments\","
        + " \"secretsmanager:VersionStage\": \"AWSCURRENT\"}}}\n");
  }

  @Test
  void variablesBoundToCodeInSourceFilesAreNotLiterals() {
    assertNoSecret("src/main/java/App.java", "class App {\n"
        + "  void run() {\n"
        + "    String secret = computeIt();\n"
        + "    String token = tokenProvider.next(2);\n"
        + "    String apiKey = newKey2;\n"
        + "    final String password = PasswordUtils.hash(raw, salt);\n"
        + "    char[] secretKey = keyBytes2.clone();\n"
        + "  }\n}\n");
    assertNoSecret("app.js", "const secret = req.headers['x-secret'];\n"
        + "let token = await fetchToken2();\n"
        + "module.exports = { password: user.password1, apiKey: cfg2.apiKey };\n");
    assertNoSecret("app.py", "password = get_password(user_id2)\ntoken = session2.token\n");
    assertNoSecret("main.go", "token := os.Getenv(\"TOKEN\")\nsecret := cfg2.Secret\n");
    assertNoSecret("src/Config.java", "class Config {\n  String secretKey = defaultSecretKey2;\n"
        + "  String password = DEFAULT_PASSWORD_2;\n}\n");
    assertNoSecret("config.py", "secret_key = DEFAULT_SECRET_KEY_2\ntoken = access_token_v2\n");
    assertNoSecret("client.ts", "const opts = { token: accessTokenV2, password: cfg.passwordV2 };\n");
  }

  @Test
  void wordPlaceholdersAreNotSecrets() {
    assertNoSecret("config/app.env", "DB_PASSWORD=changeme\nAPI_KEY=yourpassword\n"
        + "SECRET_KEY=INSERT_YOUR_SECRET_KEY_HERE\nAUTH_TOKEN=<your-token>\n"
        + "PRIVATE_TOKEN=XXXXXXXXXXXXXXXXXXXX\nCLIENT_SECRET=xxxx-xxxx-xxxx-xxxx\n"
        + "KEYSTORE_PASSWORD=changeit\nADMIN_PASSWORD=replace_with_a_strong_password_1\n"
        + "API_KEY_2=INSERT_YOUR_API_KEY_HERE_2\n");
    assertNoSecret("settings.py", "SECRET_KEY = \"<password>\"\nAPI_TOKEN = \"xxxxxxxxxxxx\"\n"
        + "DB_PASSWORD = \"your_db_password_here\"\n");
  }

  @Test
  void expansionsAndTemplatingExpressionsAreNotSecrets() {
    assertNoSecret("app.yaml", "db:\n  password: ${DB_PASSWORD}\n  token: $(cat /run/secrets/x)\n"
        + "  api_key: \"{{ vault_api_key }}\"\n  secret: \"${{ secrets.DEPLOY_SECRET }}\"\n"
        + "  client_secret: \"%(client_secret)s\"\n  auth_token: \"#{AuthToken}#\"\n"
        + "  webhook_secret: \"@WEBHOOK_SECRET@\"\n  api_secret: \"<%= ENV['API_SECRET'] %>\"\n"
        + "  signing_key: \"{{ .Values.signing.key }}\"\n");
    assertNoSecret("application.properties.tpl", "spring.datasource.password={db_password}\n"
        + "spring.rabbitmq.password={rabbit.password}\n");
  }

  @Test
  void documentedSlackWebhookPlaceholderIsNotASecret() {
    assertNoSecret("notify.yaml", "slack:\n  url: https://hooks.slack.com/services/T00000000/"
        + "B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n");
  }

  @Test
  void valuesWithAChangeThisCommentAreExamples() {
    assertNoSecret("config.py", "API_KEY = \"a8Fk29dLq0Zx\"  # change this\n");
    assertNoSecret("config.py", "# replace with your own key before deploying\n"
        + "SECRET_KEY = \"Kq83nXz0Lp2w\"\n");
    assertNoSecret("application.properties", "db.password=Dev4Only9x\n# ^ change me in production\n");
  }

  @Test
  void hostPortStringsWithoutCredentialsAreNotSecrets() {
    assertNoSecret("app.yaml", "vault:\n  token_url: https://auth.example.com:8443/oauth/token\n"
        + "  secret_store_addr: vault-0.vault-internal.svc:8200\n"
        + "  password_service: http://pw-svc.prod.svc.cluster.local:9090/v1\n");
  }

  @Test
  void secretStoreReferencesAreNotSecrets() {
    assertNoSecret("app.env", "DB_PASSWORD=@Microsoft.KeyVault(SecretUri=https://myvault.vault."
        + "azure.net/secrets/db-password/)\n"
        + "API_KEY=vault:secret/data/payments#api_key\n"
        + "TOKEN=arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/token-Xy12Ab\n"
        + "SIGNING_SECRET=arn:aws:ssm:eu-west-1:123456789012:parameter/prod/signing\n");
    assertNoSecret("template.yaml", "Resources:\n  Db:\n    Properties:\n"
        + "      MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'\n");
  }

  @Test
  void codeThatOnlyNamesPemHeadersIsNotAKey() {
    assertNoSecret("src/main/java/PemReader.java", "class PemReader {\n"
        + "  static final String BEGIN = \"-----BEGIN RSA PRIVATE KEY-----\";\n"
        + "  static boolean isKey(String line) {\n"
        + "    return line.startsWith(BEGIN) && !line.contains(\"ENCRYPTED\") || line.equals(\n"
        + "        \"-----END RSA PRIVATE KEY-----\");\n  }\n}\n");
    assertNoSecret("pem_test.go", "func TestHeader(t *testing.T) {\n"
        + "\tif !strings.Contains(out, \"-----BEGIN PRIVATE KEY-----\") {\n"
        + "\t\tt.Fatalf(\"expected a private key header, got %q\", out)\n\t}\n"
        + "\tif !strings.HasSuffix(out, \"-----END PRIVATE KEY-----\\n\") {\n"
        + "\t\tt.Fatal(\"no footer\")\n\t}\n}\n");
  }

  @Test
  void filePathsBoundToSecretNamesInWorkflowsAreNotSecrets() {
    assertNoSecret(".github/workflows/deploy.yml", "on: push\njobs:\n  deploy:\n"
        + "    runs-on: ubuntu-latest\n    env:\n      SSH_KEY_PATH: ~/.ssh/id_rsa\n"
        + "      GOOGLE_APPLICATION_CREDENTIALS: /tmp/key.json\n"
        + "      SSH_PRIVATE_KEY: ./deploy/keys/id_ed25519\n"
        + "      KUBE_CREDENTIALS: ${{ runner.temp }}/kubeconfig\n"
        + "    steps:\n      - run: ./deploy.sh\n");
  }

  @Test
  void commentedOutExampleAssignmentsAreNotSecrets() {
    assertNoSecret("README.md", "Configure it:\n\n    # password = \"hunter2example\"\n"
        + "    # api_key: \"abc123def456\"\n");
    assertNoSecret("settings.py", "# DB_PASSWORD = \"devpass123\"\n// token = \"myToken123\"\n");
  }

  @Test
  void realKeyFormatsInCommentsAreStillFound() {
    String token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5";
    token = token + SecretDetectors.checksum(token.substring(4));
    List<Finding> found = secrets("settings.py", "# old token: " + token + "\n");
    assertThat(found).extracting(Finding::ruleId).contains("IMP-SECRET-004");
    assertThat(secrets("settings.py", "# aws_access_key_id = AKIAQ3EGWZ7LNE5TCKXB\n"))
        .extracting(Finding::ruleId).contains("IMP-SECRET-001");
  }

  @Test
  void realSecretsInTheSameShapesAreStillFound() {
    assertThat(secrets("src/main/java/App.java", "class App {\n  String secret = \"" + REAL
        + "\";\n}\n")).isNotEmpty();
    assertThat(secrets("config/app.env", "DB_PASSWORD=" + REAL + "\n")).isNotEmpty();
    assertThat(secrets("app.yaml", "vault:\n  token_url: https://svc:" + REAL + "@auth.example"
        + ".com:8443/oauth/token\n")).isNotEmpty();
    assertThat(secrets(".github/workflows/deploy.yml", "on: push\njobs:\n  deploy:\n"
        + "    runs-on: ubuntu-latest\n    env:\n      SSH_PRIVATE_KEY: " + REAL + "\n"
        + "    steps:\n      - run: ./deploy.sh\n")).isNotEmpty();
    assertThat(secrets("settings.py", "# DB_PASSWORD = \"" + "Zr8#kW2qLp9vXn4T" + "\"\n"))
        .as("a generated-looking value in a comment is a committed secret").isNotEmpty();
  }
}
