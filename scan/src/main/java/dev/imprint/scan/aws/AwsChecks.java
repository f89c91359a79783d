package dev.imprint.scan.aws;

import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfModule;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.aws.PolicyIssue.Kind;
import dev.imprint.scan.terraform.TfModule.Located;
import dev.imprint.scan.secret.Encoded;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the AWS rules over one Terraform module. */
final class AwsChecks {
  private static final Set<String> ADMIN_POLICIES =
      Set.of("AdministratorAccess", "IAMFullAccess", "PowerUserAccess");
  private static final Map<Kind, Rule> PERMISSION_RULES = new EnumMap<>(Map.of(
      Kind.FULL_ADMIN, AwsRules.ADMIN_POLICY,
      Kind.SERVICE_WILDCARD, AwsRules.SERVICE_WILDCARD,
      Kind.RESOURCE_WILDCARD, AwsRules.RESOURCE_STAR,
      Kind.PRIVILEGE_ESCALATION, AwsRules.ESCALATION,
      Kind.CREDENTIAL_EXPOSURE, AwsRules.CREDENTIAL_EXPOSURE,
      Kind.DATA_EXFILTRATION, AwsRules.DATA_EXFILTRATION,
      Kind.PERMISSIONS_MANAGEMENT, AwsRules.PERMISSIONS_MGMT,
      Kind.UNCONSTRAINED_WRITE, AwsRules.WRITE_STAR,
      Kind.ASSUME_ANY_ROLE, AwsRules.ASSUME_ANY,
      Kind.PASS_ANY_ROLE, AwsRules.PASS_ANY));
  private static final Map<Kind, Rule> TRUST_RULES = new EnumMap<>(Map.of(
      Kind.WILDCARD_PRINCIPAL, AwsRules.TRUST_EVERYONE,
      Kind.CROSS_ACCOUNT_UNVERIFIED, AwsRules.CROSS_ACCOUNT,
      Kind.GITHUB_OIDC_UNRESTRICTED, AwsRules.GITHUB_OIDC,
      Kind.OIDC_UNRESTRICTED, AwsRules.GITHUB_OIDC,
      Kind.OIDC_TENANT_WIDE, AwsRules.GITHUB_OIDC));
  /** The trust rules that hold for a web identity statement wherever its document is used. */
  private static final Map<Kind, Rule> OIDC_TRUST_RULES = new EnumMap<>(Map.of(
      Kind.GITHUB_OIDC_UNRESTRICTED, AwsRules.GITHUB_OIDC,
      Kind.OIDC_UNRESTRICTED, AwsRules.GITHUB_OIDC,
      Kind.OIDC_TENANT_WIDE, AwsRules.GITHUB_OIDC));
  /** Identity policies: resource type to the attribute holding the document. */
  private static final Map<String, String> IDENTITY_POLICIES = Map.of(
      "aws_iam_policy", "policy", "aws_iam_role_policy", "policy",
      "aws_iam_user_policy", "policy", "aws_iam_group_policy", "policy");
  /** Resource policies: resource type to the attribute holding the document. */
  private static final Map<String, String> RESOURCE_POLICIES = Map.ofEntries(
      Map.entry("aws_s3_bucket_policy", "policy"), Map.entry("aws_s3_bucket", "policy"),
      Map.entry("aws_sqs_queue_policy", "policy"), Map.entry("aws_sqs_queue", "policy"),
      Map.entry("aws_sns_topic_policy", "policy"), Map.entry("aws_sns_topic", "policy"),
      Map.entry("aws_ecr_repository_policy", "policy"),
      Map.entry("aws_secretsmanager_secret_policy", "policy"),
      Map.entry("aws_secretsmanager_secret", "policy"),
      Map.entry("aws_efs_file_system_policy", "policy"),
      Map.entry("aws_glacier_vault", "access_policy"),
      Map.entry("aws_opensearch_domain_policy", "access_policies"),
      Map.entry("aws_elasticsearch_domain_policy", "access_policies"),
      Map.entry("aws_api_gateway_rest_api_policy", "policy"),
      Map.entry("aws_cloudwatch_event_bus_policy", "policy"));
  private static final List<String> INSTANCE_TYPES =
      List.of("aws_instance", "aws_launch_template", "aws_launch_configuration",
          "aws_spot_instance_request");
  private static final Pattern ASSIGNMENT = Pattern.compile(
      "^\\s*(?:export\\s+|set\\s+|\\$env:)?([A-Za-z_][A-Za-z0-9_.-]{0,80})\\s*[=:]\\s*"
          + "[\"']?([^\"'\\s;]{1,400})");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** User data pasted as base64 (what cloud-init receives) rather than as a script. */
  private static final Pattern BASE64_BLOB = Pattern.compile("[A-Za-z0-9+/\\s]{40,}={0,2}\\s*");
  /** The credential variables of the AWS SDKs and CLI. */
  private static final Set<String> AWS_CREDENTIAL_VARIABLES = Set.of("AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN");

  private final TfModule module;
  private final Sink sink;

  AwsChecks(TfModule module, Sink sink) {
    this.module = module;
    this.sink = sink;
  }

  void run() {
    accessKeys();
    credentialsInCode();
    workloadSecrets();
    secretFlows();
    policies();
    attachments();
    users();
    instances();
    workloadRoles();
    keyAndResourcePolicies();
    new NetworkChecks(module, sink).run();
    images();
    registries();
    databases();
  }

  // ---- reporting ----

  private void report(Rule rule, Located at, Tf.Attr attr, String message, String key) {
    report(rule, at.file().source(), attr != null ? attr.line() : at.block().line(),
        attr != null ? attr.column() : at.block().column(), message,
        at.block().address() + (key.isEmpty() ? "" : "." + key), null);
  }

  private void report(Rule rule, SourceFile file, int line, int column, String message,
      String key, SecretEvidence secret) {
    Finding f = rule.at(file.location(Math.max(1, line), Math.max(1, column)), message)
        .withKey(key);
    sink.report(secret == null ? f : f.withSecret(secret));
  }

  /**
   * The policy an attribute holds, or null when there is none or none readable statically; a
   * malformed one is a located diagnostic saying that its review was skipped.
   */
  private PolicyDocument policy(Located at, Tf.Attr attr) {
    if (attr == null) {
      return null;
    }
    try {
      return PolicySources.parse(attr.value(), module);
    } catch (InvalidPolicyException e) {
      sink.diagnose(new Diagnostic(at.file().source().location(Math.max(1, attr.line()),
          Math.max(1, attr.column())), Diagnostic.Kind.PARSE_ERROR, "the policy in "
              + at.block().address() + "." + attr.name() + " was not reviewed: "
              + e.getMessage()));
      return null;
    }
  }

  private void reportBlock(Rule rule, Located at, Tf.Block nested, String message, String key) {
    report(rule, at.file().source(), nested.line(), nested.column(), message,
        at.block().address() + "." + key, null);
  }

  // ---- A1-A4: access keys ----

  private void accessKeys() {
    Map<String, List<Located>> byUser = new LinkedHashMap<>();
    for (Located k : module.resources("aws_iam_access_key")) {
      Tf.Block b = k.block();
      String user = shown(b.value("user"));
      report(AwsRules.ACCESS_KEY, k, null, b.address() + " creates a long-lived access key for"
          + " user '" + user + "'", "user");
      if (b.attr("pgp_key") == null) {
        report(AwsRules.ACCESS_KEY_NO_PGP, k, null, b.address() + " has no pgp_key, so its"
            + " secret is stored unencrypted in the Terraform state", "pgp_key");
      }
      if (user.trim().equalsIgnoreCase("root")) {
        report(AwsRules.ROOT_KEYS, k, b.attr("user"), b.address()
            + " creates access keys for the root user", "user");
      }
      byUser.computeIfAbsent(userKey(b.value("user")), x -> new ArrayList<>()).add(k);
      String count = b.literal("count");
      if (count != null && parseInt(count) > 1) {
        report(AwsRules.MANY_KEYS, k, b.attr("count"), b.address() + " creates " + count
            + " access keys for user '" + user + "'", "count");
      }
    }
    byUser.forEach((user, keys) -> {
      if (keys.size() > 1 && !user.isEmpty()) {
        for (Located k : keys.subList(1, keys.size())) {
          report(AwsRules.MANY_KEYS, k, k.block().attr("user"), "user '" + user + "' has "
              + keys.size() + " access keys (" + k.block().address() + " is an extra one)",
              "user");
        }
      }
    });
  }

  private String userKey(Tf.Value v) {
    if (v == null) {
      return "";
    }
    List<Located> targets = module.targets(v);
    if (!targets.isEmpty()) {
      return targets.get(0).block().address();
    }
    return PolicySources.text(v);
  }

  // ---- A3, A5: credentials in provider and backend blocks ----

  private void credentialsInCode() {
    for (Located l : module.blocks()) {
      Tf.Block b = l.block();
      if (b.type().equals("provider") && b.label(0).equals("aws")) {
        providerCredentials(l, b, "provider \"aws\"");
      } else if (b.type().equals("terraform")) {
        for (Tf.Block backend : b.blocks("backend")) {
          if (backend.label(0).equals("s3")) {
            providerCredentials(l, backend, "backend \"s3\"");
          }
        }
      }
    }
  }

  private void providerCredentials(Located at, Tf.Block b, String where) {
    for (String name : List.of("access_key", "secret_key", "token")) {
      Tf.Attr a = b.attr(name);
      if (a == null || a.value().literal() == null) {
        continue;
      }
      String raw = a.value().literal();
      if (raw.toUpperCase(Locale.ROOT).contains("EXAMPLE")) {
        exampleCredential(AwsRules.PROVIDER_KEYS, at, a, where + " hard-codes " + name,
            where + "." + name, "let the provider read credentials from the environment, a"
                + " profile, an assumed role or OIDC federation");
        continue;
      }
      Optional<SecretHit> hit = Secrets.assignment(name, raw);
      if (hit.isPresent()) {
        report(AwsRules.PROVIDER_KEYS, at.file().source(), a.line(), a.column(),
            where + " has a hard-coded " + name, where + "." + name, SecretEvidence.of(raw));
      }
    }
    String profile = b.literal("profile");
    if (profile != null && profile.trim().equalsIgnoreCase("root")) {
      Tf.Attr a = b.attr("profile");
      report(AwsRules.ROOT_KEYS, at.file().source(), a.line(), a.column(),
          where + " uses the profile 'root'", where + ".profile", null);
    }
  }

  // ---- A6-A8: secrets in workload configuration ----

  private void workloadSecrets() {
    for (Located l : module.resources("aws_lambda_function")) {
      for (Tf.Block env : l.block().blocks("environment")) {
        Tf.Attr vars = env.attr("variables");
        if (vars != null && vars.value() instanceof Tf.Obj o) {
          // Each variable is reported on its own line, where the text detectors see it too.
          o.entries().forEach((name, value) -> secretAssignment(AwsRules.LAMBDA_ENV_SECRET, l,
              at(l, vars, value), name, value.literal(), "environment variable",
              "environment." + name));
        }
      }
    }
    for (String type : INSTANCE_TYPES) {
      for (Located l : module.resources(type)) {
        for (String attr : List.of("user_data", "user_data_base64")) {
          Tf.Attr a = l.block().attr(attr);
          if (a != null) {
            for (String text : Tf.strings(a.value())) {
              userData(l, a, text, attr);
            }
          }
        }
      }
    }
    for (Located l : module.resources("aws_ecs_task_definition")) {
      Tf.Attr a = l.block().attr("container_definitions");
      JsonNode defs = a == null ? null : json(a.value());
      if (defs != null && defs.isArray()) {
        for (JsonNode c : defs) {
          JsonNode env = c.get("environment");
          if (env != null && env.isArray()) {
            for (JsonNode e : env) {
              JsonNode name = e.get("name");
              JsonNode value = e.get("value");
              if (name != null && value != null && value.isValueNode()) {
                secretAssignment(AwsRules.ECS_ENV_SECRET, l, a, name.asText(), value.asText(),
                    "container environment variable",
                    "container_definitions." + c.path("name").asText() + "." + name.asText());
              }
            }
          }
        }
      }
    }
  }

  /** The attribute as if it started where one of the values it writes starts. */
  private static Tf.Attr at(Located l, Tf.Attr attr, Tf.Value value) {
    int line = l.file().line(value);
    return line == 0 ? attr
        : new Tf.Attr(attr.name(), attr.value(), line, l.file().column(value));
  }

  private JsonNode json(Tf.Value v) {
    try {
      if (v instanceof Tf.Call c && c.name().equals("jsonencode") && c.args().size() == 1) {
        return PolicySources.json(c.args().get(0), 0);
      }
      if (v instanceof Tf.Str s && s.text().length() <= PolicyDocument.MAX_CHARS) {
        return JSON.readTree(s.text());
      }
    } catch (InvalidPolicyException | JsonProcessingException e) {
      return null;
    }
    return null;
  }

  /**
   * AWS's documented example keys ({@code AKIAIOSFODNN7EXAMPLE}) are no credential, but code
   * that carries credentials is still the wrong practice: reported at low severity, without
   * secret evidence, with a message of its own.
   */
  private void exampleCredential(Rule rule, Located at, Tf.Attr attr, String what, String key,
      String instead) {
    Finding f = rule.at(at.file().source().location(Math.max(1, attr.line()),
        Math.max(1, attr.column())), what + " with AWS's documented example key: not a live"
            + " credential, but credentials do not belong in code; " + instead)
        .withKey(key + ".example").withSeverity(Severity.LOW);
    sink.report(f);
  }

  private void secretAssignment(Rule rule, Located at, Tf.Attr attr, String name, String raw,
      String what, String key) {
    if (raw == null || raw.contains("${")) {
      return;
    }
    if (rule == AwsRules.LAMBDA_ENV_SECRET
        && AWS_CREDENTIAL_VARIABLES.contains(name.toUpperCase(Locale.ROOT))
        && raw.toUpperCase(Locale.ROOT).contains("EXAMPLE")) {
      exampleCredential(rule, at, attr, at.block().address() + " sets " + what + " '" + name
          + "'", at.block().address() + "." + key, "a function gets its credentials from its"
              + " execution role");
      return;
    }
    Optional<SecretHit> hit = Secrets.assignment(name, raw);
    if (hit.isPresent()) {
      report(rule, at.file().source(), attr.line(), attr.column(), at.block().address() + " sets "
          + what + " '" + name + "' to a literal secret", at.block().address() + "." + key,
          hit.get().evidence());
    }
  }

  private void userData(Located at, Tf.Attr attr, String text, String attrName) {
    String plain = text;
    boolean encoded = false;
    if (attrName.equals("user_data_base64") || BASE64_BLOB.matcher(text).matches()) {
      String decoded = Encoded.text(text);
      if (decoded != null) {
        plain = decoded;
        encoded = true;
      }
    }
    String what = encoded ? "user data variable (base64-encoded)" : "user data variable";
    int lines = 0;
    for (String line : plain.split("\n", 2000)) {
      if (++lines > 2000) {
        break;
      }
      String l = line.length() > 1000 ? line.substring(0, 1000) : line;
      Matcher m = ASSIGNMENT.matcher(l);
      if (m.find()) {
        String value = m.group(2);
        if (value.startsWith("$") || value.contains("${")) {
          continue;
        }
        secretAssignment(AwsRules.USER_DATA_SECRET, at, attr, m.group(1), value, what,
            attrName + "." + m.group(1));
      }
    }
    if (encoded) {
      // Plain user data is read by the text detectors where it is written; encoded is not.
      for (SecretHit hit : SecretDetectors.find(plain)) {
        if (!hit.detector().equals("generic-assignment") && !hit.evidence().placeholder()) {
          report(AwsRules.USER_DATA_SECRET, at.file().source(), attr.line(), attr.column(),
              at.block().address() + " has a " + hit.kind() + " in its base64-encoded "
                  + attrName, at.block().address() + "." + attrName + "." + hit.detector() + "."
                  + hit.kind(), hit.evidence());
        }
      }
    }
  }


  // ---- A9, A10: secret flows and rotation ----

  private void secretFlows() {
    for (Located l : module.data("http")) {
      for (Tf.Attr a : l.block().attrs().values()) {
        for (String ref : a.value().refs()) {
          if (ref.startsWith("data.aws_ssm_parameter.") || ref.startsWith("aws_ssm_parameter.")
              || ref.contains("aws_secretsmanager_secret_version.")) {
            report(AwsRules.SSM_TO_HTTP, l, a, l.block().address() + " sends " + ref
                + " to an HTTP endpoint in '" + a.name() + "'", a.name());
            break;
          }
        }
      }
    }
    Set<String> rotated = new LinkedHashSet<>();
    for (Located r : module.resources("aws_secretsmanager_secret_rotation")) {
      for (Located t : module.targets(r.block().value("secret_id"))) {
        rotated.add(t.block().address());
      }
    }
    for (Located s : module.resources("aws_secretsmanager_secret")) {
      Tf.Block b = s.block();
      if (!rotated.contains(b.address()) && b.attr("rotation_lambda_arn") == null
          && b.block("rotation_rules") == null) {
        report(AwsRules.SECRET_NO_ROTATION, s, null, b.address()
            + " has no aws_secretsmanager_secret_rotation", "rotation");
      }
    }
  }

  // ---- A11-A24: identity and trust policies ----

  private void policies() {
    for (Map.Entry<String, String> e : IDENTITY_POLICIES.entrySet()) {
      for (Located l : module.resources(e.getKey())) {
        identityPolicy(l, l.block().attr(e.getValue()), e.getValue());
      }
    }
    Set<String> trustDocuments = new LinkedHashSet<>();
    for (Located role : module.resources("aws_iam_role")) {
      for (Tf.Block inline : role.block().blocks("inline_policy")) {
        Tf.Attr a = inline.attr("policy");
        String name = PolicySources.text(inline.value("name"));
        identityPolicy(role, a, "inline_policy." + name);
      }
      Tf.Attr trust = role.block().attr("assume_role_policy");
      PolicyDocument doc = policy(role, trust);
      if (doc != null) {
        reportIssues(role, trust, PolicyReview.trust(resolveIdentityProviders(doc)),
            TRUST_RULES, "assume_role_policy");
      }
      if (trust != null && module.resolve(trust.value()) instanceof Tf.Ref r
          && module.target(r.text()) != null) {
        trustDocuments.add(module.target(r.text()).block().address());
      }
    }
    webIdentityDocuments(trustDocuments);
  }

  /**
   * Reviews the web identity (OIDC) statements of the {@code aws_iam_policy_document} data
   * sources that no role of this module takes as its trust policy: such a document is handed to
   * a role elsewhere (a role module's input, an output), and a statement that lets an OIDC
   * issuer's tokens assume a role is a trust policy wherever it ends up. Only the OIDC trust
   * rule applies: a wildcard or account principal may belong to a resource policy.
   */
  private void webIdentityDocuments(Set<String> reviewedAsTrust) {
    for (Located data : module.data("aws_iam_policy_document")) {
      String address = data.block().address();
      if (reviewedAsTrust.contains(address)) {
        continue;
      }
      Tf.Attr json = new Tf.Attr("json", new Tf.Ref(address + ".json"), data.block().line(),
          data.block().column());
      PolicyDocument doc = policy(data, json);
      if (doc == null) {
        continue;
      }
      // A Federated principal in a statement that does not grant the web identity assumption
      // (a Cognito identity reading a bucket) belongs to a resource policy, not to a trust.
      List<PolicyIssue> issues = PolicyReview.trust(resolveIdentityProviders(doc)).stream()
          .filter(i -> doc.statements().get(i.statement())
              .mayGrant("sts:AssumeRoleWithWebIdentity"))
          .toList();
      reportIssues(data, json, issues, OIDC_TRUST_RULES, "statement");
    }
  }

  /**
   * Replaces federated principals that reference an {@code aws_iam_openid_connect_provider} of
   * the module by the provider's URL, so that the issuer (GitHub, GitLab, ...) is visible.
   */
  private PolicyDocument resolveIdentityProviders(PolicyDocument doc) {
    List<PolicyStatement> statements = new ArrayList<>();
    for (PolicyStatement s : doc.statements()) {
      List<String> federated = s.principals().of("Federated");
      if (federated.isEmpty()) {
        statements.add(s);
        continue;
      }
      Map<String, List<String>> byType = new LinkedHashMap<>(s.principals().byType());
      List<String> resolved = new ArrayList<>();
      for (String id : federated) {
        resolved.add(providerUrl(id));
      }
      byType.keySet().removeIf(k -> k.equalsIgnoreCase("Federated"));
      byType.put("Federated", resolved);
      statements.add(new PolicyStatement(s.sid(), s.effect(), s.actions(), s.notAction(),
          s.resources(), s.notResource(),
          new PolicyPrincipals(byType, s.principals().negated(), true), s.conditions()));
    }
    return new PolicyDocument(doc.version(), statements);
  }

  private String providerUrl(String id) {
    if (!id.startsWith("${") || !id.endsWith("}")) {
      return id;
    }
    Located target = module.target(id.substring(2, id.length() - 1));
    if (target != null && (target.block().isResource("aws_iam_openid_connect_provider")
        || target.block().isData("aws_iam_openid_connect_provider"))) {
      String url = target.block().literal("url");
      if (url != null) {
        return "oidc-provider/" + url.replaceFirst("^https://", "");
      }
    }
    return id;
  }

  private void identityPolicy(Located at, Tf.Attr attr, String key) {
    if (attr == null) {
      return;
    }
    PolicyDocument doc = policy(at, attr);
    if (doc != null) {
      reportIssues(at, attr, PolicyReview.permissions(doc), PERMISSION_RULES, key);
    }
  }

  /**
   * Reports the issues of one policy, one finding per rule kind: at the line of the first
   * issue's statement part (its Action, Principal or condition) where the policy's text can be
   * located, else at the attribute; with the highest severity an issue asks for, if any.
   */
  private void reportIssues(Located at, Tf.Attr attr, List<PolicyIssue> issues,
      Map<Kind, Rule> rules, String key) {
    Map<Kind, Set<String>> details = new LinkedHashMap<>();
    Map<Kind, PolicyIssue> first = new LinkedHashMap<>();
    Map<Kind, Severity> severities = new EnumMap<>(Kind.class);
    for (PolicyIssue i : issues) {
      if (rules.containsKey(i.kind())) {
        details.computeIfAbsent(i.kind(), k -> new LinkedHashSet<>()).add(i.detail());
        first.putIfAbsent(i.kind(), i);
        if (i.severity() != null) {
          severities.merge(i.kind(), i.severity(),
              (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
      }
    }
    if (details.isEmpty()) {
      return;
    }
    List<String> from = module.resolvedFrom(attr.value());
    String suffix = from.isEmpty() ? "" : " (from " + String.join(", ", from) + ")";
    PolicyPlaces places = PolicyPlaces.locate(attr.value(), module);
    details.forEach((kind, texts) -> {
      PolicyIssue i = first.get(kind);
      SourceFile file = at.file().source();
      int line = attr.line();
      int column = attr.column();
      if (places != null && i.statement() < places.statements().size()) {
        int l = places.statements().get(i.statement()).of(i.part(), i.conditionKey());
        if (l > 0) {
          file = places.source();
          line = l;
          column = firstColumn(file, l);
        }
      }
      Rule rule = rules.get(kind);
      Finding f = rule.at(file.location(Math.max(1, line), Math.max(1, column)),
          at.block().address() + " " + key + " " + String.join("; ", texts) + suffix)
          .withKey(at.block().address() + "." + key + ":" + kind.name().toLowerCase(Locale.ROOT));
      Severity s = severities.get(kind);
      sink.report(s == null || s == rule.severity() ? f : f.withSeverity(s));
    });
  }

  /** The column of a line's first non-blank character (1 for a blank line). */
  private static int firstColumn(SourceFile file, int line) {
    String text = file.line(line);
    int i = 0;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i < text.length() ? i + 1 : 1;
  }

  // ---- A14, A25: attachments ----

  private void attachments() {
    for (String type : List.of("aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment", "aws_iam_policy_attachment")) {
      for (Located l : module.resources(type)) {
        Tf.Attr a = l.block().attr("policy_arn");
        String admin = a == null ? null : adminPolicy(a.value());
        if (admin != null) {
          report(AwsRules.ADMIN_ATTACHMENT, l, a, l.block().address() + " attaches " + admin,
              "policy_arn");
        }
      }
    }
    for (Located l : module.resources("aws_iam_role")) {
      Tf.Attr a = l.block().attr("managed_policy_arns");
      if (a != null && module.resolve(a.value()) instanceof Tf.Tuple t) {
        for (Tf.Value v : t.items()) {
          String admin = adminPolicy(v);
          if (admin != null) {
            report(AwsRules.ADMIN_ATTACHMENT, l, a, l.block().address() + " attaches " + admin,
                "managed_policy_arns." + admin);
          }
        }
      }
    }
    for (Located l : module.resources("aws_iam_user_policy")) {
      report(AwsRules.USER_POLICY, l, l.block().attr("user"), l.block().address()
          + " puts an inline policy on a user", "user");
    }
    for (Located l : module.resources("aws_iam_user_policy_attachment")) {
      report(AwsRules.USER_POLICY, l, l.block().attr("user"), l.block().address()
          + " attaches a policy to a user", "user");
    }
    for (Located l : module.resources("aws_iam_policy_attachment")) {
      Tf.Attr users = l.block().attr("users");
      if (users != null && !(users.value() instanceof Tf.Tuple t && t.items().isEmpty())) {
        report(AwsRules.USER_POLICY, l, users, l.block().address()
            + " attaches a policy to users", "users");
      }
    }
  }

  /** The name of an administrator managed policy a value points to, or null. */
  private String adminPolicy(Tf.Value written) {
    Tf.Value v = module.resolve(written);
    String arn = v.literal();
    if (arn == null) {
      for (Located t : module.targets(v)) {
        if (t.block().isData("aws_iam_policy")) {
          arn = t.block().literal("arn");
          if (arn == null) {
            arn = "policy/" + t.block().literal("name");
          }
        }
      }
    }
    if (arn == null) {
      return null;
    }
    int slash = arn.lastIndexOf('/');
    String name = arn.substring(slash + 1);
    return arn.contains("policy/") && ADMIN_POLICIES.contains(name) ? name : null;
  }

  // ---- A26, A27: users ----

  private void users() {
    for (Located l : module.resources("aws_iam_user")) {
      report(AwsRules.IAM_USER, l, l.block().attr("name"), l.block().address()
          + " defines IAM user '" + PolicySources.text(module.resolve(l.block().value("name")))
          + "'", "");
    }
    for (Located l : module.resources("aws_iam_user_login_profile")) {
      report(AwsRules.LOGIN_PROFILE, l, l.block().attr("user"), l.block().address()
          + " gives user '" + shown(l.block().value("user"))
          + "' a console password", "user");
    }
  }

  // ---- A28-A30, A41: instances ----

  private void instances() {
    for (Located l : module.resources("aws_instance")) {
      if (l.block().attr("iam_instance_profile") == null
          && l.block().block("launch_template") == null) {
        report(AwsRules.NO_INSTANCE_PROFILE, l, null, l.block().address()
            + " has no iam_instance_profile", "iam_instance_profile");
      }
    }
    for (String type : List.of("aws_instance", "aws_launch_template",
        "aws_launch_configuration")) {
      for (Located l : module.resources(type)) {
        metadata(l);
        Tf.Attr pub = l.block().attr("associate_public_ip_address");
        if (pub != null && l.block().isTrue("associate_public_ip_address")) {
          report(AwsRules.PUBLIC_IP, l, pub, l.block().address()
              + " sets associate_public_ip_address = true", "associate_public_ip_address");
        }
        for (Tf.Block ni : l.block().blocks("network_interfaces")) {
          if (ni.isTrue("associate_public_ip_address")) {
            Tf.Attr a = ni.attr("associate_public_ip_address");
            report(AwsRules.PUBLIC_IP, l.file().source(), a.line(), a.column(),
                l.block().address() + " network_interfaces sets associate_public_ip_address"
                    + " = true", l.block().address() + ".network_interfaces.public_ip", null);
          }
        }
      }
    }
    for (Located l : module.resources("aws_subnet")) {
      if (l.block().isTrue("map_public_ip_on_launch")) {
        report(AwsRules.PUBLIC_IP, l, l.block().attr("map_public_ip_on_launch"),
            l.block().address() + " sets map_public_ip_on_launch = true",
            "map_public_ip_on_launch");
      }
    }
  }

  private void metadata(Located l) {
    Tf.Block md = l.block().block("metadata_options");
    if (md == null && l.block().block("launch_template") != null) {
      return;
    }
    if (md == null) {
      report(AwsRules.IMDSV1, l, null, l.block().address() + " has no metadata_options, so"
          + " IMDSv1 stays enabled", "metadata_options.http_tokens");
      return;
    }
    String endpoint = md.literal("http_endpoint");
    if (endpoint != null && endpoint.equalsIgnoreCase("disabled")) {
      return;
    }
    Tf.Attr tokens = md.attr("http_tokens");
    if (tokens == null) {
      reportBlock(AwsRules.IMDSV1, l, md, l.block().address() + " metadata_options has no"
          + " http_tokens, so IMDSv1 stays enabled", "metadata_options.http_tokens");
    } else if (tokens.value().literal() != null
        && !tokens.value().literal().equalsIgnoreCase("required")) {
      report(AwsRules.IMDSV1, l, tokens, l.block().address() + " sets http_tokens = '"
          + tokens.value().literal() + "' instead of 'required'", "metadata_options.http_tokens");
    }
    Tf.Attr hops = md.attr("http_put_response_hop_limit");
    if (hops != null && hops.value().literal() != null && parseInt(hops.value().literal()) > 1) {
      report(AwsRules.IMDS_HOPS, l, hops, l.block().address()
          + " sets http_put_response_hop_limit = " + hops.value().literal(),
          "metadata_options.http_put_response_hop_limit");
    }
  }

  // ---- A31: Lambda and ECS roles ----

  private void workloadRoles() {
    for (Located l : module.resources("aws_lambda_function")) {
      adminRole(l, l.block().attr("role"));
    }
    for (Located l : module.resources("aws_ecs_task_definition")) {
      Tf.Attr task = l.block().attr("task_role_arn");
      Tf.Attr exec = l.block().attr("execution_role_arn");
      adminRole(l, task);
      adminRole(l, exec);
      if (task != null && exec != null) {
        String t = roleIdentity(task.value());
        if (t != null && t.equals(roleIdentity(exec.value()))) {
          report(AwsRules.ECS_SAME_ROLE, l, task, l.block().address()
              + " uses " + t + " as both task role and execution role", "task_role_arn");
        }
      }
    }
  }

  private String roleIdentity(Tf.Value v) {
    List<Located> targets = module.targets(v);
    if (!targets.isEmpty()) {
      return targets.get(0).block().address();
    }
    String text = v.literal();
    return text != null ? text : v.refs().stream().findFirst().orElse(null);
  }

  private void adminRole(Located at, Tf.Attr roleAttr) {
    if (roleAttr == null) {
      return;
    }
    for (Located role : module.targets(roleAttr.value())) {
      if (role.block().isResource("aws_iam_role")) {
        String why = adminReason(role);
        if (why != null) {
          report(AwsRules.WORKLOAD_ADMIN, at, roleAttr, at.block().address() + " runs with "
              + role.block().address() + ", which " + why, roleAttr.name());
        }
      }
    }
  }

  /** Why a role is an administrator, or null. */
  private String adminReason(Located role) {
    String address = role.block().address();
    Tf.Value managed = module.resolve(role.block().value("managed_policy_arns"));
    if (managed instanceof Tf.Tuple t) {
      for (Tf.Value v : t.items()) {
        String admin = adminPolicy(v);
        if (admin != null) {
          return "has " + admin + " attached";
        }
      }
    }
    for (Tf.Block inline : role.block().blocks("inline_policy")) {
      if (isAdmin(inline.value("policy"))) {
        return "has an inline policy allowing every action";
      }
    }
    for (Located att : module.resources("aws_iam_role_policy_attachment")) {
      if (!refersTo(att.block().value("role"), address)) {
        continue;
      }
      Tf.Value arn = att.block().value("policy_arn");
      String admin = arn == null ? null : adminPolicy(arn);
      if (admin != null) {
        return "has " + admin + " attached by " + att.block().address();
      }
      for (Located p : module.targets(arn)) {
        if (p.block().isResource("aws_iam_policy") && isAdmin(p.block().value("policy"))) {
          return "has " + p.block().address() + " allowing every action attached";
        }
      }
    }
    for (Located rp : module.resources("aws_iam_role_policy")) {
      if (refersTo(rp.block().value("role"), address) && isAdmin(rp.block().value("policy"))) {
        return "has inline policy " + rp.block().address() + " allowing every action";
      }
    }
    return null;
  }

  private boolean refersTo(Tf.Value v, String address) {
    return v != null && module.targets(v).stream()
        .anyMatch(t -> t.block().address().equals(address));
  }

  private boolean isAdmin(Tf.Value policy) {
    PolicyDocument doc = policy == null ? null : PolicySources.read(policy, module);
    return doc != null && PolicyReview.permissions(doc).stream()
        .anyMatch(i -> i.kind() == Kind.FULL_ADMIN);
  }

  // ---- A32, A33: key and resource policies ----

  private void keyAndResourcePolicies() {
    for (String type : List.of("aws_kms_key", "aws_kms_key_policy")) {
      for (Located l : module.resources(type)) {
        Tf.Attr a = l.block().attr("policy");
        PolicyDocument doc = policy(l, a);
        if (doc != null) {
          reportIssues(l, a, PolicyReview.keyPolicy(doc), Map.of(
              Kind.WILDCARD_PRINCIPAL, AwsRules.KMS_POLICY,
              Kind.KMS_BROAD_GRANT, AwsRules.KMS_POLICY), "policy");
        }
      }
    }
    for (Map.Entry<String, String> e : RESOURCE_POLICIES.entrySet()) {
      for (Located l : module.resources(e.getKey())) {
        Tf.Attr a = l.block().attr(e.getValue());
        PolicyDocument doc = policy(l, a);
        if (doc != null) {
          reportIssues(l, a, PolicyReview.resource(doc),
              Map.of(Kind.WILDCARD_PRINCIPAL, AwsRules.PUBLIC_RESOURCE_POLICY), e.getValue());
        }
      }
    }
    for (Located l : module.resources("aws_lambda_permission")) {
      Tf.Attr p = l.block().attr("principal");
      if (p != null && "*".equals(p.value().literal())
          && l.block().attr("source_arn") == null && l.block().attr("source_account") == null
          && l.block().attr("principal_org_id") == null) {
        report(AwsRules.PUBLIC_RESOURCE_POLICY, l, p, l.block().address()
            + " lets every principal ('*') invoke the function", "principal");
      }
    }
  }

  // ---- A44, A45 ----

  private void images() {
    for (Located l : module.data("aws_ami")) {
      Tf.Block b = l.block();
      Tf.Value owners = b.value("owners");
      boolean ownerFilter = b.blocks("filter").stream().anyMatch(f -> {
        String name = f.literal("name");
        return name != null && (name.equals("owner-id") || name.equals("owner-alias"));
      });
      boolean empty = owners instanceof Tf.Tuple t && t.items().isEmpty();
      if ((owners == null || empty) && !ownerFilter && b.attr("image_id") == null) {
        report(AwsRules.AMI_NO_OWNER, l, null, b.address() + " selects an AMI without owners,"
            + " so an image from any account can match", "owners");
      }
    }
  }

  /**
   * ECR repositories (and repository creation templates) whose tags can be overwritten: MUTABLE
   * or MUTABLE_WITH_EXCLUSION, or unset (the provider's default is MUTABLE); and calls of the
   * terraform-aws-modules ECR module that set repository_image_tag_mutability to MUTABLE (the
   * module's default is IMMUTABLE).
   */
  private void registries() {
    for (String type : List.of("aws_ecr_repository", "aws_ecr_repository_creation_template")) {
      for (Located l : module.resources(type)) {
        mutability(l, "image_tag_mutability", true);
      }
    }
    for (Located l : module.blocks()) {
      Tf.Value src = l.block().type().equals("module") ? l.block().value("source") : null;
      String s = src == null || src.literal() == null ? "" : src.literal();
      if (s.contains("terraform-aws-modules/ecr") || s.contains("terraform-aws-ecr")) {
        mutability(l, "repository_image_tag_mutability", false);
      }
    }
  }

  private void mutability(Located l, String attr, boolean mutableByDefault) {
    Tf.Block b = l.block();
    Tf.Attr a = b.attr(attr);
    if (a == null) {
      if (mutableByDefault) {
        report(AwsRules.ECR_MUTABLE, l, null, b.address() + " does not set " + attr
            + ", so tags are MUTABLE (the provider's default)", attr);
      }
      return;
    }
    Tf.Value v = module.resolve(a.value());
    String value = v == null || v.literal() == null ? null
        : v.literal().trim().toUpperCase(Locale.ROOT);
    if (value != null && value.startsWith("MUTABLE")) {
      report(AwsRules.ECR_MUTABLE, l, a, b.address() + " sets " + attr + " = " + value
          + ", so a pushed tag can be made to point at another image", attr);
    }
  }

  private void databases() {
    for (String type : List.of("aws_db_instance", "aws_rds_cluster", "aws_neptune_cluster")) {
      for (Located l : module.resources(type)) {
        Tf.Block b = l.block();
        String engine = b.literal("engine");
        if (engine != null && !type.equals("aws_neptune_cluster")) {
          String e = engine.toLowerCase(Locale.ROOT);
          if (!(e.startsWith("mysql") || e.startsWith("postgres") || e.startsWith("mariadb")
              || e.startsWith("aurora"))) {
            continue;
          }
        }
        if (!b.isTrue("iam_database_authentication_enabled")) {
          report(AwsRules.DB_NO_IAM_AUTH, l, b.attr("iam_database_authentication_enabled"),
              b.address() + " does not enable iam_database_authentication_enabled",
              "iam_database_authentication_enabled");
        }
      }
    }
  }

  /** A value as a message shows it: a reference by its name, a literal by its text. */
  private static String shown(Tf.Value v) {
    return v instanceof Tf.Ref r ? r.text() : PolicySources.text(v);
  }

  static int parseInt(String s) {
    if (s == null) {
      return -1;
    }
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
