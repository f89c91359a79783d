package dev.imprint.scan.packer;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Location;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.image.ImageRef;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Runs the Packer rules over one template. */
final class PackerChecks {
  /** Names that hold a cloud credential whatever their value looks like. */
  private static final Set<String> CLOUD_KEYS = Set.of("AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET",
      "GOOGLE_CREDENTIALS", "GCP_SA_KEY", "GOOGLE_APPLICATION_CREDENTIALS_JSON");
  /** Provisioners that run on the machine being built (not on the host running Packer). */
  private static final Set<String> REMOTE_SHELLS = Set.of("shell", "powershell",
      "windows-shell", "ansible", "ansible-local");
  /** Communicator passwords that are public by convention (Vagrant base boxes). */
  private static final Set<String> CONVENTIONAL = Set.of("vagrant");

  private final SourceFile file;
  private final PackerTemplate template;
  private final Sink sink;

  private PackerChecks(SourceFile file, PackerTemplate template, Sink sink) {
    this.file = file;
    this.template = template;
    this.sink = sink;
  }

  static void run(SourceFile file, PackerTemplate template, Sink sink) {
    new PackerChecks(file, template, sink).run();
  }

  private void run() {
    if (template.format() == PackerTemplate.Format.VARIABLE_FILE) {
      template.variables().forEach(this::assignedValue);
      return;
    }
    template.variables().forEach(this::variable);
    for (PackerTemplate.Source s : template.sources()) {
      source(s);
    }
    for (PackerTemplate.Source d : template.dataSources()) {
      if (d.type().equals("amazon-ami")) {
        amiOwners(d.attributes().get("owners"), d.attributes().get("most_recent"), d.line(),
            d.column(), "data source 'amazon-ami." + d.name() + "' has no owners",
            "data.amazon-ami." + d.name());
      }
    }
    int index = 0;
    for (PackerTemplate.Build b : template.builds()) {
      List<PackerTemplate.Provisioner> ps = b.provisioners();
      for (int i = 0; i < ps.size(); i++) {
        provisioner(ps.get(i), index + i);
        credentialFiles(ps, i, index + i);
      }
      index += ps.size();
      for (PackerTemplate.PostProcessor p : b.postProcessors()) {
        literalPasswords("post-processor '" + p.type() + "'", "post-processor." + p.type(),
            p.attributes(), false);
      }
    }
  }

  private void report(Rule rule, Value at, String message, String key) {
    sink.report(rule.at(file.location(at.line(), at.column()), message).withKey(key));
  }

  private void report(Rule rule, int line, int column, String message, String key) {
    sink.report(rule.at(file.location(line, column), message).withKey(key));
  }

  // ---- variables ----

  private void assignedValue(PackerTemplate.Variable v) {
    String text = Value.literal(v.defaultValue());
    if (text == null || CONVENTIONAL.contains(text.toLowerCase(Locale.ROOT))) {
      return;
    }
    Optional<SecretHit> hit = Commands.literal(v.name(), text);
    if (hit.isEmpty() && !Secrets.isPlaceholder(text)) {
      hit = SecretDetectors.find(text).stream().findFirst();
    }
    hit.ifPresent(h -> sink.report(PackerRules.VARIABLE_FILE_SECRET.at(
            file.location(v.defaultValue().line(), v.defaultValue().column()),
            "variable file assigns a literal secret to '" + v.name() + "'")
        .withSecret(h.evidence()).withKey("varfile." + v.name())));
  }

  private void variable(PackerTemplate.Variable v) {
    if (!Secrets.isSecretName(v.name())) {
      return;
    }
    if (!v.sensitive()) {
      String how = template.format() == PackerTemplate.Format.LEGACY_JSON
          ? "is not listed in sensitive-variables" : "is not marked sensitive = true";
      report(PackerRules.VARIABLE_NOT_SENSITIVE, v.line(), v.column(),
          "variable '" + v.name() + "' " + how, "var." + v.name());
    }
    String def = Value.literal(v.defaultValue());
    if (def != null) {
      Optional<SecretHit> hit = Secrets.assignment(v.name(), def);
      if (hit.isPresent()) {
        sink.report(PackerRules.VARIABLE_SECRET_DEFAULT.at(
                file.location(v.defaultValue().line(), v.defaultValue().column()),
                "variable '" + v.name() + "' has a literal default value")
            .withSecret(hit.get().evidence()).withKey("var." + v.name() + ".default"));
      }
    }
  }

  // ---- sources ----

  private void source(PackerTemplate.Source s) {
    String type = s.type().toLowerCase(Locale.ROOT);
    boolean unnamed = s.name().isEmpty() || s.name().equals(s.type());
    String label = "source '" + s.type() + (unnamed ? "" : "." + s.name()) + "'";
    String key = "source." + s.type() + "." + s.name();
    boolean amazon = type.startsWith("amazon-");
    literalPasswords(label, key, s.attributes(), amazon);
    if (amazon) {
      amazonBaseImage(s, label, key);
      staticKeys(s, label, key);
    }
    if (type.equals("docker")) {
      dockerImage(s, label, key);
    }
    if (type.equals("googlecompute")) {
      googleFamily(s, label, key);
    }
    if (type.equals("azure-arm")) {
      azureVersion(s, label, key);
    }
    sshKeyLeft(s, label, key);
  }

  /** Attributes named like a credential bound to a literal (AWS keys have their own rule). */
  private void literalPasswords(String label, String key, Map<String, Value> attrs,
      boolean amazon) {
    attrs.forEach((name, value) -> {
      String n = name.toLowerCase(Locale.ROOT);
      if (amazon && (n.equals("access_key") || n.equals("secret_key") || n.equals("token"))) {
        return;
      }
      String text = Value.literal(value);
      if (text == null || CONVENTIONAL.contains(text.toLowerCase(Locale.ROOT))) {
        return;
      }
      Optional<SecretHit> hit = Secrets.assignment(name, text);
      if (hit.isPresent()) {
        sink.report(PackerRules.LITERAL_PASSWORD.at(file.location(value.line(), value.column()),
                label + " sets " + name + " to a literal value")
            .withSecret(hit.get().evidence()).withKey(key + "." + name));
      }
    });
  }

  private void amazonBaseImage(PackerTemplate.Source s, String label, String key) {
    Value.Mapping filter = firstMapping(s.attribute("source_ami_filter"));
    if (filter != null) {
      amiOwners(filter.get("owners"), filter.get("most_recent"), filter.line(), filter.column(),
          label + " has a source_ami_filter without owners", key + ".source_ami_filter");
      return;
    }
    Value ami = s.attribute("source_ami");
    String id = Value.literal(ami);
    if (id != null && !id.isBlank()) {
      report(PackerRules.AMI_OWNER, ami, label + " uses source_ami '" + id
          + "' without a source_ami_filter restricted to trusted owners", key + ".source_ami");
    }
  }

  /** Reports an AMI lookup whose owners are missing or empty. */
  private void amiOwners(Value ownersValue, Value mostRecent, int line, int column,
      String what, String key) {
    List<Value.Scalar> owners = Value.scalars(ownersValue);
    if (ownersValue instanceof Value.Mapping
        || !owners.stream().allMatch(o -> o.literal() && o.text().isBlank())) {
      return;
    }
    boolean recent = "true".equalsIgnoreCase(Value.literal(mostRecent));
    report(PackerRules.AMI_OWNER, line, column, what + ": " + (recent
        ? "with most_recent the newest matching AMI of any account is used"
        : "a matching AMI of any account can be used"), key);
  }

  private void staticKeys(PackerTemplate.Source s, String label, String key) {
    for (String name : List.of("access_key", "secret_key", "token")) {
      Value v = s.attribute(name);
      String text = Value.literal(v);
      if (text == null || text.trim().length() < 16 || Secrets.isPlaceholder(text)
          || Secrets.isTestMarker(text)) {
        continue;
      }
      sink.report(PackerRules.STATIC_AWS_KEYS.at(file.location(v.line(), v.column()),
              label + " sets " + name + " to a literal AWS credential")
          .withSecret(SecretEvidence.of(text.trim())).withKey(key + "." + name));
    }
  }

  private void dockerImage(PackerTemplate.Source s, String label, String key) {
    Value v = s.attribute("image");
    String image = Value.literal(v);
    if (image == null || image.isBlank() || ImageRef.isTemplated(image)) {
      return;
    }
    if (!ImageRef.parse(image.trim()).pinned()) {
      report(PackerRules.DOCKER_DIGEST, v, label + " image '" + image.trim()
          + "' is not pinned by digest", key + ".image");
    }
  }

  private void googleFamily(PackerTemplate.Source s, String label, String key) {
    Value v = s.attribute("source_image_family");
    String family = Value.literal(v);
    if (family == null || family.isBlank() || s.attribute("source_image") != null
        || s.attribute("source_image_project_id") != null) {
      return;
    }
    report(PackerRules.GCE_FAMILY, v, label + " builds from image family '" + family
        + "' without source_image_project_id", key + ".source_image_family");
  }

  private void azureVersion(PackerTemplate.Source s, String label, String key) {
    Value publisher = s.attribute("image_publisher");
    if (publisher != null) {
      latestVersion(s.attribute("image_version"), publisher, label + " marketplace image",
          key + ".image_version");
    }
    Value.Mapping gallery = firstMapping(s.attribute("shared_image_gallery"));
    if (gallery != null) {
      latestVersion(gallery.get("image_version"), gallery, label + " shared gallery image",
          key + ".shared_image_gallery.image_version");
    }
  }

  private void latestVersion(Value version, Value owner, String what, String key) {
    if (version == null) {
      report(PackerRules.AZURE_LATEST, owner, what + " has no image_version: the latest "
          + "version is used", key);
    } else if ("latest".equalsIgnoreCase(String.valueOf(Value.literal(version)).trim())) {
      report(PackerRules.AZURE_LATEST, version, what + " uses image_version 'latest'", key);
    }
  }

  private void sshKeyLeft(PackerTemplate.Source s, String label, String key) {
    String communicator = Value.literal(s.attribute("communicator"));
    if (communicator != null && !communicator.equalsIgnoreCase("ssh")) {
      return;
    }
    if ("true".equalsIgnoreCase(Value.literal(s.attribute("ssh_clear_authorized_keys")))) {
      return;
    }
    for (String name : List.of("ssh_private_key_file", "ssh_keypair_name")) {
      Value v = s.attribute(name);
      if (v != null) {
        report(PackerRules.SSH_KEY_LEFT, v, label + " connects with a fixed key (" + name
            + ") and does not set ssh_clear_authorized_keys = true", key + "." + name);
        return;
      }
    }
  }

  private static Value.Mapping firstMapping(Value v) {
    if (v instanceof Value.Mapping m) {
      return m;
    }
    if (v instanceof Value.Sequence seq) {
      for (Value i : seq.items()) {
        if (i instanceof Value.Mapping m) {
          return m;
        }
      }
    }
    return null;
  }

  // ---- provisioners ----

  /**
   * Variables marked sensitive, and the environment variables a provisioner binds to one
   * ({@code environment_vars = ["CONN=${var.db_conn}"]}).
   */
  private java.util.Set<String> sensitiveNames(PackerTemplate.Provisioner p) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (PackerTemplate.Variable v : template.variables()) {
      if (v.sensitive()) {
        out.add(v.name());
      }
    }
    for (Value.Scalar e : p.environmentVars()) {
      int eq = e.text().indexOf('=');
      if (eq > 0) {
        String value = e.text().substring(eq + 1);
        for (String name : java.util.List.copyOf(out)) {
          if (value.contains("var." + name) || value.contains("`" + name + "`")) {
            out.add(e.text().substring(0, eq).trim());
          }
        }
      }
    }
    return out;
  }

  private void provisioner(PackerTemplate.Provisioner p, int index) {
    String label = "provisioner '" + p.type() + "'";
    String key = "provisioner." + index + "." + p.type();
    List<Value.Scalar> commands = new java.util.ArrayList<>(p.inline());
    commands.addAll(Value.scalars(p.attribute("execute_command")));
    commands.addAll(Value.scalars(p.attribute("command")));
    for (int i = 0; i < commands.size(); i++) {
      Value.Scalar c = commands.get(i);
      for (Commands.Secret s : Commands.secrets(c.text())) {
        sink.report(PackerRules.COMMAND_SECRET.at(lineOf(c, s.line()),
                label + " command contains a literal " + s.what())
            .withSecret(s.hit().evidence())
            .withKey(key + ".secret." + s.what())
            .withLegacyKey(key + ".secret." + dev.imprint.scan.Finding.LEGACY_SECRET));
      }
      for (Commands.Written w : Commands.secretWrites(c.text(), sensitiveNames(p))) {
        sink.report(PackerRules.SECRET_WRITTEN_TO_IMAGE.at(lineOf(c, w.line()), label
                + " writes " + w.reference() + " into a file of the image")
            .withKey(key + ".writes." + w.reference()));
      }
      int n = i;
      Commands.pipeToShell(c.text()).ifPresent(pipe -> sink.report(PackerRules.PIPE_TO_SHELL
          .at(lineOf(c, pipe.line()), label + " runs a download unverified (" + pipe.what()
              + ")").withKey(key + ".pipe." + n)));
    }
    for (Value.Scalar e : p.environmentVars()) {
      int eq = e.text().indexOf('=');
      if (eq > 0) {
        environment(e.text().substring(0, eq).trim(), e.text().substring(eq + 1), e, label,
            key);
      }
    }
    if (p.attribute("env") instanceof Value.Mapping env) {
      env.fields().forEach((name, v) -> {
        if (v instanceof Value.Scalar s) {
          environment(name, s.literal() ? s.text() : "${" + s.text() + "}", s, label, key);
        }
      });
    }
  }

  /**
   * Where line {@code k} of a command is: inside an HCL heredoc each line of the text is a line
   * of the file (at its first non-blank column); any other string is reported where it starts.
   */
  private Location lineOf(Value.Scalar c, int k) {
    String start = file.line(c.line());
    boolean heredoc = c.column() - 1 < start.length()
        && start.startsWith("<<", c.column() - 1);
    if (!heredoc || k < 0) {
      return file.location(c.line(), c.column());
    }
    int line = c.line() + 1 + k;
    String text = file.line(line);
    int col = 1;
    while (col <= text.length() && Character.isWhitespace(text.charAt(col - 1))) {
      col++;
    }
    return file.location(line, col);
  }

  private void environment(String name, String value, Value at, String label, String key) {
    String v = value.trim();
    Optional<SecretHit> hit = Commands.literal(name, v);
    if (hit.isEmpty() && CLOUD_KEYS.contains(name.toUpperCase(Locale.ROOT)) && v.length() >= 16
        && !Secrets.isPlaceholder(v) && !Secrets.isTestMarker(v)) {
      hit = Optional.of(new SecretHit("cloud key", "cloud-key", 0, v.length(),
          SecretEvidence.of(v)));
    }
    if (hit.isEmpty() && !Secrets.isPlaceholder(v)) {
      hit = SecretDetectors.find(v).stream().findFirst();
    }
    hit.ifPresent(h -> sink.report(PackerRules.ENVIRONMENT_SECRET.at(
            file.location(at.line(), at.column()),
            label + " sets environment variable " + name + " to a literal secret")
        .withSecret(h.evidence()).withKey(key + ".env." + name)));
  }

  private void credentialFiles(List<PackerTemplate.Provisioner> ps, int i, int index) {
    PackerTemplate.Provisioner p = ps.get(i);
    if (!p.type().equals("file")
        || "download".equalsIgnoreCase(Value.literal(p.attribute("direction")))) {
      return;
    }
    Value.Scalar dest = p.destination();
    for (Value.Scalar src : p.fileSources()) {
      String kind = CredentialFiles.kind(src.text());
      if (kind == null || removedLater(ps, i, src.text(), dest)) {
        continue;
      }
      report(PackerRules.CREDENTIAL_FILE, src, "file provisioner copies " + kind + " '"
          + src.text().trim() + "' into the image" + (dest == null ? "" : " at '"
          + dest.text().trim() + "'") + " and no later provisioner removes it",
          "provisioner." + index + ".file." + src.text().trim());
    }
  }

  /** Whether a later provisioner on the machine deletes the uploaded file. */
  private static boolean removedLater(List<PackerTemplate.Provisioner> ps, int i, String src,
      Value.Scalar dest) {
    String base = src.trim().replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1);
    String target = dest == null ? "" : dest.text().trim().replaceAll("[/\\\\]+$", "");
    List<String> names = target.isEmpty() ? List.of(base) : List.of(base, target);
    for (int j = i + 1; j < ps.size(); j++) {
      PackerTemplate.Provisioner later = ps.get(j);
      if (!REMOTE_SHELLS.contains(later.type())) {
        continue;
      }
      for (Value.Scalar c : later.inline()) {
        if (Commands.removesAny(c.text(), names)) {
          return true;
        }
      }
      for (Value.Scalar script : later.scripts()) {
        String s = script.text().toLowerCase(Locale.ROOT);
        if (s.contains("clean") || s.contains("scrub") || s.contains("remove-secret")) {
          return true;
        }
      }
    }
    return false;
  }
}
