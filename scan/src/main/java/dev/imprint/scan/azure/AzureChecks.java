package dev.imprint.scan.azure;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfLiterals;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/** Runs the Azure rules over one Terraform file. */
final class AzureChecks {
  /** Providers and backends that authenticate to Entra ID. */
  static final Set<String> AZURE_PROVIDERS = Set.of("azurerm", "azuread", "azapi", "azurestack");
  /** Attributes holding a client secret or its equivalent, in providers and resources. */
  static final Set<String> CLIENT_SECRET_ATTRS = Set.of("client_secret",
      "client_certificate_password", "service_principal_key");
  /** Extra credential attributes of the azurerm backend. */
  static final Set<String> BACKEND_SECRET_ATTRS = Set.of("access_key", "sas_token");
  private static final Map<String, String> ROLE_IDS = Map.of(
      "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner",
      "b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor",
      "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator");
  private static final Set<String> ROLE_NAMES =
      Set.of("owner", "contributor", "user access administrator");
  private static final Pattern BROAD_SCOPE = Pattern.compile("(?i)/|/subscriptions/[^/]{1,200}/?"
      + "|/providers/microsoft\\.management/managementgroups/[^/]{1,200}/?");
  private static final Pattern BROAD_SCOPE_REF = Pattern.compile(
      "(data\\.)?azurerm_(subscription|management_group)\\.[A-Za-z0-9_-]{1,200}\\.id");
  private static final Pattern KEY_REF = Pattern.compile("azurerm_[a-z0-9_]{1,80}\\.[A-Za-z0-9_-]"
      + "{1,200}(\\[[^\\]]{0,50}\\])?\\.(default_)?(primary|secondary)(_[a-z]{1,20}){0,4}_"
      + "(key|connection_string)");
  private static final Pattern PASSWORD_IN_CONNECTION = Pattern.compile(
      "(?i)(accountkey|sharedaccesskey|password|pwd)\\s{0,3}=\\s{0,3}([^;\\s]{4,400})");
  private static final List<String> APP_TYPES = List.of("web_app", "function_app",
      "app_service", "container_app", "container_group", "logic_app_standard",
      "spring_cloud_app");

  private final Tf.File file;
  private final SourceFile source;
  private final Sink sink;

  AzureChecks(Tf.File file, Sink sink) {
    this.file = file;
    this.source = file.source();
    this.sink = sink;
  }

  /**
   * The rules that need only this file; {@link #roleAssignments} runs once the module is known.
   */
  void run() {
    for (Tf.Block b : file.blocks()) {
      if (b.type().equals("provider") && AZURE_PROVIDERS.contains(b.label(0))) {
        literalSecrets(b, "provider \"" + b.label(0) + "\"", CLIENT_SECRET_ATTRS);
      } else if (b.type().equals("terraform")) {
        for (Tf.Block backend : b.blocks("backend")) {
          if (backend.label(0).equals("azurerm")) {
            Set<String> names = new java.util.HashSet<>(CLIENT_SECRET_ATTRS);
            names.addAll(BACKEND_SECRET_ATTRS);
            literalSecrets(backend, "backend \"azurerm\"", names);
          }
        }
      } else if (b.type().equals("resource")) {
        resource(b);
      }
    }
  }

  /**
   * The role assignment rule, with role names, role IDs and scopes resolved through the module's
   * variables and locals by {@code resolve}.
   */
  void roleAssignments(UnaryOperator<Tf.Value> resolve) {
    Map<String, String> roleDefinitions = roleDefinitions();
    for (Tf.Block b : file.blocks()) {
      if (b.isResource("azurerm_role_assignment")) {
        roleAssignment(b, roleDefinitions, resolve);
      }
    }
  }

  private void resource(Tf.Block b) {
    String type = b.label(0);
    if (type.startsWith("azurerm_") || type.startsWith("azuread_")) {
      literalSecrets(b, b.address(), CLIENT_SECRET_ATTRS);
    }
    switch (type) {
      case "azuread_application_password", "azuread_service_principal_password" ->
          clientSecretCreated(b, b);
      case "azuread_application" -> b.blocks("password").forEach(p -> clientSecretCreated(b, p));
      case "azuread_application_federated_identity_credential",
          "azurerm_federated_identity_credential" -> federated(b, "subject");
      case "azuread_application_flexible_federated_identity_credential" ->
          federated(b, "claims_matching_expression");
      case "azurerm_key_vault_secret" -> keyVaultSecret(b);
      case "azurerm_kubernetes_cluster" -> aks(b);
      default -> {
        if (type.startsWith("azurerm_") && APP_TYPES.stream().anyMatch(type::contains)) {
          managedIdentity(b);
        }
      }
    }
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
        message, b.address() + "." + key, null, null);
  }

  // ---- client secrets ----

  private void clientSecretCreated(Tf.Block resource, Tf.Block at) {
    String owner = Tf.text(resource.value("application_id") != null
        ? resource.value("application_id") : resource.value("service_principal_id"));
    boolean expires = at.attr("end_date") != null || at.attr("end_date_relative") != null;
    String what = resource.isResource("azuread_application") ? " defines a password (client "
        + "secret) in its password block" : " creates a client secret"
        + (owner.isEmpty() ? "" : " for '" + owner + "'");
    report(AzureRules.CLIENT_SECRET_CREATED, at.line(), at.column(), resource.address() + what
        + (expires ? "" : " with no end_date (valid for two years by default)"),
        resource.address() + ".password", null, null);
  }

  private void literalSecrets(Tf.Block b, String where, Set<String> names) {
    TfLiterals.walk(b, (path, name, value, attr) -> {
      if (!names.contains(name) || TfLiterals.looksLikeSetting(value)) {
        return;
      }
      Optional<SecretHit> hit = Secrets.assignment("client_secret", value);
      if (hit.isPresent()) {
        int line = TfLiterals.lineOf(source, attr.line(), value);
        report(AzureRules.CLIENT_SECRET_LITERAL, line, TfLiterals.columnOf(source, line, name),
            where + " has a hard-coded " + name, where + "." + path, hit.get().evidence(),
            null);
      }
    });
  }

  // ---- role assignments ----

  private Map<String, String> roleDefinitions() {
    Map<String, String> out = new HashMap<>();
    for (Tf.Block b : file.blocks()) {
      if (b.isData("azurerm_role_definition") && b.literal("name") != null) {
        out.put(b.address(), b.literal("name"));
      }
    }
    return out;
  }

  private void roleAssignment(Tf.Block b, Map<String, String> roleDefinitions,
      UnaryOperator<Tf.Value> resolve) {
    String role = roleName(b, roleDefinitions, resolve);
    Tf.Attr scope = b.attr("scope");
    Tf.Value scopeValue = scope == null ? null : resolve.apply(scope.value());
    if (role == null || scope == null || !broadScope(scopeValue)) {
      return;
    }
    String shown = Tf.text(scopeValue);
    boolean grants = !role.equals("Contributor");
    report(AzureRules.PRIVILEGED_ROLE_BROAD, scope.line(), scope.column(), b.address()
        + " assigns " + role + " at the scope '" + shown + "'" + (grants
        ? ", which can also grant any role to anyone" : ""),
        b.address() + ".scope", null, grants ? Severity.CRITICAL : null);
  }

  private static String roleName(Tf.Block b, Map<String, String> roleDefinitions,
      UnaryOperator<Tf.Value> resolve) {
    Tf.Value nameValue = resolve.apply(b.value("role_definition_name"));
    String name = nameValue == null ? null : nameValue.literal();
    if (name != null && ROLE_NAMES.contains(name.trim().toLowerCase(Locale.ROOT))) {
      for (String canonical : ROLE_IDS.values()) {
        if (canonical.equalsIgnoreCase(name.trim())) {
          return canonical;
        }
      }
    }
    Tf.Value id = resolve.apply(b.value("role_definition_id"));
    if (id == null) {
      return null;
    }
    String text = Tf.text(id).toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> e : ROLE_IDS.entrySet()) {
      if (text.contains(e.getKey())) {
        return e.getValue();
      }
    }
    for (String ref : id.refs()) {
      String[] parts = ref.split("\\.");
      if (parts.length >= 3 && parts[0].equals("data")) {
        String def = roleDefinitions.get("data." + parts[1] + "." + parts[2]);
        if (def != null && ROLE_NAMES.contains(def.trim().toLowerCase(Locale.ROOT))) {
          return def.trim();
        }
      }
    }
    return null;
  }

  private static boolean broadScope(Tf.Value v) {
    if (v instanceof Tf.Ref r) {
      return BROAD_SCOPE_REF.matcher(r.text()).matches();
    }
    if (v instanceof Tf.Str s) {
      String t = s.text().trim();
      if (t.length() > 400) {
        return false;
      }
      if (BROAD_SCOPE.matcher(t).matches()) {
        return true;
      }
      return s.template() && t.startsWith("${") && t.endsWith("}")
          && BROAD_SCOPE_REF.matcher(t.substring(2, t.length() - 1).trim()).matches();
    }
    return false;
  }

  // ---- managed identity ----

  private void managedIdentity(Tf.Block b) {
    if (hasBlock(b, "identity")) {
      return;
    }
    Tf.Attr at = null;
    String what = null;
    Tf.Attr storageKey = b.attr("storage_account_access_key");
    if (storageKey != null && !b.isTrue("storage_uses_managed_identity")
        && !(storageKey.value() instanceof Tf.Null)) {
      at = storageKey;
      what = "a storage account access key (storage_account_access_key)";
    }
    List<Tf.Attr> attrs = new ArrayList<>();
    deepAttrs(b, attrs, 0);
    for (Tf.Attr a : attrs) {
      if (at != null) {
        break;
      }
      for (String ref : a.value().refs()) {
        java.util.regex.Matcher m = KEY_REF.matcher(ref);
        if (m.find()) {
          at = a;
          what = "'" + m.group() + "' in '" + a.name() + "'";
          break;
        }
      }
      if (at == null) {
        for (String s : Tf.strings(a.value())) {
          if (s.length() <= 4000 && passwordInConnection(s)) {
            at = a;
            what = "a connection string with a key or password in '" + a.name() + "'";
            break;
          }
        }
      }
    }
    if (at != null) {
      report(AzureRules.NO_MANAGED_IDENTITY, b, at, b.address() + " authenticates with " + what
          + " but has no managed identity (identity block)", "identity");
    }
  }

  /** Whether a block has a nested block of this type, written out or as {@code dynamic}. */
  private static boolean hasBlock(Tf.Block b, String type) {
    return b.block(type) != null
        || b.blocks("dynamic").stream().anyMatch(d -> d.label(0).equals(type));
  }

  private static boolean passwordInConnection(String s) {
    java.util.regex.Matcher m = PASSWORD_IN_CONNECTION.matcher(s);
    while (m.find()) {
      String v = m.group(2);
      if (!v.startsWith("$") && !v.contains("${") && !Secrets.isPlaceholder(v)
          && !v.startsWith("@Microsoft.KeyVault")) {
        return true;
      }
    }
    return false;
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

  // ---- federation, Key Vault, AKS ----

  private void federated(Tf.Block b, String attrName) {
    Tf.Attr a = b.attr(attrName);
    if (a == null) {
      return;
    }
    String subject = Tf.text(a.value());
    String why = null;
    if (subject.indexOf('*') >= 0 || subject.indexOf('?') >= 0) {
      why = "uses a wildcard";
    } else if (subject.endsWith(":pull_request")) {
      why = "accepts every pull request run";
    }
    if (why != null) {
      report(AzureRules.FEDERATED_WILDCARD, b, a, b.address() + " " + attrName + " '" + subject
          + "' " + why, attrName);
    }
  }

  private void keyVaultSecret(Tf.Block b) {
    for (String name : List.of("value", "value_wo")) {
      Tf.Attr a = b.attr(name);
      String v = a == null ? null : a.value().literal();
      if (v == null || v.indexOf('\n') >= 0) {
        continue;
      }
      Optional<SecretHit> hit = Secrets.assignment("secret", v);
      if (hit.isPresent() && !TfLiterals.looksLikeSetting(v)) {
        int line = TfLiterals.lineOf(source, a.line(), v);
        report(AzureRules.KEY_VAULT_LITERAL, line, a.column(), b.address() + " sets '" + name
            + "' to a literal value", b.address() + "." + name, hit.get().evidence(), null);
      }
    }
  }

  private void aks(Tf.Block b) {
    Tf.Block sp = b.block("service_principal");
    if (sp != null) {
      report(AzureRules.AKS_SERVICE_PRINCIPAL, sp.line(), sp.column(), b.address()
          + " authenticates with a service_principal client secret instead of a managed "
          + "identity", b.address() + ".service_principal", null, null);
    }
  }
}
