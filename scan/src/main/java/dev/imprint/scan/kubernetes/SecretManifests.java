package dev.imprint.scan.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Category;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.Encoded;
import dev.imprint.scan.secret.SecretAnalyzer;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlScalar;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Secret values committed in manifests: a {@code Secret}'s {@code data} (base64, decoded here)
 * and {@code stringData} entries, and secrets that the detectors find in a ConfigMap's
 * {@code binaryData} (decoded) or in a configuration file a ConfigMap carries
 * ({@code application.properties: |}). A SealedSecret or an ExternalSecret is not a Secret and
 * holds no value, nor does a SOPS-encrypted one; placeholders, certificates, plain settings (a
 * user name, a host) and values neither named nor shaped like a secret are not reported. Each
 * finding is at the line of the value.
 */
final class SecretManifests {
  static final Rule COMMITTED_SECRET = Rule.builder("IMP-K8S-045")
      .title("Secret manifest with committed values")
      .severity(Severity.CRITICAL).category(Category.NHI2)
      .rationale("A Secret's data is only base64-encoded, not encrypted: a committed Secret "
          + "manifest gives its values to everyone who can read the repository, its forks and "
          + "its history, and whoever applies it copies them into every cluster.")
      .remediation("Remove the Secret from the repository and rotate its values. Commit a "
          + "SealedSecret (encrypted for one cluster) or an ExternalSecret that reads the "
          + "value from a secret store, or create the Secret at deploy time from the CI's "
          + "secret store; keep only placeholders in examples.")
      .example("kind: Secret\ndata:\n  password: UzNjcjN0LXByb2Q=",
          "kind: ExternalSecret\nspec:\n  data:\n  - secretKey: password\n"
              + "    remoteRef: {key: prod/db, property: password}")
      .tags("kubernetes", "secret").build();

  /** Keys of a Secret that name settings next to the secret, not the secret. */
  private static final Pattern SETTING_KEY = Pattern.compile("(?i)(user(_?name)?|login|host"
      + "(name)?|port|database|db(_?name)?|schema|namespace|region|endpoint|url|uri|bucket"
      + "|email|realm|tenant(_?id)?|client_?id|account(_?id)?|project(_?id)?|ca\\.crt|tls\\.crt"
      + "|ca\\.pem|.*\\.crt|.*\\.cert|.*\\.pub|.*cert\\.pem)");
  /** Keys of an image pull Secret: a Docker client configuration with registry credentials. */
  private static final Pattern DOCKER_CONFIG_KEY = Pattern.compile("\\.docker(config)?json|"
      + "\\.dockercfg|config\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SourceFile file;
  private final Sink sink;
  private final KubernetesObject obj;

  SecretManifests(SourceFile file, Sink sink, KubernetesObject obj) {
    this.file = file;
    this.sink = sink;
    this.obj = obj;
  }

  static List<Rule> all() {
    return List.of(COMMITTED_SECRET);
  }

  void run() {
    if ("Secret".equals(obj.kind()) && isCoreApi() && !obj.node().has("sops")) {
      // A SOPS document holds ciphertext, not values.
      entries("data", true);
      entries("stringData", false);
    } else if ("ConfigMap".equals(obj.kind())) {
      // The files a ConfigMap's data carries (application.properties: |) are read by the
      // secret detectors on the manifest itself, each at its line (EmbeddedDocuments).
      binaryData();
    }
  }

  private boolean isCoreApi() {
    return obj.apiVersion() == null || obj.apiVersion().equals("v1");
  }

  private void entries(String field, boolean base64) {
    YamlMap map = obj.node().map(field);
    for (Map.Entry<String, YamlNode> e : map.entries().entrySet()) {
      if (!(e.getValue() instanceof YamlScalar s) || s.value() == null) {
        continue;
      }
      String raw = s.value().trim();
      if (raw.isEmpty() || !document(raw) && Secrets.isPlaceholder(raw)) {
        continue;
      }
      String text;
      if (base64) {
        byte[] bytes = Encoded.bytes(raw);
        if (bytes == null) {
          continue;
        }
        text = Encoded.text(bytes);
      } else {
        text = raw;
      }
      entry(field, e.getKey(), raw, text, s);
    }
  }

  /**
   * One entry: {@code text} is the decoded value, or null for binary content (a keystore),
   * which is reported as it is; what the detectors recognise names the finding.
   */
  private void entry(String field, String key, String raw, String text, YamlScalar at) {
    if (text != null && DOCKER_CONFIG_KEY.matcher(key).matches()
        && registryCredentials(field, key, text, at)) {
      return;
    }
    if (text != null && (text.isBlank() || publicMaterial(text) || !document(text)
        && (Secrets.isPlaceholder(text.trim()) || Secrets.isTestMarker(text)))) {
      return;
    }
    List<SecretHit> hits = text == null ? List.of() : SecretDetectors.find(
        SecretDetectors.documentName(key, text), text).stream()
        .filter(h -> !h.evidence().placeholder()).toList();
    if (!base64(field) && hits.size() > 0 && text.indexOf('\n') >= 0 && eachAtItsLine(
        field, key, text, hits, at)) {
      return;
    }
    if (hits.size() > 1 && (base64(field) || text.strip().indexOf('\n') < 0)) {
      // A file in one value (base64, or JSON on one line): each secret at the value's line,
      // where the secret detectors reading the embedded file report it too.
      String where = obj.address() + " commits " + field + " '" + key + "'";
      for (SecretHit hit : hits) {
        sink.report(COMMITTED_SECRET.at(file.location(at.line(), Math.max(1, at.column())),
            where + " (" + hit.kind() + ")" + (base64(field) ? ", only base64-encoded"
                : ", in plain text")).withSecret(hit.evidence())
            .withKey(obj.address() + "/" + field + "/" + key));
      }
      return;
    }
    SecretHit recognised = hits.isEmpty() ? null : hits.get(0);
    if (recognised == null && (SETTING_KEY.matcher(key).matches()
        || text != null && !Secrets.isSecretName(key)
        && !Secrets.looksLikeFreeTextSecret(text.strip(), true))) {
      // Neither named as a secret nor shaped like one: "greeting: Welcome", a host, a user.
      return;
    }
    String where = obj.address() + " commits " + field + " '" + key + "'";
    String what = recognised != null ? " (" + recognised.kind() + ")"
        : text == null ? " (binary content)" : "";
    SecretEvidence evidence = recognised != null ? recognised.evidence()
        : SecretEvidence.of(text == null ? raw : text.strip());
    sink.report(COMMITTED_SECRET.at(file.location(at.line(), Math.max(1, at.column())),
        where + what + (base64(field) ? ", only base64-encoded" : ", in plain text"))
        .withSecret(evidence).withKey(obj.address() + "/" + field + "/" + key));
  }

  /**
   * Whether a value is a file of several lines ({@code realm.json: |}): a masked value or an
   * {@code example.com} address in it says nothing about the rest, so the detectors judge it
   * value by value instead of the whole being dismissed as a placeholder or an example.
   */
  private static boolean document(String text) {
    return text.strip().indexOf('\n') >= 0;
  }

  private static boolean base64(String field) {
    return field.equals("data");
  }

  /**
   * A file carried in plain text in a block ({@code stringData: realm.json: |}): each secret
   * the detectors find in it is reported at its own line of the manifest, where the secret
   * detectors reading the embedded file report it too, so that the scanner keeps one finding
   * per secret and line (this rule's). False, and nothing reported, when a hit's line cannot be
   * placed in the manifest (a folded block): the value is then reported once at its key.
   */
  private boolean eachAtItsLine(String field, String key, String text, List<SecretHit> hits,
      YamlScalar at) {
    int[] lines = new int[hits.size()];
    for (int i = 0; i < hits.size(); i++) {
      lines[i] = hostLine(text, hits.get(i), at.line());
      if (lines[i] < 0) {
        return false;
      }
    }
    String where = obj.address() + " commits " + field + " '" + key + "'";
    for (int i = 0; i < hits.size(); i++) {
      SecretHit hit = hits.get(i);
      String line = file.line(lines[i]);
      String value = text.substring(hit.start(), hit.end());
      sink.report(COMMITTED_SECRET.at(file.location(lines[i], line.indexOf(value) + 1),
          where + " (" + hit.kind() + "), in plain text")
          .withSecret(hit.evidence()).withKey(obj.address() + "/" + field + "/" + key));
    }
    return true;
  }

  /**
   * The manifest line of a hit in a block scalar's text: a literal block's lines follow its key
   * line one for one; -1 when that line does not hold the hit's text.
   */
  private int hostLine(String text, SecretHit hit, int keyLine) {
    int index = 0;
    for (int k = text.indexOf('\n'); k >= 0 && k < hit.start(); k = text.indexOf('\n', k + 1)) {
      index++;
    }
    int line = keyLine + 1 + index;
    String value = text.substring(hit.start(), hit.end());
    return !value.isEmpty() && value.indexOf('\n') < 0 && line <= file.lineCount()
        && file.line(line).contains(value) ? line : -1;
  }

  /**
   * An image pull Secret ({@code .dockerconfigjson}, or the legacy {@code .dockercfg} without
   * {@code auths}): reported once, with the first registry that holds a password, an
   * {@code auth} (base64 {@code user:password}) or an identity token; credential helpers and
   * placeholders hold nothing. False when the text is no Docker client configuration (a
   * {@code config.json} of the application), which is then judged like any other value.
   */
  private boolean registryCredentials(String field, String key, String text, YamlScalar at) {
    JsonNode root;
    try {
      root = text.strip().startsWith("{") ? JSON.readTree(text) : null;
    } catch (JsonProcessingException e) {
      return false;
    }
    boolean legacy = key.equals(".dockercfg");
    if (root == null || !root.isObject() || !legacy && !root.has("auths")) {
      return false;
    }
    JsonNode registries = legacy && !root.has("auths") ? root : root.get("auths");
    List<String> hosts = new ArrayList<>();
    String credential = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = registries.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> registry = it.next();
      String found = registryCredential(registry.getValue());
      if (found != null) {
        hosts.add(registry.getKey());
        credential = credential == null ? found : credential;
      }
    }
    if (credential == null) {
      return true;
    }
    String where = obj.address() + " commits " + field + " '" + key + "' (registry credentials"
        + " for " + String.join(", ", hosts) + ")";
    sink.report(COMMITTED_SECRET.at(file.location(at.line(), Math.max(1, at.column())),
        where + (field.equals("data") ? ", only base64-encoded" : ", in plain text"))
        .withSecret(SecretEvidence.of(credential)).withKey(obj.address() + "/" + field + "/"
            + key));
    return true;
  }

  /** The password or token one registry entry holds, or null. */
  private static String registryCredential(JsonNode entry) {
    if (entry == null || !entry.isObject()) {
      return null;
    }
    for (String name : List.of("password", "identitytoken", "registrytoken")) {
      String v = entry.path(name).asText("");
      if (real(v)) {
        return v;
      }
    }
    String auth = entry.path("auth").asText("");
    byte[] decoded = real(auth) ? Encoded.bytes(auth) : null;
    if (decoded == null) {
      return null;
    }
    String pair = new String(decoded, StandardCharsets.UTF_8);
    int colon = pair.indexOf(':');
    String password = colon < 0 ? pair : pair.substring(colon + 1);
    return real(password) ? password : null;
  }

  private static boolean real(String v) {
    return !v.isBlank() && !Secrets.isPlaceholder(v) && !Secrets.isTestMarker(v);
  }

  /** Certificates and public keys only: nothing secret. */
  private static boolean publicMaterial(String text) {
    String t = text.toUpperCase(Locale.ROOT);
    return (t.contains("-----BEGIN CERTIFICATE-----") || t.contains("-----BEGIN PUBLIC KEY-----")
        || t.startsWith("SSH-ED25519 ") || t.startsWith("SSH-RSA ")
        || t.startsWith("ECDSA-SHA2-")) && !t.contains("PRIVATE KEY");
  }

  /** ConfigMap binaryData: decoded, and read by the detectors like any file of that name. */
  private void binaryData() {
    YamlMap map = obj.node().map("binaryData");
    for (Map.Entry<String, YamlNode> e : map.entries().entrySet()) {
      if (e.getValue() instanceof YamlScalar s && s.value() != null) {
        String text = Encoded.text(s.value());
        if (text != null) {
          for (SecretHit hit : SecretDetectors.find(e.getKey(), text)) {
            report(hit, s.line(), s.column(), "binaryData '" + e.getKey() + "' (base64)",
                e.getKey());
          }
        }
      }
    }
  }

  private void report(SecretHit hit, int line, int column, String what, String key) {
    if (hit.evidence().placeholder()) {
      return;
    }
    Finding f = SecretAnalyzer.finding(hit, file.location(Math.max(1, line),
        Math.max(1, column)), obj.address() + " " + what, obj.address() + "/" + key);
    if (f != null) {
      sink.report(f);
    }
  }
}
