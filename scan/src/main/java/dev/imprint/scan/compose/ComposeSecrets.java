package dev.imprint.scan.compose;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.Encoded;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Top-level compose {@code secrets:} read from a {@code file:} that is part of the scanned tree:
 * compose's secret mechanism, with the secret itself committed beside the compose file.
 */
final class ComposeSecrets {
  static final Rule COMMITTED_SECRET_FILE = Rule.builder("IMP-COMPOSE-013")
      .title("Compose secret read from a file committed in the repository")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("Compose secrets keep a value out of the environment and the image, but a "
          + "secret whose file: lies in the repository is committed with it: everyone who can "
          + "read the repository, its forks and its history holds the value.")
      .remediation("Remove the file from the repository (and from its history) and rotate the "
          + "secret. Point file: at a path outside the repository that the deploy step writes "
          + "from a secret store, or use environment: with a variable the CI provides; ignore "
          + "the file name in .gitignore.")
      .example("secrets:\n  db_password:\n    file: ./secrets/db_password.txt",
          "secrets:\n  db_password:\n    environment: DB_PASSWORD")
      .tags("compose", "secret").build();
  static final List<Rule> ALL = List.of(COMMITTED_SECRET_FILE);
  private static final int MAX_READ = 64 * 1024;
  /** Secrets named for a setting next to the secret (a user name, a database, a host). */
  private static final java.util.regex.Pattern SETTING = java.util.regex.Pattern.compile(
      "(?i).*([_-]|^)(user|username|login|db|database|dbname|host|hostname|port|name|email)");

  private final SourceFile file;
  private final Sink sink;
  private final YamlMap root;

  ComposeSecrets(SourceFile file, Sink sink, YamlMap root) {
    this.file = file;
    this.sink = sink;
    this.root = root;
  }

  void run() {
    if (file.file() == null || file.file().getParent() == null) {
      return;
    }
    YamlMap secrets = root.map("secrets");
    for (Map.Entry<String, YamlNode> e : secrets.entries().entrySet()) {
      YamlMap def = e.getValue().asMap();
      String path = def.str("file");
      if (path == null || path.isBlank() || Secrets.isPlaceholder(path)
          || Path.of(path.trim()).isAbsolute()) {
        // An absolute path names a file on the host, outside the repository.
        continue;
      }
      Path target = file.file().getParent().resolve(path.trim()).normalize();
      if (!Files.isRegularFile(target)) {
        continue;
      }
      SecretEvidence evidence = evidence(target);
      if (evidence == null || !evidence.format() && SETTING.matcher(e.getKey()).matches()) {
        continue;
      }
      sink.report(COMMITTED_SECRET_FILE.at(file.location(def.keyLine("file"),
              def.keyColumn("file")), "secret '" + e.getKey() + "' is read from '"
              + path.trim() + "', a file committed beside the compose file")
          .withSecret(evidence).withKey("secrets/" + e.getKey()));
    }
  }

  /** What the file holds, or null when it holds nothing secret (empty, a placeholder). */
  private static SecretEvidence evidence(Path target) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(target)) {
      bytes = in.readNBytes(MAX_READ);
    } catch (IOException e) {
      return null;
    }
    String text = Encoded.text(bytes);
    if (text == null) {
      // Binary (a keystore, a DER key): a secret all the same.
      return SecretEvidence.of(java.util.HexFormat.of().formatHex(bytes));
    }
    String value = text.strip();
    if (value.isEmpty() || Secrets.isPlaceholder(value) || Secrets.isTestMarker(value)) {
      return null;
    }
    SecretHit hit = SecretDetectors.find(target.getFileName().toString(), text).stream()
        .filter(h -> !h.evidence().placeholder()).findFirst().orElse(null);
    return hit != null ? hit.evidence() : SecretEvidence.of(value);
  }
}
