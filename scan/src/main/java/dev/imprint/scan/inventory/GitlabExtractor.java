package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.ci.GitlabJob;
import dev.imprint.scan.ci.GitlabPipeline;
import dev.imprint.scan.ci.GitlabPipelineReader;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitLab pipeline as an identity: static AWS keys (literal variables or CI/CD variables its
 * scripts use) versus OIDC {@code id_tokens:}.
 */
final class GitlabExtractor implements Extractor {
  private static final Pattern VAR_USE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]{0,100})");

  @Override
  public void read(SourceFile file, Facts facts) {
    if (!GitlabPipelineReader.isGitlabName(file.lowerName())) {
      return;
    }
    GitlabPipeline p = GitlabPipelineReader.read(file).map(r -> r.pipeline()).orElse(null);
    if (p == null) {
      return;
    }
    Set<String> flags = new LinkedHashSet<>();
    List<String> details = new ArrayList<>();
    List<String> usedBy = new ArrayList<>();
    Set<String> awsNames = new TreeSet<>();
    List<Facts.StaticKey> keys = new ArrayList<>();
    boolean oidc = false;
    awsNames.addAll(literalAws(p.root().map("variables"), file, flags, keys));
    for (GitlabJob job : p.jobs()) {
      if (job.name().startsWith(".")) {
        continue;
      }
      usedBy.add("job " + job.name() + " (" + file.path() + ":" + job.line() + ")");
      oidc |= job.idTokens();
      awsNames.addAll(literalAws(job.variables(), file, flags, keys));
      for (YamlNode s : job.scripts()) {
        String t = s.text();
        if (t == null) {
          continue;
        }
        Matcher m = VAR_USE.matcher(t);
        while (m.find()) {
          if (CiCredentials.isAwsKeyName(m.group(1))
              && awsNames.add(m.group(1) + " from CI/CD variables")) {
            keys.add(new Facts.StaticKey(m.group(1), m.group(1),
                new Place(file.path(), s.line())));
          }
        }
      }
    }
    boolean staticAws = !awsNames.isEmpty();
    if (staticAws) {
      flags.add("static-cloud-key");
      details.add("holds a static AWS key: " + String.join(", ", awsNames));
    }
    if (oidc) {
      details.add("requests OIDC id_tokens (federated)");
    }
    String credential = staticAws ? (oidc ? "static+federated" : "static")
        : oidc ? "federated" : "token";
    Identity id = new Identity("gitlab:" + file.path(), Inventory.KIND_GITLAB, file.path(),
        Place.file(file.path()), Access.UNKNOWN, List.of(), credential, List.of(), usedBy,
        List.copyOf(flags), details);
    facts.pipelines.add(new Facts.Pipeline(id, keys, List.of(), oidc, null));
  }

  private static List<String> literalAws(YamlMap vars, SourceFile file, Set<String> flags,
      List<Facts.StaticKey> keys) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, YamlNode> e : vars.entries().entrySet()) {
      if (!CiCredentials.isAwsKeyName(e.getKey()) || e.getValue() == null) {
        continue;
      }
      String v = e.getValue().text();
      if (v == null) {
        v = e.getValue().asMap().str("value");
      }
      if (v != null && !v.isBlank() && !CiCredentials.isReference(v)) {
        out.add(e.getKey() + " as a literal value (line " + vars.keyLine(e.getKey()) + ")");
        keys.add(new Facts.StaticKey(e.getKey(), null,
            new Place(file.path(), vars.keyLine(e.getKey()))));
        flags.add("literal-credential");
      }
    }
    return out;
  }
}
