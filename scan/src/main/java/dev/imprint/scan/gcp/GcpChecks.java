package dev.imprint.scan.gcp;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.gcp.GcpGrants.Grant;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfLiterals;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the Google Cloud rules over one Terraform file. */
final class GcpChecks {
  private static final Set<String> PRIMITIVE = Set.of("roles/owner", "roles/editor");
  private static final Set<String> IMPERSONATION = Set.of("roles/iam.serviceAccountUser",
      "roles/iam.serviceAccountTokenCreator", "roles/iam.workloadIdentityUser");
  private static final Set<String> SECRET_STORES = Set.of("google_secret_manager_secret_version",
      "vault_generic_secret", "vault_kv_secret_v2", "vault_kv_secret",
      "aws_secretsmanager_secret_version", "azurerm_key_vault_secret");
  private static final Set<String> FILE_WRITERS = Set.of("local_file", "local_sensitive_file");
  private static final List<String> INSTANCES = List.of("google_compute_instance",
      "google_compute_instance_template", "google_compute_region_instance_template");
  private static final Set<String> SCRIPT_KEYS = Set.of("startup-script", "user-data",
      "windows-startup-script-ps1", "windows-startup-script-cmd", "sysprep-specialize-script-ps1");
  private static final Set<String> FULL_SCOPES =
      Set.of("cloud-platform", "https://www.googleapis.com/auth/cloud-platform");
  /** Issuers shared by every customer: without a condition, anyone's token is accepted. */
  private static final List<String> MULTI_TENANT_ISSUERS = List.of(
      "token.actions.githubusercontent.com", "gitlab.com", "app.terraform.io",
      "oidc.circleci.com", "bitbucket.org", "vstoken.dev.azure.com");
  private static final List<String> TENANT_CLAIMS = List.of("repository", "repo_", "project",
      "namespace", "organization", "workspace", "owner", ".sub", "subject");
  private static final Pattern KEY_PRIVATE =
      Pattern.compile("google_service_account_key\\.[A-Za-z0-9_-]{1,200}(\\[[^\\]]{0,50}\\])?"
          + "\\.private_key(?![A-Za-z0-9_])");
  private static final Pattern ASSIGNMENT = Pattern.compile(
      "^\\s{0,40}(?:export\\s{1,10}|set\\s{1,10}|\\$env:)?([A-Za-z_][A-Za-z0-9_.-]{0,80})"
          + "\\s{0,10}[=:]\\s{0,10}[\"']?([^\"'\\s;]{1,400})");
  private static final Pattern DOWNLOAD_RUN = Pattern.compile(
      "\\b(?:curl|wget)\\b[^|\\n]{0,500}\\|\\s{0,5}(?:sudo\\s{1,5}(?:-\\S{1,20}\\s{1,5}){0,3})?"
          + "(?:ba|z|k|da)?sh\\b|\\b(?:ba)?sh\\s{1,5}(?:-c\\s{1,5})?[\"']?(?:<\\(|\\$\\()\\s{0,5}"
          + "(?:curl|wget)\\b");
  private static final int MAX_SCRIPT_LINES = 2_000;
  private static final int MAX_LINE = 1_000;

  private final Tf.File file;
  private final SourceFile source;
  private final Sink sink;

  GcpChecks(Tf.File file, Sink sink) {
    this.file = file;
    this.source = file.source();
    this.sink = sink;
  }

  /** The rules that need only this file; {@link #grants} runs once the module is known. */
  void run() {
    keys();
    keyExposure();
    defaultServiceAccount();
    workloadIdentity();
    metadata();
  }

  // ---- reporting ----

  private void report(Rule rule, int line, int column, String message, String key,
      SecretEvidence secret, Severity severity) {
    Finding f = rule.at(source.location(Math.max(1, line), Math.max(1, column)), message)
        .withKey(key);
    if (secret != null) {
      f = f.withSecret(secret);
    }
    sink.report(severity == null ? f : f.withSeverity(severity));
  }

  private void report(Rule rule, Tf.Block b, Tf.Attr attr, String message, String key) {
    report(rule, attr != null ? attr.line() : b.line(), attr != null ? attr.column() : b.column(),
        message, b.address() + (key.isEmpty() ? "" : "." + key), null, null);
  }

  // ---- service account keys ----

  private void keys() {
    for (Tf.Block b : file.blocks()) {
      if (b.isResource("google_service_account_key")) {
        String sa = Tf.text(b.value("service_account_id"));
        String where = b.attr("public_key_data") != null
            ? " (an uploaded public key; the private half lives outside Google Cloud)"
            : "; its private key is stored in the Terraform state";
        report(GcpRules.SA_KEY, b, null, b.address() + " creates a long-lived key for service "
            + "account '" + sa + "'" + where, "");
      } else if (b.isResource("google_storage_hmac_key")
          && !"INACTIVE".equals(b.literal("state"))) {
        report(GcpRules.HMAC_KEY, b, null, b.address() + " creates a long-lived HMAC key for '"
            + Tf.text(b.value("service_account_email")) + "'; its secret is stored in the "
            + "Terraform state", "");
      }
    }
  }

  private void keyExposure() {
    for (Tf.Block b : file.blocks()) {
      String type = b.type();
      if (type.equals("output")) {
        Tf.Attr v = b.attr("value");
        String ref = v == null ? null : keyRef(v.value());
        if (ref != null) {
          report(GcpRules.SA_KEY_EXPOSED, b, v, "output '" + b.label(0) + "' exposes " + ref,
              "value");
        }
      } else if (type.equals("module")
          || type.equals("resource") && !SECRET_STORES.contains(b.label(0))) {
        String what = type.equals("module") ? "passes it to module '" + b.label(0) + "'"
            : FILE_WRITERS.contains(b.label(0)) ? "writes it to a file"
            : "passes it to " + b.label(0);
        for (Tf.Attr a : deepAttrs(b)) {
          String ref = keyRef(a.value());
          if (ref != null) {
            report(GcpRules.SA_KEY_EXPOSED, b, a, b.address() + " " + what + " through '"
                + a.name() + "' (" + ref + ")", a.name());
          }
        }
      }
    }
  }

  private static String keyRef(Tf.Value v) {
    for (String r : v.refs()) {
      Matcher m = KEY_PRIVATE.matcher(r);
      if (m.find()) {
        return m.group();
      }
    }
    return null;
  }

  private static List<Tf.Attr> deepAttrs(Tf.Block b) {
    List<Tf.Attr> out = new ArrayList<>();
    deepAttrs(b, out, 0);
    return out;
  }

  private static void deepAttrs(Tf.Block b, List<Tf.Attr> out, int depth) {
    if (depth > 32) {
      return;
    }
    out.addAll(b.attrs().values());
    for (Tf.Block nested : b.blocks()) {
      deepAttrs(nested, out, depth + 1);
    }
  }

  // ---- IAM grants ----

  /**
   * The IAM grant rules, with roles and members resolved through the module's variables and
   * locals by {@code resolve}.
   */
  void grants(UnaryOperator<Tf.Value> resolve) {
    for (Grant g : GcpGrants.of(file, resolve)) {
      String where = g.block().address();
      String key = where + "." + g.role() + "." + g.member();
      if (PRIMITIVE.contains(g.role())) {
        report(GcpRules.PRIMITIVE_ROLE, g.line(), g.column(), where + " grants "
            + g.role() + " to '" + g.member() + "'" + (g.serviceAccountMember()
            ? " (a service account)" : ""), key, null,
            g.serviceAccountMember() ? Severity.CRITICAL : null);
      }
      if (IMPERSONATION.contains(g.role())
          && (g.scope().broad() || g.publicMember() || g.domainMember())) {
        String message = g.scope().broad() ? " to '" + g.member() + "' on the whole "
            + g.scope().shown() + ", so it covers every service account in it"
            : " to everyone in '" + g.member() + "'";
        report(GcpRules.IMPERSONATION_BROAD, g.line(), g.column(), where
            + " grants " + g.role() + message, key, null, null);
      }
      if (g.publicMember()) {
        report(GcpRules.PUBLIC_MEMBER, g.line(), g.column(), where + " grants "
            + g.role() + " to " + g.member(), key, null, null);
      }
      WorkloadMember wm = WorkloadMember.of(g.member());
      if (wm != null) {
        report(GcpRules.WORKLOAD_IDENTITY_BROAD, g.line(), g.column(), where + " grants "
            + g.role() + " to " + wm.what() + " ('" + g.member() + "')", key + ".workload",
            null, wm.severity());
      }
    }
  }

  /**
   * A workload identity member that stands for more than one workload: the default Kubernetes
   * service account of a namespace, a whole namespace, a whole cluster or a whole pool.
   */
  record WorkloadMember(String what, Severity severity) {
    private static final Pattern GKE_SA =
        Pattern.compile("serviceAccount:[^\\[]{1,300}\\.svc\\.id\\.goog\\[([^/\\]]{1,300})"
            + "/([^\\]]{1,300})\\]");
    private static final Pattern SUBJECT_SA = Pattern.compile(
        "principal://iam\\.googleapis\\.com/.{1,400}/subject/(?:ns/([^/]{1,300})/sa/([^/]{1,300})"
            + "|system:serviceaccount:([^:]{1,300}):([^:/]{1,300}))");
    private static final Pattern SET = Pattern.compile(
        "principalSet://iam\\.googleapis\\.com/.{1,400}/workloadIdentityPools/([^/]{1,300})"
            + "(/namespace/([^/]{1,300})|/kubernetes\\.cluster/.{1,400}|/\\*)");

    static WorkloadMember of(String member) {
      String m = member.trim();
      if (m.length() > 2000) {
        return null;
      }
      Matcher gke = GKE_SA.matcher(m);
      if (gke.matches()) {
        return defaultAccount(gke.group(1), gke.group(2));
      }
      Matcher subject = SUBJECT_SA.matcher(m);
      if (subject.matches()) {
        return subject.group(1) != null ? defaultAccount(subject.group(1), subject.group(2))
            : defaultAccount(subject.group(3), subject.group(4));
      }
      Matcher set = SET.matcher(m);
      if (set.matches()) {
        if (set.group(3) != null) {
          return new WorkloadMember("every service account of namespace '" + set.group(3)
              + "'", Severity.MEDIUM);
        }
        return set.group(2).startsWith("/kubernetes.cluster")
            ? new WorkloadMember("every workload of a whole cluster", null)
            : new WorkloadMember("every identity of pool '" + set.group(1) + "'", null);
      }
      return null;
    }

    private static WorkloadMember defaultAccount(String namespace, String name) {
      return name.equals("default") ? new WorkloadMember("the default service account of "
          + "namespace '" + namespace + "', which every pod there without its own service "
          + "account runs as", null) : null;
    }
  }

  // ---- default compute service account ----

  private void defaultServiceAccount() {
    for (Tf.Block b : file.blocks()) {
      if (b.type().equals("resource") && INSTANCES.contains(b.label(0))) {
        for (Tf.Block sa : b.blocks("service_account")) {
          Tf.Attr scopes = sa.attr("scopes");
          if (isDefaultAccount(sa.value("email")) && fullScope(scopes)) {
            report(GcpRules.DEFAULT_SA_FULL_SCOPE, b, scopes, b.address() + " runs as the "
                + "default compute service account" + shownEmail(sa.value("email"))
                + " with the cloud-platform scope", "service_account");
          }
        }
      } else if (b.isResource("google_container_cluster")
          || b.isResource("google_container_node_pool")) {
        // The cluster's own node_config only shapes the default pool, gone when it is removed.
        List<Tf.Block> configs = new ArrayList<>(b.isTrue("remove_default_node_pool")
            ? List.of() : b.blocks("node_config"));
        for (Tf.Block pool : b.blocks("node_pool")) {
          configs.addAll(pool.blocks("node_config"));
        }
        for (Tf.Block nc : configs) {
          Tf.Attr scopes = nc.attr("oauth_scopes");
          if (isDefaultAccount(nc.value("service_account")) && fullScope(scopes)) {
            report(GcpRules.DEFAULT_SA_FULL_SCOPE, b, scopes, b.address() + " runs its nodes as "
                + "the default compute service account" + shownEmail(nc.value("service_account"))
                + " with the cloud-platform scope", "node_config");
          }
        }
      }
    }
  }

  private static boolean isDefaultAccount(Tf.Value email) {
    if (email == null || email instanceof Tf.Null) {
      return true;
    }
    for (String r : email.refs()) {
      if (r.startsWith("data.google_compute_default_service_account.")) {
        return true;
      }
    }
    String text = Tf.text(email).trim().toLowerCase(Locale.ROOT);
    return text.isEmpty() || text.equals("default")
        || text.endsWith("-compute@developer.gserviceaccount.com");
  }

  private static String shownEmail(Tf.Value email) {
    String text = email == null ? "" : Tf.text(email).trim();
    return text.isEmpty() ? " (no email set)" : " ('" + text + "')";
  }

  private static boolean fullScope(Tf.Attr scopes) {
    if (scopes == null) {
      return false;
    }
    for (String s : Tf.literals(scopes.value())) {
      if (FULL_SCOPES.contains(s.trim())) {
        return true;
      }
    }
    return false;
  }

  // ---- workload identity federation ----

  private void workloadIdentity() {
    for (Tf.Block b : file.blocks()) {
      if (!b.isResource("google_iam_workload_identity_pool_provider")) {
        continue;
      }
      Tf.Attr cond = b.attr("attribute_condition");
      String text = cond == null ? "" : Tf.text(cond.value()).trim();
      Tf.Block oidc = b.block("oidc");
      String issuer = oidc == null ? "" : Tf.text(oidc.value("issuer_uri"));
      boolean shared = MULTI_TENANT_ISSUERS.stream().anyMatch(issuer::contains);
      boolean trivial = text.isEmpty() || text.equalsIgnoreCase("true");
      if (!trivial && !(shared && !pinsTenant(text))) {
        continue;
      }
      String from = issuer.isEmpty() ? (b.block("aws") != null ? "the AWS account"
          : "its issuer") : "issuer '" + issuer + "'";
      String what = cond == null ? "no attribute_condition"
          : trivial ? "the attribute_condition '" + text + "'"
          : "an attribute_condition that names no repository, project, owner or subject";
      report(GcpRules.WIF_NO_CONDITION, cond != null ? cond.line() : b.line(),
          cond != null ? cond.column() : b.column(), b.address() + " has " + what
          + ", so every identity of " + from + " can federate"
          + (shared ? " (a multi-tenant issuer: any of its customers)" : ""),
          b.address() + ".attribute_condition", null, shared ? Severity.CRITICAL : null);
    }
  }

  /**
   * Whether a condition names the tenant of a multi-tenant issuer: a repository or its owner
   * (GitHub, Bitbucket), a project or namespace (GitLab, CircleCI), an organization or
   * workspace (Terraform Cloud, Azure DevOps), or the subject that contains one of them.
   */
  private static boolean pinsTenant(String condition) {
    String c = condition.toLowerCase(Locale.ROOT);
    return TENANT_CLAIMS.stream().anyMatch(c::contains);
  }

  // ---- startup scripts and user data ----

  private void metadata() {
    for (Tf.Block b : file.blocks()) {
      if (!b.type().equals("resource")) {
        continue;
      }
      String type = b.label(0);
      if (INSTANCES.contains(type) || type.equals("google_compute_project_metadata")) {
        Tf.Attr startup = b.attr("metadata_startup_script");
        if (startup != null) {
          script(b, startup, "metadata_startup_script");
        }
        Tf.Attr md = b.attr("metadata");
        if (md != null && md.value() instanceof Tf.Obj o) {
          o.entries().forEach((k, v) -> {
            if (SCRIPT_KEYS.contains(k)) {
              script(b, md, "metadata." + k, v);
            }
          });
        }
      } else if (type.equals("google_compute_project_metadata_item")
          && SCRIPT_KEYS.contains(String.valueOf(b.literal("key")))) {
        Tf.Attr value = b.attr("value");
        if (value != null) {
          script(b, value, b.literal("key"));
        }
      }
    }
  }

  private void script(Tf.Block b, Tf.Attr attr, String name) {
    script(b, attr, name, attr.value());
  }

  private void script(Tf.Block b, Tf.Attr attr, String name, Tf.Value value) {
    for (String text : Tf.strings(value)) {
      boolean downloadReported = false;
      String[] lines = text.split("\n", MAX_SCRIPT_LINES + 1);
      for (int i = 0; i < lines.length && i < MAX_SCRIPT_LINES; i++) {
        String l = lines[i].length() > MAX_LINE ? lines[i].substring(0, MAX_LINE) : lines[i];
        String trimmed = l.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        if (!downloadReported && DOWNLOAD_RUN.matcher(l).find()) {
          downloadReported = true;
          int line = TfLiterals.lineOf(source, attr.line(), trimmed);
          report(GcpRules.METADATA_DOWNLOAD_RUN, line, TfLiterals.columnOf(source, line,
              trimmed), b.address() + " " + name + " pipes a download into a shell",
              b.address() + "." + name + ".download", null, null);
        }
        secretAssignment(b, name, l, attr.line());
      }
    }
  }

  /** Reports a secret assigned on one script line; the line is found in the file only then. */
  private void secretAssignment(Tf.Block b, String name, String l, int fromLine) {
    Matcher m = ASSIGNMENT.matcher(l);
    if (!m.find()) {
      return;
    }
    String value = m.group(2);
    if (value.startsWith("$") || value.contains("${")) {
      return;
    }
    Optional<SecretHit> hit = Secrets.assignment(m.group(1), value);
    if (hit.isPresent()) {
      int line = TfLiterals.lineOf(source, fromLine, l.trim());
      report(GcpRules.METADATA_SECRET, line, TfLiterals.columnOf(source, line, m.group(1)),
          b.address() + " " + name + " sets '" + m.group(1) + "' to a literal secret",
          b.address() + "." + name + "." + m.group(1), hit.get().evidence(), null);
    }
  }
}
