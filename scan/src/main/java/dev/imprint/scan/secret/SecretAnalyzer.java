package dev.imprint.scan.secret;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Location;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.List;

/** Runs {@link SecretDetectors} on every text file and reports each hit under its rule. */
public final class SecretAnalyzer implements Analyzer {

  /**
   * The finding of a detector's hit in text that a typed analyzer decoded or extracted (a
   * base64 ConfigMap entry, user data), reported at {@code at} under the hit's IMP-SECRET rule,
   * or null when no rule reports that detector.
   *
   * @param where what held the text, e.g. {@code "ConfigMap shop/app, binaryData 'app.env'"}
   * @param key identifies the place in its file, independently of its line
   */
  public static Finding finding(SecretHit hit, Location at, String where, String key) {
    Rule rule = SecretRules.BY_DETECTOR.get(hit.detector());
    if (rule == null) {
      return null;
    }
    return withAliases(rule.at(at, hit.kind() + " in " + where
            + "; revoke it and load it from a secret store")
        .withSecret(hit.evidence()).withKey(key + ":" + hit.identity()), hit, key + ":");
  }

  /**
   * The finding of a hit carrying the identities of the hits of the same secret its detector
   * won over ({@link SecretHit#aliases()}), each under the rule of its own detector.
   */
  private static Finding withAliases(Finding f, SecretHit hit) {
    return withAliases(f, hit, "");
  }

  private static Finding withAliases(Finding f, SecretHit hit, String keyPrefix) {
    Finding out = f;
    for (String alias : hit.aliases()) {
      Rule rule = SecretRules.BY_DETECTOR.get(alias.substring(0, alias.indexOf(':')));
      String key = keyPrefix + alias;
      if (rule != null && !(rule.id().equals(f.ruleId()) && key.equals(f.identityKey()))) {
        out = out.withAlias(rule.id(), key);
      }
    }
    return out;
  }

  @Override
  public String name() {
    return "secret";
  }

  @Override
  public List<Rule> rules() {
    return SecretRules.ALL;
  }

  @Override
  public Session start(ScanSettings settings) {
    return SecretAnalyzer::analyze;
  }

  /**
   * A CI pipeline definition: the CI analyzer judges its environment and action inputs, and a
   * job's service container (a throwaway database with the image's default password) is not
   * configuration of anything deployed.
   */
  private static boolean pipeline(String path) {
    String p = path.replace('\\', '/');
    return p.contains(".github/workflows/") || p.endsWith(".gitlab-ci.yml")
        || p.endsWith(".gitlab-ci.yaml");
  }

  private static void analyze(SourceFile file, Sink sink) {
    String path = file.path();
    if (path.startsWith(".git/") || path.contains("/.git/")) {
      return;
    }
    for (SecretHit hit : SecretDetectors.find(file.name(), file.text())) {
      Rule rule = SecretRules.BY_DETECTOR.get(hit.detector());
      if (rule == null || hit.chosen() && TestCode.holdsExamples(file)
          || hit.detector().equals("config-assignment") && pipeline(path)) {
        continue;
      }
      sink.report(withAliases(rule.at(file.locationOfOffset(hit.start()),
              hit.kind() + " in plain text; revoke it and load it from a secret store")
          .withSecret(hit.evidence())
          .withKey(hit.identity())
          .withLegacyKey(hit.detector() + ":" + Finding.LEGACY_SECRET), hit));
    }
  }
}
