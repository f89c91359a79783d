package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.ChecklistEvidence;
import dev.imprint.scan.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Maps every provider of the checklist's "Secrets anywhere in text" section to its rules. */
class SecretChecklistTest {
  static final Map<String, List<String>> CHECKLIST = new LinkedHashMap<>();

  static {
    CHECKLIST.put("AWS access key id + secret pair", List.of("IMP-SECRET-001", "IMP-SECRET-002"));
    CHECKLIST.put("AWS session tokens", List.of("IMP-SECRET-003"));
    CHECKLIST.put("GitHub (classic, fine-grained, app, OAuth)", List.of("IMP-SECRET-004"));
    CHECKLIST.put("GitLab (personal, pipeline trigger, runner, deploy)",
        List.of("IMP-SECRET-005"));
    CHECKLIST.put("Slack (bot, user, webhook)", List.of("IMP-SECRET-006", "IMP-SECRET-007"));
    CHECKLIST.put("Stripe (live secret, restricted)", List.of("IMP-SECRET-008"));
    CHECKLIST.put("Google API key", List.of("IMP-SECRET-009"));
    CHECKLIST.put("Google service-account JSON key", List.of("IMP-SECRET-010"));
    CHECKLIST.put("Google OAuth client secret (GOCSPX-, beyond the checklist)",
        List.of("IMP-SECRET-035"));
    CHECKLIST.put("Azure storage keys", List.of("IMP-SECRET-011"));
    CHECKLIST.put("Azure client secrets", List.of("IMP-SECRET-012"));
    CHECKLIST.put("Azure SAS", List.of("IMP-SECRET-013"));
    CHECKLIST.put("npm", List.of("IMP-SECRET-014"));
    CHECKLIST.put("PyPI", List.of("IMP-SECRET-015"));
    CHECKLIST.put("Docker Hub", List.of("IMP-SECRET-016"));
    CHECKLIST.put("Twilio", List.of("IMP-SECRET-017"));
    CHECKLIST.put("SendGrid", List.of("IMP-SECRET-018"));
    CHECKLIST.put("Datadog", List.of("IMP-SECRET-019"));
    CHECKLIST.put("HashiCorp Vault tokens", List.of("IMP-SECRET-020"));
    CHECKLIST.put("Terraform Cloud tokens", List.of("IMP-SECRET-021"));
    CHECKLIST.put("OpenAI/Anthropic keys", List.of("IMP-SECRET-022", "IMP-SECRET-023"));
    CHECKLIST.put("JWTs", List.of("IMP-SECRET-024"));
    CHECKLIST.put("private key blocks (RSA, EC, OpenSSH, PGP, PKCS#8)",
        List.of("IMP-SECRET-025", "IMP-SECRET-026"));
    CHECKLIST.put("database URLs with passwords", List.of("IMP-SECRET-027"));
    CHECKLIST.put(".netrc", List.of("IMP-SECRET-028"));
    CHECKLIST.put(".npmrc auth lines", List.of("IMP-SECRET-029"));
    CHECKLIST.put(".pypirc auth lines", List.of("IMP-SECRET-030"));
    CHECKLIST.put("kubeconfig client keys and tokens", List.of("IMP-SECRET-031"));
    CHECKLIST.put("htpasswd hashes", List.of("IMP-SECRET-032"));
    CHECKLIST.put("Generic secret name bound to a literal",
        List.of("IMP-SECRET-033", "IMP-SECRET-034"));
  }

  @Test
  void everyChecklistProviderMapsToRulesInTheCatalog() {
    List<String> ids = Catalog.rules().stream().map(Rule::id).toList();
    CHECKLIST.forEach((label, rules) ->
        assertThat(ids).as(label).containsAll(rules));
  }

  @Test
  void everySecretRuleIsOnTheChecklist() {
    List<String> mapped = CHECKLIST.values().stream().flatMap(List::stream).toList();
    assertThat(new SecretAnalyzer().rules()).extracting(Rule::id)
        .containsExactlyInAnyOrderElementsOf(mapped);
  }

  @Test
  void everyDetectorReportsUnderARule() {
    assertThat(SecretRules.BY_DETECTOR.keySet())
        .containsAll(SecretDetectors.detectorIds());
  }

  /**
   * Where each mapped rule fires on its bad examples ({@code rules/<ID>/positive}), as
   * {@code file:line}: written down here, checked against the scanner, and nowhere else.
   */
  static final Map<String, List<String>> FIRES_AT = Map.ofEntries(
      Map.entry("IMP-SECRET-001", List.of("deploy.env:2")),
      Map.entry("IMP-SECRET-002", List.of("credentials:3")),
      Map.entry("IMP-SECRET-003", List.of(".env:1")),
      Map.entry("IMP-SECRET-004", List.of("release.sh:1")),
      Map.entry("IMP-SECRET-005", List.of("gitlab-vars.yml:2")),
      Map.entry("IMP-SECRET-006", List.of("bot.py:1")),
      Map.entry("IMP-SECRET-007", List.of("alerts.yaml:1")),
      Map.entry("IMP-SECRET-008", List.of("settings.py:1")),
      Map.entry("IMP-SECRET-009", List.of("maps.js:1")),
      Map.entry("IMP-SECRET-010", List.of("sa.json:5")),
      Map.entry("IMP-SECRET-011", List.of("appsettings.json:1")),
      Map.entry("IMP-SECRET-012", List.of("pipeline.env:1")),
      Map.entry("IMP-SECRET-013", List.of("upload.sh:1")),
      Map.entry("IMP-SECRET-014", List.of("publish.sh:1")),
      Map.entry("IMP-SECRET-015", List.of("upload.cfg:1")),
      Map.entry("IMP-SECRET-016", List.of("login.sh:1")),
      Map.entry("IMP-SECRET-017", List.of("sms.env:2")),
      Map.entry("IMP-SECRET-018", List.of("mail.py:1")),
      Map.entry("IMP-SECRET-019", List.of("datadog.yaml:1")),
      Map.entry("IMP-SECRET-020", List.of("vault.env:1")),
      Map.entry("IMP-SECRET-021", List.of("credentials.tfrc.json:1")),
      Map.entry("IMP-SECRET-022", List.of("agent.py:1")),
      Map.entry("IMP-SECRET-023", List.of("claude.env:1")),
      Map.entry("IMP-SECRET-024", List.of("call.http:2")),
      Map.entry("IMP-SECRET-025", List.of("configmap-binarydata.yaml:7", "id_ed25519:2",
          "id_rsa:2")),
      Map.entry("IMP-SECRET-026", List.of("key.pem:2")),
      Map.entry("IMP-SECRET-027", List.of("application.properties:1")),
      Map.entry("IMP-SECRET-028", List.of(".netrc:3")),
      Map.entry("IMP-SECRET-029", List.of(".npmrc:1")),
      Map.entry("IMP-SECRET-030", List.of(".pypirc:7")),
      Map.entry("IMP-SECRET-031", List.of("kubeconfig.yaml:9")),
      Map.entry("IMP-SECRET-032", List.of(".htpasswd:1")),
      Map.entry("IMP-SECRET-033", List.of("config.py:1", "dollar-in-literal/release.sh:3")),
      Map.entry("IMP-SECRET-034", List.of("application.properties:4",
          "configmap-properties.yaml:10", "dotenv/.env:1", "dotenv/.env:2", "my.cnf:3",
          "redis.conf:2", "spring-fallback.properties:2", "worker.ini:3")),
      Map.entry("IMP-SECRET-035", List.of("SETUP.md:6", "oauth.env:2")));

  @Test
  void everyMappedRuleFiresAtTheWrittenLinesOnItsBadExamplesAndStaysQuietOnItsGoodOnes() {
    ChecklistEvidence.assertEnforced(CHECKLIST, FIRES_AT);
  }
}
