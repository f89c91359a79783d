package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class SecretDetectorsTest {
  private static final String AN =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final String B62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private final Random random = new Random(42);

  private String rnd(int n, String alphabet) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    String s = sb.toString();
    return Secrets.isTestMarker(s) ? rnd(n, alphabet) : s;
  }

  private String rnd(int n) {
    return rnd(n, AN);
  }

  /** A token of GitHub's or npm's shape with a correct CRC32 suffix, computed here. */
  private String checked(String prefix) {
    String body = rnd(30);
    CRC32 crc = new CRC32();
    crc.update(body.getBytes(StandardCharsets.US_ASCII));
    long v = crc.getValue();
    StringBuilder sum = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      sum.insert(0, B62.charAt((int) (v % 62)));
      v /= 62;
    }
    return prefix + body + sum;
  }

  private static List<String> detectors(String text) {
    return SecretDetectors.find(text).stream().map(SecretHit::detector).toList();
  }

  private static List<String> detectors(String name, String text) {
    return SecretDetectors.find(name, text).stream().map(SecretHit::detector).toList();
  }

  @Test
  void githubTokenWithValidChecksumIsFoundAtItsOffset() {
    String token = checked("ghp_");
    String text = "export GH_TOKEN=" + token + "\n";
    List<SecretHit> hits = SecretDetectors.find(text);
    assertThat(hits).singleElement().satisfies(h -> {
      assertThat(h.detector()).isEqualTo("github-token");
      assertThat(h.kind()).isEqualTo("GitHub personal access token");
      assertThat(h.start()).isEqualTo(text.indexOf("ghp_"));
      assertThat(h.end()).isEqualTo(h.start() + token.length());
    });
  }

  @Test
  void anInventoryIdOfABakedCredentialIsNotASecretButTheSameValueAssignedIs() {
    assertThat(detectors("      \"id\": \"secret:015adb54ee1d982f\",")).isEmpty();
    assertThat(detectors("    \"to\": \"secret:84e964d7e8f2766d\"")).isEmpty();
    assertThat(detectors("secret: 015adb54ee1d982f")).containsExactly("generic-assignment");
    assertThat(detectors("{\"secret\":\"015adb54ee1d982f\"}"))
        .containsExactly("generic-assignment");
    assertThat(detectors("\"secret:Zx81qLm2Rt7Vb4Nc8Kd1\"")).as("one token, like"
        + " secretsmanager:GetSecretValue, binds nothing").isEmpty();
    assertThat(detectors("secret: Zx81qLm2Rt7Vb4Nc8Kd1")).containsExactly("generic-assignment");
  }

  @Test
  void sealedSecretCiphertextIsMeantForGitButTheSameKeysElsewhereAreSecrets() {
    String sealed = "Ag" + rnd(70, AN + "+/");
    String yaml = """
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata:
          name: payments-db
        spec:
          encryptedData:
            password: %1$s
            # api_token: %1$s
            api_token: %1$s
          template:
            metadata:
              name: payments-db
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: app
        data:
          password: %1$s
        """.formatted(sealed);
    List<SecretHit> hits = SecretDetectors.find("sealed.yaml", yaml);
    assertThat(hits).singleElement().satisfies(h -> {
      // A ConfigMap is configuration: its password key holds the password, judged as such.
      assertThat(h.detector()).isEqualTo("config-assignment");
      assertThat(h.start()).isEqualTo(yaml.lastIndexOf(sealed));
    });
    String json = """
        {
          "kind": "SealedSecret",
          "apiVersion": "bitnami.com/v1alpha1",
          "spec": {
            "template": {"metadata": {"name": "wordpress"}, "data": null},
            "encryptedData": {
              "DB_PASSWORD": "%1$s",
              "API_TOKEN": "%1$s"
            }
          },
          "password": "%1$s"
        }
        """.formatted(sealed);
    assertThat(SecretDetectors.find("sealed.json", json)).singleElement()
        .satisfies(h -> assertThat(h.start()).isEqualTo(json.lastIndexOf(sealed)));
    assertThat(detectors("secret.cue", "k: SealedSecret: \"db\": spec: encryptedData: "
        + "\"password\": \"" + sealed + "\"\n")).isEmpty();
    assertThat(detectors("notes.yaml", "kind: Secret\nstringData:\n  encryptedData:\n"
        + "    password: " + sealed + "\n")).as("encryptedData outside a SealedSecret")
        .containsExactly("config-assignment");
  }

  @Test
  void githubTokenWithWrongChecksumIsIgnored() {
    String token = checked("ghs_");
    String broken = token.substring(0, token.length() - 1)
        + (token.endsWith("A") ? "B" : "A");
    assertThat(detectors("t=" + token)).containsExactly("github-token");
    assertThat(detectors("t=" + broken)).doesNotContain("github-token");
  }

  @Test
  void npmTokenNeedsItsChecksum() {
    assertThat(detectors("NPM_TOKEN=" + checked("npm_"))).contains("npm-token");
    assertThat(detectors("NPM_TOKEN=npm_" + rnd(30) + "000000")).doesNotContain("npm-token");
  }

  @Test
  void awsKeyIdAloneIsHighAndWithItsSecretIsAPair() {
    String id = "AKIA" + rnd(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    String secret = rnd(38, AN + "/+") + "a1";
    assertThat(detectors("key " + id)).containsExactly("aws-access-key-id");
    assertThat(detectors("id: " + id + "\nsecret: " + secret + "\n"))
        .containsExactly("aws-access-key-id", "aws-key-pair");
  }

  @Test
  void awsDocumentationExampleKeysAreIgnored() {
    assertThat(detectors("aws_access_key_id=AKIAIOSFODNN7EXAMPLE\n"
        + "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")).isEmpty();
  }

  @Test
  void awsResourceIdsAndGitShasNextToAKeyIdAreNotSecrets() {
    String id = "AKIA" + rnd(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    assertThat(detectors(id + " commit 3f786850e387550fdab836ed7e6dc881de23001b"))
        .containsExactly("aws-access-key-id");
    assertThat(detectors("AIDA" + rnd(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))).isEmpty();
  }

  @Test
  void providerPrefixesAreFound() {
    assertThat(detectors("glpat-" + rnd(20))).containsExactly("gitlab-token");
    assertThat(detectors("glptt-" + rnd(40, "0123456789abcdef"))).containsExactly("gitlab-token");
    assertThat(detectors("GR1348941" + rnd(20))).containsExactly("gitlab-token");
    assertThat(detectors("xoxb-1234567890-1234567890123-" + rnd(24)))
        .containsExactly("slack-token");
    assertThat(detectors("sk_live_" + rnd(24))).containsExactly("stripe-live-key");
    assertThat(detectors("rk_live_" + rnd(24))).containsExactly("stripe-live-key");
    assertThat(detectors("AIza" + rnd(35))).containsExactly("google-api-key");
    assertThat(detectors("SG." + rnd(22) + "." + rnd(43))).containsExactly("sendgrid");
    assertThat(detectors("dckr_pat_" + rnd(27))).containsExactly("dockerhub-pat");
    assertThat(detectors("hvs." + rnd(90))).containsExactly("vault-token");
    assertThat(detectors(rnd(14) + ".atlasv1." + rnd(67)))
        .containsExactly("terraform-cloud-token");
    assertThat(detectors("sk-proj-" + rnd(100))).containsExactly("openai-key");
    assertThat(detectors("sk-" + rnd(20) + "T3BlbkFJ" + rnd(20))).containsExactly("openai-key");
    assertThat(detectors("sk-ant-api03-" + rnd(93) + "AA")).containsExactly("anthropic-key");
    assertThat(detectors("github_pat_" + rnd(22) + "_" + rnd(59)))
        .containsExactly("github-fine-grained");
    assertThat(detectors("pypi-AgEIcHlwaS5vcmc" + rnd(100))).containsExactly("pypi-token");
    assertThat(detectors("secret=" + rnd(3) + "8Q~" + rnd(34)))
        .containsExactly("azure-client-secret");
  }

  @Test
  void stripeTestKeysAreDeliberatelyNotReported() {
    assertThat(detectors("STRIPE=sk_test_" + rnd(24))).isEmpty();
  }

  @Test
  void nearMissesOfProviderPrefixesAreIgnored() {
    assertThat(detectors("glpat-xxxxxxxxxxxxxxxxxxxx")).isEmpty();
    assertThat(detectors("AIza" + rnd(20))).isEmpty();
    assertThat(detectors("sk-ant-api03-short")).isEmpty();
    assertThat(detectors("hvs.aaaaaaaaaaaaaaaaaaaaaaaaaaaa")).isEmpty();
    assertThat(detectors("my_sk_live_" + rnd(24))).isEmpty();
  }

  @Test
  void contextDetectorsNeedTheirKeyword() {
    String hex = rnd(32, "0123456789abcdef");
    assertThat(detectors("DD_API_KEY=" + hex)).containsExactly("datadog");
    assertThat(detectors("checksum " + hex)).isEmpty();
    assertThat(detectors("TWILIO_AUTH_TOKEN=" + hex)).containsExactly("twilio");
    assertThat(detectors("VAULT_TOKEN=s." + rnd(24))).containsExactly("vault-token");
    assertThat(detectors("session s." + rnd(24))).isEmpty();
  }

  @Test
  void jwtNeedsAJsonHeaderWithAlg() {
    String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
    String payload = b64("{\"sub\":\"svc\"}");
    assertThat(detectors(header + "." + payload + "." + rnd(43))).containsExactly("jwt");
    assertThat(detectors(b64("{\"typ\":\"JWT\"}") + "." + payload + "." + rnd(43))).isEmpty();
    assertThat(detectors("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFt"
        + "ZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"))
        .isEmpty();
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void privateKeysAreSplitByEncryption() {
    String body = rnd(64, AN + "+/") + "\n" + rnd(64, AN + "+/") + "\n";
    assertThat(detectors("-----BEGIN RSA PRIVATE KEY-----\n" + body
        + "-----END RSA PRIVATE KEY-----")).containsExactly("private-key");
    assertThat(detectors("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        + "DEK-Info: AES-128-CBC,00\n\n" + body + "-----END EC PRIVATE KEY-----"))
        .containsExactly("private-key-encrypted");
    assertThat(detectors("-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + body
        + "-----END ENCRYPTED PRIVATE KEY-----")).containsExactly("private-key-encrypted");
    assertThat(detectors("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"))
        .isEmpty();
  }

  @Test
  void urlsWithPasswordsButNotWithPlaceholders() {
    assertThat(detectors("postgres://app:" + rnd(12) + "@db:5432/app"))
        .containsExactly("url-password");
    assertThat(detectors("mongodb+srv://app:" + rnd(12) + "@c0.mongodb.net/x"))
        .containsExactly("url-password");
    assertThat(detectors("postgres://app:${DB_PASSWORD}@db/app")).isEmpty();
    assertThat(detectors("redis://:password@localhost:6379")).isEmpty();
    assertThat(detectors("https://user:<token>@git.acme.io/x.git")).isEmpty();
    assertThat(detectors("https://git.acme.io/x.git")).isEmpty();
  }

  @Test
  void credentialFilesAreRecognisedByName() {
    assertThat(detectors(".npmrc", "//r.acme.io/:_authToken=" + rnd(36)))
        .containsExactly("npmrc-auth");
    assertThat(detectors(".npmrc", "//r.acme.io/:_authToken=${NPM_TOKEN}")).isEmpty();
    assertThat(detectors(".pypirc", "[pypi]\nusername = __token__\npassword = " + rnd(20)))
        .containsExactly("pypirc-password");
    assertThat(detectors("notes.txt", "password = " + "<your token>")).isEmpty();
    assertThat(detectors(".netrc", "machine h login u password " + rnd(16)))
        .containsExactly("netrc-password");
    assertThat(detectors(".htpasswd", "admin:$2y$10$" + rnd(53, AN + "./")))
        .containsExactly("htpasswd");
    assertThat(detectors("seed.sql", "x admin:$2y$10$" + rnd(53, AN + "./"))).isEmpty();
    assertThat(detectors("users", "admin:$apr1$abcd1234$" + rnd(22, AN + "./")))
        .containsExactly("htpasswd");
  }

  @Test
  void genericAssignmentNeedsAGeneratedLookingValue() {
    assertThat(detectors("db_password = \"q7Z!x9Lm2pR4\"")).containsExactly("generic-assignment");
    assertThat(detectors("api_key: " + rnd(32))).containsExactly("generic-assignment");
    assertThat(detectors("password = os.environ[\"DB_PASSWORD\"]")).isEmpty();
    assertThat(detectors("token = get_token()")).isEmpty();
    assertThat(detectors("password: changeme")).isEmpty();
    assertThat(detectors("password: \"{{ .Values.db.password }}\"")).isEmpty();
    assertThat(detectors("secret_key = settings.SECRET_KEY")).isEmpty();
    assertThat(detectors("token: ${{ secrets.GITHUB_TOKEN }}")).isEmpty();
    assertThat(detectors("password_file: /run/secrets/db_password")).isEmpty();
    assertThat(detectors("token_digest: sha256:" + rnd(64, "0123456789abcdef"))).isEmpty();
    assertThat(detectors("secret: arn:aws:secretsmanager:eu-west-1:1:secret:db")).isEmpty();
    assertThat(detectors("password: " + "Example" + rnd(10))).isEmpty();
  }

  @Test
  void codeAndTemplatesAroundSecretNamesAreNotSecrets() {
    assertThat(detectors("static final Pattern SECRET = Pattern.compile(\"x\");")).isEmpty();
    assertThat(detectors("String token = v.startsWith(\"a\") ? a : b;")).isEmpty();
    assertThat(detectors("aws_session_token = FwoGZXIvYXdzE...")).isEmpty();
    assertThat(detectors("password = \"%s\" % generated")).isEmpty();
    assertThat(detectors("text = \"machine h login u password \" + pw")).isEmpty();
    assertThat(detectors("xoxb-1234567890-1234567890123-")).isEmpty();
    assertThat(detectors("tokens: Iterable[Tuple[str, int]]")).isEmpty();
    assertThat(detectors("private_key: _DSAPrivateKey")).isEmpty();
    assertThat(detectors("token = split_header[1]")).isEmpty();
    assertThat(detectors("password = result.groups?.password;")).isEmpty();
    assertThat(detectors("CHALLENGE_PASSWORD = \"challengePassword\"")).isEmpty();
    assertThat(detectors("git-credential-store: git-credential-store.o")).isEmpty();
    assertThat(detectors("See http://user:xyz@host/ and https://a:b@c/")).isEmpty();
    assertThat(detectors("git clone https://u:ghp_xxxxxxxx@github.com/o/r")).isEmpty();
  }

  @Test
  void textWithoutAnyAnchorYieldsNothing() {
    assertThat(SecretDetectors.find("hello world\n".repeat(1000))).isEmpty();
    assertThat(SecretDetectors.find("")).isEmpty();
  }

  @Test
  void hostileInputIsHandledInBoundedWork() {
    StringBuilder sb = new StringBuilder();
    sb.append("password=").append("a".repeat(100_000)).append('\n');
    sb.append("AKIA".repeat(25_000)).append('\n');
    sb.append("ghp_".repeat(25_000)).append('\n');
    sb.append("-----BEGIN RSA PRIVATE KEY-----".repeat(3_000)).append('\n');
    sb.append("eyJ.".repeat(25_000)).append('\n');
    sb.append("postgres://".repeat(10_000)).append("u:").append("p".repeat(50_000)).append('\n');
    sb.append("sig=".repeat(25_000)).append('\n');
    sb.append("token: ".repeat(15_000)).append('\n');
    sb.append("x".repeat(100_000)).append(" glpat-").append("x".repeat(100_000));
    List<SecretHit> hits = SecretDetectors.find(sb.toString());
    assertThat(hits).allSatisfy(h -> assertThat(h.end()).isGreaterThan(h.start()));
  }

  @Test
  void anchorIndexFindsOverlappingAnchorsCaseInsensitively() {
    AnchorIndex index = new AnchorIndex(List.of("ghp_", "hp_x", "AKIA", "key"));
    assertThat(index.scan("xx GHP_X akia").stream().boxed().toList()).containsExactly(0, 1, 2);
    assertThat(index.scan("monkey").stream().boxed().toList()).containsExactly(3);
  }

  @Test
  void aKeycloakOtpSeedIsReportedInAnExportAndAnImportButNotMaskedOrReferenced() {
    String realm = "{\"realm\": \"mfa\", \"otpPolicyType\": \"totp\", \"users\": ["
        + "{\"credentials\": [{\"type\": \"otp\", \"secretData\": "
        + "\"{\\\"value\\\":\\\"Jf7Qm2Xr9Lk4Wv8Tn3Pz\\\"}\", \"credentialData\": "
        + "\"{\\\"subType\\\":\\\"totp\\\"}\"}]},"
        + " {\"credentials\": [{\"value\": \"KZXW6YTBOI3GS4TFMNUW2Z3F\", \"type\": \"totp\"}]},"
        + " {\"credentials\": [{\"type\": \"otp\", \"secretData\": "
        + "\"{\\\"value\\\":\\\"**********\\\"}\"},"
        + " {\"type\": \"hotp\", \"value\": \"${HOTP_SEED}\"},"
        + " {\"type\": \"password\", \"secretData\": \"{\\\"value\\\":\\\"q1Vd3kLx9PzA0mWf\\\"}\"}"
        + "]}]}";
    List<SecretHit> hits = realmHits("mfa-realm.json", realm);
    assertThat(hits).extracting(h -> realm.substring(h.start(), h.end()))
        .containsExactly("Jf7Qm2Xr9Lk4Wv8Tn3Pz", "KZXW6YTBOI3GS4TFMNUW2Z3F");
    assertThat(hits).allSatisfy(h -> assertThat(h.kind()).startsWith("OTP seed"));
  }

  @Test
  void aTemplateIsReadAsTheFileItRenders() {
    assertThat(SecretDetectors.renderedName("database.yml.erb")).isEqualTo("database.yml");
    assertThat(SecretDetectors.renderedName(".env.j2")).isEqualTo(".env");
    assertThat(SecretDetectors.renderedName("values.yaml.gotmpl")).isEqualTo("values.yaml");
    assertThat(SecretDetectors.renderedName("main.tpl")).isEqualTo("main.tpl");
    assertThat(SecretDetectors.renderedName(".env.example")).isEqualTo(".env.example");
  }

  @Test
  void aKeycloakRealmIsReadByItsStructureAndPointsAtTheValue() {
    String realm = "{\"realm\": \"shop\", \"users\": [{\"username\": \"a\", \"credentials\": ["
        + "{\"value\": \"gooseberry\", \"type\": \"password\"},"
        + " {\"type\": \"otp-policy\", \"value\": \"totp-setting\"}]}],"
        + " \"clients\": [{\"clientId\": \"x\", \"secret\": \"**********\"},"
        + " {\"clientId\": \"y\", \"secret\": \"Wq8rT2zLx5Vn9KmB\"}],"
        + " \"smtpServer\": {\"secret\": \"not-a-client-secret-9Xk\"}}";
    List<SecretHit> hits = realmHits("shop-realm.json", realm);
    assertThat(hits).extracting(h -> realm.substring(h.start(), h.end()))
        .containsExactly("gooseberry", "Wq8rT2zLx5Vn9KmB");
    assertThat(hits.get(0).chosen()).isTrue();
    // Without "realm" the file is not a realm export; a file cut short keeps what came before.
    assertThat(realmHits("other.json", realm.replace("\"realm\"", "\"name\""))).isEmpty();
    assertThat(realmHits("shop-realm.json", realm.substring(0, 120))).hasSize(1);
  }

  private static List<SecretHit> realmHits(String name, String text) {
    return SecretDetectors.find(name, text).stream()
        .filter(h -> h.detector().equals("keycloak-realm")).toList();
  }
}
