package dev.imprint.scan.terraform;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The provider-independent secret rules over one Terraform file: literal secrets in resources,
 * modules, data sources, locals and variable definitions files (IMP-TF-002), outputs that
 * expose secrets (IMP-TF-003) and providers or backends with static credentials (IMP-TF-004).
 * Attributes that a provider rule package reports more precisely are left to it (see
 * {@link #ownedElsewhere}), so one secret is reported once.
 */
final class TfSecretChecks {
  private static final String GENERIC = "generic-assignment";
  private static final int MAX_VALUE = 4_096;
  /** Attribute names that sound secret but hold settings about a secret. */
  private static final Pattern SETTING_NAME = Pattern.compile("(?i).*(_lifetime|_duration"
      + "|_seconds|_minutes|_hours|_days|_format|_algorithm|_mode|_source|_location|_size"
      + "|_period|_interval|_strategy|_kind|_method|_issuer|_audience|_scopes?|_endpoint|_email"
      + "|_version|_hash|_sha|_rotation.*|_retention.*|_prefix|_suffix|_required|_policy.*)");
  private static final Set<String> AWS_INSTANCES = Set.of("aws_instance", "aws_launch_template",
      "aws_launch_configuration", "aws_spot_instance_request");
  private static final Set<String> GCP_INSTANCES = Set.of("google_compute_instance",
      "google_compute_instance_template", "google_compute_region_instance_template",
      "google_compute_project_metadata");
  private static final Set<String> AZURE_PROVIDERS =
      Set.of("azurerm", "azuread", "azapi", "azurestack");
  private static final Set<String> AZURE_CLIENT_SECRETS =
      Set.of("client_secret", "client_certificate_password", "service_principal_key");
  private static final Set<String> AZURE_BACKEND_SECRETS = Set.of("client_secret",
      "client_certificate_password", "access_key", "sas_token");
  private static final Set<String> AWS_CREDENTIALS = Set.of("access_key", "secret_key", "token");
  /** Attributes whose value is a secret whatever their name says. */
  private static final Set<String> SECRET_ATTRIBUTES = Set.of("kube_config", "kube_config_raw",
      "kube_admin_config", "kube_admin_config_raw", "secret_string", "secret_data",
      "secret_binary", "private_key_pem", "private_key_openssh", "private_key_pem_pkcs8");
  /** Attributes of a secret-store resource that hold the secret itself. */
  private static final Set<String> STORE_ATTRIBUTES = Set.of("value", "value_wo",
      "secret_string", "secret_string_wo", "secret_data", "secret_data_wo", "plaintext_value",
      "data_json", "secret_binary");
  /** Attributes of a secret-store resource or data source that hold the secret itself. */
  private static final Set<String> STORE_VALUES = Set.of("value", "data", "data_json");
  private static final Set<String> HIDING_FUNCTIONS = Set.of("sha1", "sha256", "sha512", "md5",
      "bcrypt", "base64sha256", "base64sha512", "length", "can", "try_length", "filesha256",
      "uuidv5", "contains", "startswith", "endswith", "issensitive");
  /** A call of a hiding function in an expression's text, its arguments included. */
  private static final Pattern HIDING_CALL = Pattern.compile("\\b(sha1|sha256|sha512|md5|bcrypt"
      + "|base64sha256|base64sha512|length|can|contains|startswith|endswith)\\((?:[^()]|\\("
      + "(?:[^()]|\\([^()]*\\))*\\))*\\)");
  /**
   * Attribute (and variable) names that mention a secret but hold something about it (its
   * status, fingerprint, ARN, ID or name, a flag or a count) or its encrypted form.
   */
  static final Pattern NOT_A_SECRET_ATTRIBUTE = Pattern.compile("(?i)(encrypted_.*"
      + "|.*_encrypted|.*fingerprint.*|.*_status|status|has_.*|is_.*|.*_enabled|.*_count"
      + "|.*_length|.*_hash|.*_sha(1|256|512)?|.*_arn|.*_id|.*_ids|.*_name|.*_version(_id)?"
      + "|.*_set|.*_exists|.*_required|expire_.*|require_.*|allow_.*|.*_age|.*_prevention"
      + "|.*_decrypt_command|.*_pgp_message|pgp_key|.*_public_key.*|public_key.*)");

  private final Tf.File file;
  private final SourceFile source;
  private final Sink sink;

  TfSecretChecks(Tf.File file, Sink sink) {
    this.file = file;
    this.source = file.source();
    this.sink = sink;
  }

  void run() {
    for (Tf.Block b : file.blocks()) {
      switch (b.type()) {
        case "resource", "data", "module", "locals", "tfvars" -> literals(b);
        case "output" -> output(b);
        case "provider" -> provider(b, "provider \"" + b.label(0) + "\"", b.label(0));
        case "terraform" -> terraform(b);
        default -> { }
      }
    }
  }

  // ---- IMP-TF-002 ----

  private void literals(Tf.Block b) {
    String where = b.type().equals("locals") ? "locals"
        : b.type().equals("tfvars") ? source.name() : b.address();
    TfLiterals.walk(b, (path, name, value, attr) -> {
      if (!ownedElsewhere(b, path, name)) {
        literal(TerraformRules.LITERAL_SECRET, where, path, storeValue(b, path) ? "secret" : name,
            value, attr, Severity.HIGH);
      }
    });
  }

  /**
   * Whether an attribute is the value of a secret-store entry (a Secrets Manager version, a
   * Secret Manager version, a CI secret, an SSM SecureString): a secret whatever it is called.
   */
  static boolean storeValue(Tf.Block b, String path) {
    if (!b.type().equals("resource")) {
      return false;
    }
    String type = b.label(0);
    if (type.equals("aws_ssm_parameter")) {
      return "SecureString".equals(b.literal("type")) && path.equals("value");
    }
    return type.contains("secret") && STORE_ATTRIBUTES.contains(path);
  }

  /** Whether an AWS, GCP or Azure rule already reports this attribute of this block. */
  static boolean ownedElsewhere(Tf.Block b, String path, String name) {
    String type = b.label(0);
    if (!b.type().equals("resource")) {
      return false;
    }
    if (type.equals("aws_lambda_function") && path.startsWith("environment.")
        || AWS_INSTANCES.contains(type) && path.startsWith("user_data")
        || type.equals("aws_ecs_task_definition") && path.startsWith("container_definitions")) {
      return true;
    }
    if (GCP_INSTANCES.contains(type)
        && (path.startsWith("metadata_startup_script") || path.startsWith("metadata."))
        || type.equals("google_compute_project_metadata_item") && path.equals("value")) {
      return true;
    }
    if (type.equals("azurerm_key_vault_secret") && (path.equals("value")
        || path.equals("value_wo"))) {
      return true;
    }
    return (type.startsWith("azurerm_") || type.startsWith("azuread_"))
        && AZURE_CLIENT_SECRETS.contains(name);
  }

  /** Reports one literal if its name and value make it a secret, or a detector knows it. */
  private void literal(Rule rule, String where, String path, String name, String value,
      Tf.Attr attr, Severity generic) {
    if (value.isEmpty() || value.length() > MAX_VALUE || value.indexOf('\n') >= 0) {
      return;
    }
    Optional<SecretHit> specific = SecretDetectors.find(value).stream()
        .filter(h -> !h.detector().equals(GENERIC)).findFirst();
    if (specific.isPresent() && !Secrets.isTestMarker(
        value.substring(specific.get().start(), specific.get().end()))) {
      SecretHit hit = specific.get();
      Severity severity = hit.detector().equals("url-password") ? Severity.HIGH
          : Severity.CRITICAL;
      report(rule, attr, value, hit.start(), where + " sets '" + path + "' to a literal "
          + hit.kind(), where + "." + path, hit.evidence(), severity);
      return;
    }
    if (SETTING_NAME.matcher(name).matches() || TfLiterals.looksLikeSetting(name, value)) {
      return;
    }
    Optional<SecretHit> named = Secrets.assignment(name, value);
    if (named.isPresent()) {
      report(rule, attr, value, 0, where + " sets '" + path + "' to a literal "
          + named.get().kind(), where + "." + path, named.get().evidence(), generic);
    }
  }

  private void report(Rule rule, Tf.Attr attr, String value, int offset, String message,
      String key, SecretEvidence evidence, Severity severity) {
    int line = Math.max(1, TfLiterals.lineOf(source, attr.line(), value));
    int at = source.line(line).indexOf(value);
    int column = at < 0 ? Math.max(1, attr.column()) : at + offset + 1;
    Finding f = rule.at(source.location(line, column), message).withKey(key)
        .withSecret(evidence);
    sink.report(severity == rule.severity() ? f : f.withSeverity(severity));
  }

  // ---- IMP-TF-004 ----

  private void terraform(Tf.Block b) {
    for (Tf.Block backend : b.blocks("backend")) {
      provider(backend, "backend \"" + backend.label(0) + "\"", "backend:" + backend.label(0));
    }
    for (Tf.Block cloud : b.blocks("cloud")) {
      provider(cloud, "cloud block", "cloud");
    }
  }

  private void provider(Tf.Block b, String where, String kind) {
    if (kind.equals("aws") || kind.equals("backend:s3")) {
      // IMP-AWS-005 owns static keys in the AWS provider and the S3 backend.
      literalsExcept(b, where, AWS_CREDENTIALS);
      return;
    }
    if (AZURE_PROVIDERS.contains(kind)) {
      literalsExcept(b, where, AZURE_CLIENT_SECRETS);
      return;
    }
    if (kind.equals("backend:azurerm")) {
      literalsExcept(b, where, AZURE_BACKEND_SECRETS);
      return;
    }
    if (kind.equals("google") || kind.equals("google-beta") || kind.equals("backend:gcs")) {
      keyFile(b, where);
    }
    literalsExcept(b, where, Set.of());
  }

  private void literalsExcept(Tf.Block b, String where, Set<String> owned) {
    TfLiterals.walk(b, (path, name, value, attr) -> {
      if (!owned.contains(name)) {
        literal(TerraformRules.PROVIDER_CREDENTIALS, where, path, name, value, attr,
            Severity.CRITICAL);
      }
    });
  }

  /** {@code credentials = file("key.json")}: a service-account key file used by Terraform. */
  private void keyFile(Tf.Block b, String where) {
    Tf.Attr a = b.attr("credentials");
    if (a != null && a.value() instanceof Tf.Call c
        && (c.name().equals("file") || c.name().equals("filebase64")) && c.args().size() == 1) {
      String path = Tf.text(c.args().get(0));
      Finding f = TerraformRules.PROVIDER_CREDENTIALS.at(source.location(a.line(), a.column()),
          where + " reads the service-account key file '" + path + "'")
          .withKey(where + ".credentials").withSeverity(Severity.HIGH);
      sink.report(f);
    }
  }

  // ---- IMP-TF-003 ----

  /**
   * An output exposes a secret when one of the references its value can return (not one only
   * tested in a condition, compared, counted or hashed) names a secret attribute. An output
   * marked {@code sensitive = true} is redacted from plan and apply output and logs, which is
   * what the rule asks for; that it still sits in the state is the state's protection to give.
   */
  private void output(Tf.Block b) {
    Tf.Attr value = b.attr("value");
    if (value == null || b.isTrue("sensitive")) {
      return;
    }
    Tf.Value v = value.value();
    for (String ref : returnedRefs(v)) {
      // IMP-GCP-002 reports every output of a service account's private key, sensitive or not.
      if (secretRef(ref) && !ref.startsWith("google_service_account_key.")) {
        boolean stripped = mentionsNonsensitive(v);
        sink.report(TerraformRules.OUTPUT_SECRET.at(source.location(value.line(),
            value.column()), "output '" + b.label(0) + "' exposes " + ref
            + (stripped ? " through nonsensitive()" : "") + " without sensitive = true")
            .withKey("output." + b.label(0)));
        return;
      }
    }
  }

  /**
   * The references whose value an expression may return: not those inside functions that hide
   * a value (a hash, a length), not those only tested in a conditional's condition, and none of
   * an expression that yields a boolean (a comparison, a negation, a logical operator).
   */
  static List<String> returnedRefs(Tf.Value v) {
    List<String> out = new ArrayList<>();
    returnedRefs(v, out, 0);
    return out;
  }

  private static void returnedRefs(Tf.Value v, List<String> out, int depth) {
    if (v == null || depth > 64) {
      return;
    }
    if (v instanceof Tf.Call c) {
      if (!HIDING_FUNCTIONS.contains(c.name())) {
        c.args().forEach(a -> returnedRefs(a, out, depth + 1));
      }
    } else if (v instanceof Tf.Tuple t) {
      t.items().forEach(i -> returnedRefs(i, out, depth + 1));
    } else if (v instanceof Tf.Obj o) {
      o.entries().values().forEach(i -> returnedRefs(i, out, depth + 1));
    } else if (v instanceof Tf.Expr e) {
      String text = returnedText(e.text());
      for (String r : e.exprRefs()) {
        if (text.contains(r)) {
          out.add(r);
        }
      }
    } else {
      out.addAll(v.refs());
    }
  }

  /**
   * The part of an expression's text whose value it may return: the branches of a top-level
   * conditional, with hiding function calls removed; empty for a boolean expression.
   */
  private static String returnedText(String text) {
    String t = text.length() > 20_000 ? text.substring(0, 20_000) : text;
    int q = topLevel(t, "?");
    if (q >= 0) {
      t = t.substring(q + 1);
    } else if (topLevel(t, "==") >= 0 || topLevel(t, "!=") >= 0 || topLevel(t, "&&") >= 0
        || topLevel(t, "||") >= 0 || topLevel(t, ">") >= 0 || topLevel(t, "<") >= 0
        || t.startsWith("!")) {
      return "";
    }
    return HIDING_CALL.matcher(t).replaceAll("");
  }

  /** The index of a token outside brackets, parentheses, braces and strings, or -1. */
  private static int topLevel(String t, String token) {
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '"' && (i == 0 || t.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      } else if (quoted) {
        continue;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (depth == 0 && t.startsWith(token, i)
          && !(token.equals(">") && i > 0 && t.charAt(i - 1) == '=')
          && !(token.equals("<") && i + 1 < t.length() && t.charAt(i + 1) == '<')) {
        return i;
      }
    }
    return -1;
  }

  private static boolean mentionsNonsensitive(Tf.Value v) {
    if (v instanceof Tf.Call c) {
      return c.name().equals("nonsensitive") || c.args().stream()
          .anyMatch(TfSecretChecks::mentionsNonsensitive);
    }
    return v instanceof Tf.Expr e && e.text().contains("nonsensitive(");
  }

  /**
   * Whether a reference names a secret: by its attribute, its variable or its resource. The
   * PGP-encrypted forms of a secret ({@code encrypted_secret}, {@code encrypted_password}), key
   * fingerprints, statuses, flags and counts are no secret whatever their names contain.
   */
  static boolean secretRef(String ref) {
    String[] parts = ref.replaceAll("\\[[^\\]]{0,100}\\]", "").split("\\.");
    if (parts.length < 2) {
      return false;
    }
    String last = parts[parts.length - 1];
    if (NOT_A_SECRET_ATTRIBUTE.matcher(last).matches()) {
      return false;
    }
    if (parts[0].equals("random_password") && last.equals("result")) {
      return true;
    }
    if (SECRET_ATTRIBUTES.contains(last)) {
      return true;
    }
    String type = parts[0].equals("data") && parts.length >= 3 ? parts[1] : parts[0];
    if (parts.length >= 3 && type.contains("secret") && STORE_VALUES.contains(last)) {
      return true;
    }
    return Secrets.isSecretName(last) && !SETTING_NAME.matcher(last).matches();
  }
}
