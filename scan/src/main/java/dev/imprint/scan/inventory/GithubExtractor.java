package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.ci.GithubJob;
import dev.imprint.scan.ci.GithubStep;
import dev.imprint.scan.ci.GithubWorkflow;
import dev.imprint.scan.ci.GithubWorkflowReader;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A GitHub workflow as an identity: the secrets its jobs hold (static AWS keys by name, literal
 * values), the roles they assume through OIDC and the {@code GITHUB_TOKEN} permissions.
 */
final class GithubExtractor implements Extractor {
  @Override
  public void read(SourceFile file, Facts facts) {
    if (!GithubWorkflowReader.isWorkflowPath(file.path())) {
      return;
    }
    GithubWorkflow wf = GithubWorkflowReader.read(file).map(r -> r.workflow()).orElse(null);
    if (wf == null || wf.composite()) {
      return;
    }
    Set<String> flags = new LinkedHashSet<>();
    List<String> details = new ArrayList<>();
    List<String> usedBy = new ArrayList<>();
    Set<String> permissions = new LinkedHashSet<>();
    List<Facts.RoleRef> roles = new ArrayList<>();
    List<Facts.StaticKey> keys = new ArrayList<>();
    boolean oidc = false;
    boolean anyStatic = false;
    String access = "none";
    Set<String> secrets = new TreeSet<>(CiCredentials.secretNames(wf.env()));
    for (GithubJob job : wf.jobs()) {
      usedBy.add("job " + job.id() + " (" + file.path() + ":" + job.line() + ")");
      YamlNode perms = job.permissions() != null ? job.permissions() : wf.permissions();
      access = Access.max(access, tokenAccess(perms, permissions));
      if (perms == null) {
        flags.add("token-permissions-unset");
      }
      if (perms instanceof YamlMap m && "write".equals(m.str("id-token"))) {
        oidc = true;
      } else if (perms != null && "write-all".equals(perms.text())) {
        oidc = true;
      }
      Set<String> jobSecrets = CiCredentials.secretNames(job.node());
      secrets.addAll(jobSecrets);
      List<Facts.StaticKey> jobKeys = new ArrayList<>();
      jobKeys.addAll(awsNames(wf.env(), file, flags));
      jobKeys.addAll(awsNames(job.env(), file, flags));
      for (GithubStep step : job.steps()) {
        jobKeys.addAll(awsNames(step.env(), file, flags));
        jobKeys.addAll(awsNames(step.with(), file, flags));
        String role = step.with().str("role-to-assume");
        if (role != null && !role.isBlank()) {
          Place at = new Place(file.path(), step.with().keyLine("role-to-assume"));
          roles.add(new Facts.RoleRef(role.trim(), at));
          details.add("job " + job.id() + " assumes AWS role " + role.trim()
              + " through OIDC (" + at + ")");
        }
      }
      if (!jobKeys.isEmpty()) {
        Set<String> shown = new TreeSet<>();
        for (Facts.StaticKey k : jobKeys) {
          shown.add(k.variable() + (k.secret() == null ? " as a literal value"
              : " from secrets." + k.secret()) + " (" + k.place() + ")");
        }
        details.add("job " + job.id() + " holds a static AWS key: " + String.join(", ", shown));
        keys.addAll(jobKeys);
      }
      if (!jobSecrets.isEmpty()) {
        anyStatic = true;
      }
    }
    if (!secrets.isEmpty()) {
      details.add("secrets referenced: " + String.join(", ", secrets));
      anyStatic = true;
    }
    boolean staticAws = !keys.isEmpty();
    if (staticAws) {
      flags.add("static-cloud-key");
    }
    if (staticAws && oidc) {
      flags.add("static-key-despite-oidc");
    }
    if (wf.triggers().contains("pull_request_target") && (anyStatic || oidc)) {
      flags.add("credentials-on-untrusted-trigger");
    }
    String credential = staticAws || anyStatic
        ? (oidc && !roles.isEmpty() ? "static+federated" : "static")
        : oidc ? "federated" : "token";
    details.add(0, "GITHUB_TOKEN: " + (permissions.isEmpty() ? "default permissions"
        : String.join(", ", permissions)));
    if (oidc) {
      details.add("can request a GitHub OIDC token (id-token: write)");
    }
    String title = wf.root().str("name");
    String name = title == null ? file.path() : title + " (" + file.path() + ")";
    Identity id = new Identity("github:" + file.path(), Inventory.KIND_GITHUB, name,
        Place.file(file.path()), access, List.copyOf(permissions), credential, List.of(),
        usedBy, List.copyOf(flags), details);
    facts.pipelines.add(new Facts.Pipeline(id, keys, roles, oidc, file.file() == null ? null
        : GitRemote.ofWorkflow(file.file()).orElse(null)));
  }

  /** The entries of a map that carry a static AWS key (a secret reference or a literal). */
  private static List<Facts.StaticKey> awsNames(YamlMap map, SourceFile file,
      Set<String> flags) {
    List<Facts.StaticKey> out = new ArrayList<>();
    for (Map.Entry<String, YamlNode> e : map.entries().entrySet()) {
      if (!CiCredentials.isAwsKeyName(e.getKey())) {
        continue;
      }
      String v = e.getValue() == null ? null : e.getValue().text();
      if (v == null || v.isBlank()) {
        continue;
      }
      Place at = new Place(file.path(), map.keyLine(e.getKey()));
      if (CiCredentials.isReference(v)) {
        Set<String> names = CiCredentials.secretNames(e.getValue());
        out.add(new Facts.StaticKey(e.getKey(), names.isEmpty() ? v.trim()
            : names.iterator().next(), at));
      } else {
        out.add(new Facts.StaticKey(e.getKey(), null, at));
        flags.add("literal-credential");
      }
    }
    return out;
  }

  /** The GITHUB_TOKEN access a permissions node gives, adding its grants to {@code out}. */
  private static String tokenAccess(YamlNode perms, Set<String> out) {
    if (perms == null) {
      out.add("default (repository setting)");
      return "unknown";
    }
    String t = perms.text();
    if (t != null) {
      out.add(t);
      return "write-all".equals(t) ? "admin" : "read";
    }
    String level = "none";
    for (Map.Entry<String, YamlNode> e : perms.asMap().entries().entrySet()) {
      String v = e.getValue() == null ? "" : String.valueOf(e.getValue().text());
      out.add(e.getKey() + ": " + v);
      String l = v.toLowerCase(Locale.ROOT);
      if ("write".equals(l) && !"id-token".equals(e.getKey())) {
        level = "write";
      } else if ("read".equals(l) && "none".equals(level)) {
        level = "read";
      }
    }
    return level;
  }
}
