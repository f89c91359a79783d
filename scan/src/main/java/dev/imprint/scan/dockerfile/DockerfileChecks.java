package dev.imprint.scan.dockerfile;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Location;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.image.ImageRef;
import dev.imprint.scan.secret.Secrets;
import dev.imprint.scan.shell.CommandLine;
import dev.imprint.scan.shell.Shell;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs every IMP-DOCKER rule over one parsed Dockerfile. */
final class DockerfileChecks {
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----");
  private static final Pattern TOKEN = Pattern.compile(
      "\\b(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{40,255}"
          + "|glpat-[A-Za-z0-9_-]{20,64}|xox[baprs]-[A-Za-z0-9-]{10,200}"
          + "|sk_live_[A-Za-z0-9]{16,128}|npm_[A-Za-z0-9]{36}|AIza[0-9A-Za-z_-]{35})");
  private static final Pattern URL_CREDS =
      Pattern.compile("\\b[a-z][a-z0-9+.-]{1,20}://([^\\s:/@'\"]{1,200}):([^\\s/@'\"]{1,300})@");
  private static final Pattern CRED_FILE = Pattern.compile("(?i)(^|/)(\\.aws(/credentials|/config)?"
      + "|id_(?!.*\\.pub$)[a-z0-9_-]+|\\.ssh(/.*)?|\\.npmrc|\\.pypirc|\\.netrc|\\.git-credentials"
      + "|\\.docker/config\\.json|\\.dockercfg|kubeconfig|\\.kube(/config)?|credentials\\.json"
      + "|application_default_credentials\\.json|service[-_]?account[^/]*\\.json"
      + "|[^/]*\\.(pem|key|p12|pfx|jks|keystore|kdbx|ppk|keytab|gpg|asc)"
      + "|\\.env(\\.(?!example$|sample$|template$|dist$|tmpl$)[A-Za-z0-9_-]+)?|\\.vault-token"
      + "|\\.config/gcloud.*|\\.bash_history|\\.zsh_history|\\.psql_history"
      + "|\\.mysql_history|\\.pgpass|\\.my\\.cnf|\\.htpasswd)/?$");
  /** Files whose name says they hold a secret, credential or key. */
  private static final Pattern SECRET_FILE_NAME = Pattern.compile(
      "(?i)[^/]*(secret|credential|passw|token|apikey|api_key|private)[^/]*");
  private static final Set<String> CRED_ENV = Set.of("GOOGLE_APPLICATION_CREDENTIALS",
      "AWS_SHARED_CREDENTIALS_FILE", "KUBECONFIG", "DOCKER_CONFIG", "AZURE_AUTH_LOCATION");
  private static final Set<String> SHELLS =
      Set.of("sh", "bash", "zsh", "dash", "ash", "ksh", "python", "python3", "perl", "ruby",
          "node", "pwsh", "iex");
  private static final Pattern SECRET_PATH = Pattern.compile("/run/secrets/\\S*");
  /** {@code X=$(cat /run/secrets/x)}, {@code export X="$(< f)"}, {@code read -r X < f}. */
  private static final Pattern SECRET_VARIABLE = Pattern.compile(
      "(?:^|\\s|;)(?:export\\s+|local\\s+|declare\\s+)?([A-Za-z_][A-Za-z0-9_]{0,80})=[\"']?"
          + "(?:\\$\\(|`)|\\bread\\s+(?:-[a-z]+\\s+)*([A-Za-z_][A-Za-z0-9_]{0,80})\\s*<");
  /** Output redirected to a file (not to another descriptor or /dev/null). */
  /** A .netrc entry, written anywhere in a script ({@code echo "machine h login u password p"}). */
  private static final Pattern NETRC_LINE = Pattern.compile("\\bmachine\\s{1,20}\\S{1,256}"
      + "(?:\\s{1,20}(?:login|account)\\s{1,20}\\S{1,256}){0,2}\\s{1,20}password\\s{1,20}"
      + "([^\\s\"'\\\\]{1,256})");
  private static final Pattern REDIRECT_TARGET =
      Pattern.compile("(?<![0-9&<>])>>?+\\|?\\s{0,10}([^\\s&|;>]+)");
  private static final Pattern FILE_REDIRECT =
      Pattern.compile("(?<![0-9&<>])>>?+\\|?\\s{0,10}(?!&|/dev/(null|stdout|stderr))[^\\s&|;>]");

  private final SourceFile file;
  private final Dockerfile df;
  private final ScanSettings settings;
  private final Sink sink;

  /** A credential or secret file copied into a layer of a stage: where, and its names. */
  private record CopiedSecret(String source, String destination, Instruction ins) {}

  private final java.util.Map<Integer, List<CopiedSecret>> copied = new java.util.HashMap<>();

  /** A shell script of one instruction: its text and where offsets in it point. */
  private record Script(String text, Instruction ins, boolean mapped, int line) {}

  DockerfileChecks(SourceFile file, Dockerfile df, ScanSettings settings, Sink sink) {
    this.file = file;
    this.df = df;
    this.settings = settings;
    this.sink = sink;
  }

  void run() {
    for (Stage stage : df.stages()) {
      image(stage.from(), stage.image(), stage.resolved(), stage);
      for (Instruction ins : stage.instructions()) {
        instruction(ins, stage);
        if (ins.trigger() != null) {
          instruction(ins.trigger(), stage);
        }
      }
    }
    for (Instruction a : df.globalArgs()) {
      pairs(a);
    }
    df.finalStage().ifPresent(this::finalStage);
    buildArgs();
  }

  // D1-D4: base images and images named by COPY --from.
  private void image(Instruction ins, String image, boolean resolved, Stage stage) {
    if (!resolved || image.isEmpty() || image.contains("$") || "scratch".equalsIgnoreCase(image)
        || isStage(image, stage == null ? Integer.MAX_VALUE : stage.index())) {
      return;
    }
    ImageRef ref = ImageRef.parse(image);
    Location at = at(ins);
    String key = "image:" + image;
    if (ref.digest() == null) {
      if ("latest".equals(ref.tag())) {
        report(DockerfileRules.LATEST, at, "image '" + image + "' uses the mutable :latest tag",
            key);
      } else if (ref.tag() == null) {
        report(DockerfileRules.NO_TAG, at, "image '" + image + "' has no tag (means :latest)",
            key);
      } else {
        report(DockerfileRules.NO_DIGEST, at, "image '" + image + "' is not pinned by digest",
            key);
      }
    }
    List<String> trusted = settings.trustedRegistries();
    if (!trusted.isEmpty() && !ref.trustedBy(trusted)) {
      report(DockerfileRules.UNTRUSTED_REGISTRY, at, "image '" + image + "' comes from registry '"
          + ref.registry() + "', which is not in trustedRegistries", key);
    }
  }

  private boolean isStage(String ref, int before) {
    for (Stage s : df.stages()) {
      if (s.index() < before && (ref.equalsIgnoreCase(s.name())
          || ref.equals(String.valueOf(s.index())))) {
        return true;
      }
    }
    return false;
  }

  private void instruction(Instruction ins, Stage stage) {
    switch (ins.keyword()) {
      case "ENV", "LABEL", "ARG" -> pairs(ins);
      case "COPY", "ADD" -> copy(ins, stage);
      case "RUN" -> run(ins, runtime(stage));
      case "CMD", "ENTRYPOINT", "HEALTHCHECK" -> startSecrets(ins);
      default -> { }
    }
    for (Heredoc h : ins.heredocs()) {
      privateKey(h.body(), file.location(h.line() + linesBefore(h.body(), "-----BEGIN"), 1),
          ins);
      if (!ins.is("RUN")) {
        Matcher m = TOKEN.matcher(h.body());
        if (m.find()) {
          reportFormat(DockerfileRules.RUN_SECRET, file.location(h.line(), 1),
              "a token is written into a file by a " + ins.keyword() + " heredoc", m.group(1));
        }
      }
    }
  }

  // D5, extra: secrets and key material in ENV / ARG / LABEL.
  private void pairs(Instruction ins) {
    for (KeyValue kv : ins.pairs()) {
      Location at = file.location(kv.line(), kv.column());
      if (kv.value() == null) {
        continue;
      }
      String value = kv.value();
      if (privateKey(value, at, ins)) {
        continue;
      }
      boolean literal = kv.raw() != null && !kv.raw().contains("$")
          && !CRED_ENV.contains(kv.key().toUpperCase(Locale.ROOT))
          && !value.matches("/[\\w./@+-]{0,300}");
      Rule rule = ins.is("ARG") ? DockerfileRules.ARG_SECRET : DockerfileRules.ENV_SECRET;
      Matcher token = TOKEN.matcher(value);
      if (literal && Secrets.assignment(kv.key(), value).isPresent()) {
        reportSecret(rule, at, ins.keyword() + " " + kv.key() + " holds a literal secret", value);
      } else if (literal && token.find()) {
        reportFormat(rule, at, ins.keyword() + " " + kv.key() + " holds a credential token",
            token.group(1));
      } else if (ins.is("ENV") && CRED_ENV.contains(kv.key().toUpperCase(Locale.ROOT))
          && value.startsWith("/")) {
        report(DockerfileRules.CREDENTIAL_FILE, at, "ENV " + kv.key() + " points to a credential "
            + "file inside the image ('" + value + "')", "env:" + kv.key());
      }
      if (ins.is("ENV")) {
        envTls(kv.key(), value, at);
      }
    }
  }

  private void envTls(String key, String value, Location at) {
    String k = key.toUpperCase(Locale.ROOT);
    String v = value.toLowerCase(Locale.ROOT);
    boolean off = k.equals("NODE_TLS_REJECT_UNAUTHORIZED") && v.equals("0")
        || k.equals("GIT_SSL_NO_VERIFY") && !v.isEmpty() && !v.equals("0") && !v.equals("false")
        || k.equals("PYTHONHTTPSVERIFY") && v.equals("0")
        || k.equals("NPM_CONFIG_STRICT_SSL") && v.equals("false")
        || k.equals("PIP_TRUSTED_HOST") && !v.isEmpty()
        || (k.equals("CURL_CA_BUNDLE") || k.equals("REQUESTS_CA_BUNDLE")) && v.isEmpty();
    if (off) {
      report(DockerfileRules.TLS_OFF, at, "ENV " + key + "=" + value
          + " disables TLS certificate verification", "env:" + key);
    }
    if (k.equals("GOSUMDB") && v.equals("off") || k.equals("GOINSECURE") && !v.isEmpty()) {
      report(DockerfileRules.SIGNATURE_OFF, at, "ENV " + key + "=" + value
          + " disables Go module checksum verification", "env:" + key);
    }
  }

  /**
   * Private key material: a BEGIN header followed by key material (a header alone, as in
   * {@code RUN grep -q "BEGIN RSA PRIVATE KEY" key.pem}, is not a key).
   */
  private boolean privateKey(String text, Location at, Instruction ins) {
    Matcher m = PRIVATE_KEY.matcher(text);
    if (!m.find()) {
      return false;
    }
    java.util.Optional<dev.imprint.scan.secret.SecretHit> key =
        dev.imprint.scan.secret.SecretDetectors.find(text).stream()
            .filter(h -> h.detector().startsWith("private-key")).findFirst();
    if (key.isEmpty()) {
      return false;
    }
    sink.report(DockerfileRules.PRIVATE_KEY.at(at, "private key material in " + ins.keyword())
        .withSecret(key.get().evidence()));
    return true;
  }


  // D6, D9, D21.
  private void copy(Instruction ins, Stage stage) {
    List<String> words = ins.isExecForm() ? ins.execForm() : ins.words();
    List<String> sources = new ArrayList<>();
    for (String w : words) {
      if (!w.startsWith("<<")) {
        sources.add(w);
      }
    }
    if (!sources.isEmpty()) {
      sources.remove(sources.size() - 1);
    }
    Location at = at(ins);
    String from = ins.flag("from").orElse(null);
    if (from != null) {
      image(ins, from, true, stage);
    }
    String dest = words.isEmpty() ? "" : words.get(words.size() - 1);
    for (String src : sources) {
      String s = src.replaceAll("/+$", "");
      boolean credential = CRED_FILE.matcher(src).find() || CRED_FILE.matcher(s).find();
      if (credential) {
        report(DockerfileRules.CREDENTIAL_FILE, at, ins.keyword() + " copies credential file '"
            + src + "' into the image", "copy:" + src);
      }
      if (from == null && (credential || SECRET_FILE_NAME.matcher(base(s)).matches())
          && !s.contains("*") && !s.equals(".")) {
        copied.computeIfAbsent(stage.index(), k -> new ArrayList<>())
            .add(new CopiedSecret(s, dest, ins));
      }
      if (from != null && (s.isEmpty() || s.equals("/.") || s.equals("/*") || s.equals("/root")
          || s.matches("/home(/[^/]+)?") || s.matches("/root/\\.[a-z]+.*"))) {
        report(DockerfileRules.STAGE_FS_COPY, at, "COPY --from=" + from + " copies '" + src
            + "' (whole filesystem or home directory) from another stage", "from:" + src);
      }
    }
    if (ins.is("ADD")) {
      add(ins, sources, at);
    }
  }

  private void add(Instruction ins, List<String> sources, Location at) {
    boolean checksum = ins.flag("checksum").isPresent();
    for (String src : sources) {
      String s = src.toLowerCase(Locale.ROOT);
      boolean git = s.startsWith("git@") || s.matches("https?://.*\\.git(#.*)?");
      if (git) {
        if (!s.matches(".*#[0-9a-f]{40}.*")) {
          report(DockerfileRules.ADD_URL, at, "ADD of git source '" + src + "' is not pinned to "
              + "a commit id", "add:" + src);
        }
      } else if (s.startsWith("http://") || s.startsWith("https://")) {
        if (!checksum) {
          report(DockerfileRules.ADD_URL, at, "ADD downloads '" + src + "' without --checksum",
              "add:" + src);
        }
      } else if (!s.matches(".*\\.(tar|tgz|tar\\.gz|tar\\.bz2|tbz2|tar\\.xz|txz|tar\\.zst)$")
          && ins.heredocs().isEmpty()) {
        report(DockerfileRules.ADD_LOCAL, at, "ADD of local '" + src + "': use COPY",
            "addlocal:" + src);
      }
    }
  }

  private List<Script> scripts(Instruction ins) {
    List<Script> out = new ArrayList<>();
    if (ins.isExecForm()) {
      List<String> e = ins.execForm();
      int c = e.indexOf("-c");
      String text = c >= 0 && c + 1 < e.size() && !e.isEmpty()
          && SHELLS.contains(base(e.get(0))) ? e.get(c + 1) : String.join(" ", e);
      out.add(new Script(text, ins, false, ins.line()));
      return out;
    }
    out.add(new Script(ins.arguments(), ins, true, ins.line()));
    String head = ins.arguments().replaceAll("<<-?\\S+", "").strip();
    boolean bodyIsScript = head.isEmpty() || SHELLS.contains(base(head.split("\\s+")[0]));
    for (Heredoc h : ins.heredocs()) {
      if (bodyIsScript) {
        out.add(new Script(h.body(), ins, false, h.line()));
      }
    }
    return out;
  }

  private static String base(String w) {
    return w.substring(w.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
  }

  // RUN: D8, D12, D15, D17-D20, D22, secrets in commands, secret mounts.
  /** Whether a stage ends up in the final image: the final stage or a stage it builds on. */
  private boolean runtime(Stage stage) {
    Stage s = df.finalStage().orElse(null);
    for (int guard = 0; s != null && guard < 64; guard++) {
      if (s.index() == stage.index()) {
        return true;
      }
      s = df.baseStage(s).orElse(null);
    }
    return false;
  }

  private void run(Instruction ins, boolean runtime) {
    for (Script s : scripts(ins)) {
      List<Shell.Command> cmds = Shell.commands(s.text());
      boolean verified =
          find("(sha(1|224|256|384|512)sum|shasum)[^|&;\\n]{0,300}(-c|--check)", s.text())
          || s.text().contains("gpg --verify")
          || s.text().contains("gpgv ") || s.text().contains("cosign verify")
          || s.text().contains("minisign -V");
      // Package manager -> offset of an index refresh, and managers that install in this RUN.
      java.util.Map<String, Shell.Command> refreshed = new java.util.LinkedHashMap<>();
      Set<String> installing = new java.util.HashSet<>();
      List<String> downloads = new ArrayList<>();
      for (CommandLine.Pipe p : CommandLine.pipes(s.text())) {
        report(DockerfileRules.PIPE_TO_SHELL, loc(s, p.offset()), p.what(), null);
      }
      for (int k = 0; k < cmds.size(); k++) {
        Shell.Command c = cmds.get(k);
        Location at = loc(s, c.offset());
        String name = c.name();
        String sub = c.sub();
        if (c.sudo()) {
          report(DockerfileRules.SUDO, at, "sudo runs '" + clip(c.text()) + "'", null);
        }
        String refresh = Packages.indexRefresh(c);
        if (refresh != null) {
          refreshed.putIfAbsent(refresh, c);
        }
        String installer = Packages.installer(c);
        if (installer != null) {
          installing.add(installer);
        }
        Packages.Install install = Packages.install(c);
        if (install != null) {
          if (!install.unpinned().isEmpty()) {
            report(DockerfileRules.UNPINNED_PACKAGE, at, name + " installs "
                + String.join(", ", install.unpinned().subList(0,
                    Math.min(5, install.unpinned().size())))
                + " without a pinned version", "pkg:" + install.unpinned());
          }
          for (String p : runtime ? install.packages() : List.<String>of()) {
            String pl = p.toLowerCase(Locale.ROOT);
            if (pl.startsWith("openssh-server") || pl.startsWith("dropbear")
                || pl.matches("ssh(=.*)?") || pl.startsWith("openssh=")
                || pl.equals("openssh") && !name.equals("apt-get")) {
              report(DockerfileRules.SSHD, at, "installs SSH server package '" + p + "'",
                  "sshd:" + p);
            }
          }
        }
        if (Packages.isUpgrade(c)) {
          report(DockerfileRules.UPGRADE, at, "'" + clip(c.text()) + "' upgrades packages in "
              + "the image", "upgrade:" + name);
        }
        if (isPasswordSet(c)) {
          report(DockerfileRules.PASSWORD_SET, at, name + " sets an account password", null);
        }
        String out = isDownload(c) ? downloadTarget(c) : null;
        if (out != null) {
          downloads.add(out);
        }
        if (!verified && executes(c, downloads)) {
          report(DockerfileRules.UNVERIFIED_DOWNLOAD, at, "'" + clip(c.text())
              + "' runs a downloaded file without a checksum or signature check", null);
        }
        tls(c, at);
        signature(c, at);
        commandSecret(c, at);
        if (runtime) {
          removedSecret(c, ins);
        }
      }
      for (java.util.Map.Entry<String, Shell.Command> r : refreshed.entrySet()) {
        if (!installing.contains(r.getKey())) {
          report(DockerfileRules.UPDATE_ALONE, loc(s, r.getValue().offset()), "'"
              + clip(r.getValue().text()) + "' refreshes the package index without installing "
              + "in the same RUN", null);
        }
      }
      privateKey(s.text(), at(ins), ins);
      textChecks(s, ins);
    }
    secretMount(ins);
  }

  /**
   * {@code rm} of a secret file an earlier COPY or ADD of a stage in the final image brought in:
   * the file stays in the earlier layer.
   */
  private void removedSecret(Shell.Command c, Instruction rm) {
    if (!c.name().equals("rm") && !c.name().equals("shred") && !c.name().equals("unlink")) {
      return;
    }
    for (List<CopiedSecret> list : copied.values()) {
      for (CopiedSecret cs : list) {
        if (cs.ins().line() >= rm.line() || !stageOf(cs.ins()).map(this::runtime).orElse(false)) {
          continue;
        }
        String name = base(cs.source());
        for (String a : c.args()) {
          String w = a.replaceAll("/+$", "");
          if (!w.startsWith("-") && (base(w).equals(name) || w.equals(cs.destination())
              || cs.destination().endsWith("/") && w.equals(cs.destination() + name)
              || (w.endsWith("/" + name) && !name.isEmpty()))) {
            report(DockerfileRules.SECRET_LAYER_REMOVED, at(cs.ins()), cs.ins().keyword() + " of '"
                + cs.source() + "' stays in its layer: 'rm' on line " + rm.line()
                + " only hides it from later ones", "layer:" + cs.source());
            return;
          }
        }
      }
    }
  }

  private java.util.Optional<Stage> stageOf(Instruction ins) {
    for (Stage st : df.stages()) {
      if (st.instructions().contains(ins)) {
        return java.util.Optional.of(st);
      }
    }
    return java.util.Optional.empty();
  }

  private static final java.util.Map<String, Pattern> PATTERNS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Finds a bounded pattern anywhere in a text (no leading .*: linear on hostile input). */
  private static boolean find(String regex, String text) {
    return PATTERNS.computeIfAbsent(regex, Pattern::compile).matcher(text).find();
  }

  private static String clip(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() > 80 ? one.substring(0, 77) + "..." : one;
  }

  private static boolean isDownload(Shell.Command c) {
    return c.name().equals("curl") || c.name().equals("wget");
  }

  private static String downloadTarget(Shell.Command c) {
    List<String> a = c.args();
    for (int k = 0; k < a.size(); k++) {
      String w = a.get(k);
      if ((w.equals("-o") || w.equals("-O") && c.name().equals("wget")
          || w.equals("--output") || w.equals("--output-document")) && k + 1 < a.size()) {
        return base(a.get(k + 1));
      }
      if (w.startsWith("--output-document=") || w.startsWith("--output=")) {
        return base(w.substring(w.indexOf('=') + 1));
      }
      if (c.name().equals("curl") && w.matches("-[a-zA-Z]*o") && k + 1 < a.size()) {
        return base(a.get(k + 1));
      }
    }
    if (c.name().equals("wget") || a.contains("-O") || a.contains("--remote-name")) {
      for (String w : a) {
        if (w.startsWith("http")) {
          return base(w.replaceAll("[?#].*$", ""));
        }
      }
    }
    return null;
  }

  private static boolean executes(Shell.Command c, List<String> downloads) {
    if (downloads.isEmpty()) {
      return false;
    }
    String name = c.name();
    List<String> a = c.args();
    if (downloads.contains(name) && !isDownload(c)) {
      return true;
    }
    if (name.equals("chmod") && a.stream().anyMatch(w -> w.contains("x") || w.matches("\\d+"))) {
      return a.stream().anyMatch(w -> downloads.contains(base(w)));
    }
    if (SHELLS.contains(name) || name.equals("dpkg") || name.equals("rpm")) {
      return a.stream().anyMatch(w -> downloads.contains(base(w)));
    }
    return false;
  }

  private static boolean isPasswordSet(Shell.Command c) {
    String n = c.name();
    List<String> a = c.args();
    return n.equals("chpasswd") || n.equals("chgpasswd")
        || n.equals("passwd") && (c.pipedInto() || a.contains("--stdin"))
        || (n.equals("useradd") || n.equals("usermod") || n.equals("adduser"))
        && (a.contains("-p") || a.stream().anyMatch(w -> w.startsWith("--password")));
  }

  // D19.
  private void tls(Shell.Command c, Location at) {
    String n = c.name();
    List<String> a = c.args();
    String why = null;
    if (n.equals("curl") && a.stream().anyMatch(w -> w.equals("--insecure")
        || w.matches("-[a-zA-Z]*k[a-zA-Z]*"))) {
      why = "curl -k/--insecure";
    } else if (n.equals("wget") && a.contains("--no-check-certificate")) {
      why = "wget --no-check-certificate";
    } else if (n.startsWith("pip") && a.stream().anyMatch(w -> w.startsWith("--trusted-host")
        || w.contains("trusted-host"))) {
      why = "pip --trusted-host";
    } else if ((n.equals("npm") || n.equals("yarn") || n.equals("pnpm"))
        && find("strict-ssl(\\s{1,20}|=)false", c.text())) {
      why = n + " strict-ssl false";
    } else if (n.equals("git") && find("(?i)http\\.sslverify(\\s{1,20}|=)\"?false", c.text())) {
      why = "git http.sslVerify false";
    } else if (find("(?i)sslverify\\s{0,20}=\\s{0,20}(0|false|no)\\b", c.text())) {
      why = "sslverify=0";
    } else if (find("(?i)verify-peer\\s{0,20}[= ]\\s{0,20}\"?false", c.text())) {
      why = "apt Acquire::https::Verify-Peer false";
    } else if (a.contains("--insecure-skip-tls-verify") || a.contains("--no-verify-ssl")
        || n.equals("conda") && find("ssl_verify\\s{1,20}(false|no)", c.text())) {
      why = n + " with TLS verification off";
    }
    for (String as : c.assignments()) {
      String[] kv = as.split("=", 2);
      envTls(kv[0], kv[1], at);
    }
    if (n.equals("export") || n.equals("echo") || n.equals("printf")) {
      for (String w : a) {
        if (w.contains("=") && !w.startsWith("-")) {
          String[] kv = w.split("=", 2);
          if (kv[0].matches("[A-Za-z_]+")) {
            envTls(kv[0], kv[1].strip(), at);
          }
        }
      }
    }
    if (why != null) {
      report(DockerfileRules.TLS_OFF, at, why + " disables TLS certificate verification", null);
    }
  }

  // D20.
  private void signature(Shell.Command c, Location at) {
    String n = c.name();
    List<String> a = c.args();
    String why = null;
    if (n.equals("apk") && a.contains("--allow-untrusted")) {
      why = "apk --allow-untrusted";
    } else if ((n.equals("apt-get") || n.equals("apt") || n.equals("aptitude"))
        && a.stream().anyMatch(w -> w.equals("--allow-unauthenticated") || w.equals("--force-yes")
        || w.equals("--allow-insecure-repositories") || w.matches("(?i).*allowunauthenticated="
        + "(true|1|yes).*"))) {
      why = n + " --allow-unauthenticated/--force-yes";
    } else if (a.contains("--nogpgcheck") || a.contains("--no-gpg-checks")
        || a.contains("--no-gpgcheck")) {
      why = n + " --nogpgcheck";
    } else if (n.equals("rpm") && (a.contains("--nosignature") || a.contains("--nodigest"))) {
      why = "rpm --nosignature";
    } else if (find("(?i)gpgcheck\\s{0,20}=\\s{0,20}(0|false|no)\\b", c.text())) {
      why = "gpgcheck=0";
    } else if (find("\\[[^\\]\\n]{0,200}trusted=yes", c.text())) {
      why = "apt source [trusted=yes]";
    }
    if (why != null) {
      report(DockerfileRules.SIGNATURE_OFF, at, why + " disables package signature checks",
          null);
    }
  }

  // Secrets written in commands: docker login -p, URL credentials, curl -u, TOKEN=literal.
  private void commandSecret(Shell.Command c, Location at) {
    commandSecret(c, at, "RUN");
  }

  private void commandSecret(Shell.Command c, Location at, String keyword) {
    CommandLine.secret(c).ifPresent(found -> reportSecret(DockerfileRules.RUN_SECRET, at,
        keyword + " writes a literal secret (" + found.what() + ")", found.value()));
  }

  /**
   * A credential on the command a container starts with or checks its health with: CMD,
   * ENTRYPOINT and HEALTHCHECK are stored in the image's configuration, where {@code docker
   * inspect} shows them to whoever can pull the image ({@code HEALTHCHECK CMD mysqladmin ping
   * -uroot -pS3cret}, {@code CMD ["redis-server", "--requirepass", "S3cret"]}).
   */
  private void startSecrets(Instruction ins) {
    List<Script> scripts = scripts(ins);
    if (ins.is("HEALTHCHECK") && !ins.isExecForm()) {
      Matcher cmd = HEALTHCHECK_CMD.matcher(ins.arguments());
      if (!cmd.lookingAt()) {
        return;
      }
      // Blank out the options and CMD, keeping offsets, so findings point into the command.
      scripts = List.of(new Script(" ".repeat(cmd.end()) + ins.arguments().substring(cmd.end()),
          ins, true, ins.line()));
    }
    for (Script s : scripts) {
      for (Shell.Command c : Shell.commands(s.text())) {
        commandSecret(c, loc(s, c.offset()), ins.keyword());
      }
    }
  }

  /** The options and the CMD word before a HEALTHCHECK's shell-form command. */
  private static final Pattern HEALTHCHECK_CMD =
      Pattern.compile("\\s*(?:--[a-z-]{1,30}=\\S{1,60}\\s+){0,8}(?i:CMD)\\s+");

  private void textChecks(Script s, Instruction ins) {
    Matcher m = URL_CREDS.matcher(s.text());
    while (m.find()) {
      String pw = m.group(2);
      if (!pw.startsWith("$") && !Secrets.isPlaceholder(pw)) {
        reportSecret(DockerfileRules.RUN_SECRET, loc(s, m.start()), "URL with embedded "
            + "credentials for user '" + m.group(1) + "'", pw);
      }
    }
    Matcher t = TOKEN.matcher(s.text());
    if (t.find()) {
      reportFormat(DockerfileRules.RUN_SECRET, loc(s, t.start()), "RUN contains a credential "
          + "token", t.group(1));
    }
    Matcher netrc = NETRC_LINE.matcher(s.text());
    if (s.text().contains("netrc") && netrc.find() && !netrc.group(1).startsWith("$")
        && !Secrets.isPlaceholder(netrc.group(1))) {
      reportSecret(DockerfileRules.RUN_SECRET, loc(s, netrc.start()), "RUN writes a .netrc "
          + "password", netrc.group(1));
    }
    if (find("_auth(Token)?\\s{0,20}=\\s{0,20}[A-Za-z0-9+/=_-]{8}", s.text())) {
      Matcher npm = Pattern.compile("_auth(?:Token)?\\s*=\\s*([A-Za-z0-9+/=_-]{8,200})")
          .matcher(s.text());
      if (npm.find() && !npm.group(1).startsWith("$")) {
        reportSecret(DockerfileRules.RUN_SECRET, loc(s, npm.start()), "RUN writes an npm "
            + "auth token", npm.group(1));
      }
    }
  }

  private void secretMount(Instruction ins) {
    List<String> mounts = ins.flagValues("mount");
    List<String> paths = new ArrayList<>();
    for (String m : mounts) {
      if (m.contains("type=secret")) {
        Matcher id = Pattern.compile("(?:^|,)id=([^,]+)").matcher(m);
        Matcher target = Pattern.compile("(?:^|,)(?:target|dst|destination)=([^,]+)")
            .matcher(m);
        if (target.find()) {
          paths.add(target.group(1));
        } else {
          paths.add(id.find() ? "/run/secrets/" + id.group(1) : "/run/secrets/");
        }
      }
    }
    if (paths.isEmpty()) {
      return;
    }
    for (Script s : scripts(ins)) {
      List<Shell.Command> cmds = Shell.commands(s.text());
      Set<String> tainted = new java.util.LinkedHashSet<>();
      for (int k = 0; k < cmds.size(); k++) {
        Shell.Command c = cmds.get(k);
        boolean reads = paths.stream().anyMatch(p -> c.text().contains(p))
            || SECRET_PATH.matcher(c.text()).find();
        boolean copies = Set.of("cp", "mv", "install", "tee").contains(c.name())
            || (c.name().equals("cat") || c.name().equals("echo")) && c.text().contains(">");
        if (reads && copies) {
          report(DockerfileRules.SECRET_MOUNT_PERSISTED, loc(s, c.offset()),
              "'" + clip(c.text()) + "' copies a mounted build secret into the layer", null);
          continue;
        }
        if (reads) {
          Matcher v = SECRET_VARIABLE.matcher(c.text());
          while (v.find()) {
            tainted.add(v.group(1) != null ? v.group(1) : v.group(2));
          }
        }
        String through = writesVariable(c, k > 0 && c.pipedInto() ? cmds.get(k - 1) : null,
            tainted);
        if (through != null) {
          report(DockerfileRules.SECRET_MOUNT_PERSISTED, loc(s, c.offset()),
              "'" + clip(c.text()) + "' writes the mounted build secret (through $" + through
                  + ") into a file of the layer", "mount-var:" + through);
        }
      }
    }
  }

  /**
   * The tainted variable a command writes to a file ({@code echo $T > f}, {@code printf ... >>},
   * {@code ... | tee f}, {@code sed -i "s/x/$T/" f}), or null.
   */
  private static String writesVariable(Shell.Command c, Shell.Command feeding,
      Set<String> tainted) {
    if (tainted.isEmpty()) {
      return null;
    }
    boolean redirect = FILE_REDIRECT.matcher(c.text()).find();
    boolean tee = c.name().equals("tee") || c.name().equals("sponge") || c.name().equals("dd");
    boolean sed = c.name().equals("sed") && c.args().stream().anyMatch(a -> a.startsWith("-i"));
    if (!redirect && !tee && !sed) {
      return null;
    }
    for (String t : tainted) {
      Pattern ref = Pattern.compile("\\$\\{?" + Pattern.quote(t) + "\\b");
      if (ref.matcher(c.text()).find()
          || tee && feeding != null && ref.matcher(feeding.text()).find()) {
        return t;
      }
    }
    return null;
  }

  // D7: ARG with a secret-like name that a later instruction uses.
  private void buildArgs() {
    for (Stage stage : df.stages()) {
      List<Instruction> ins = stage.instructions();
      for (int k = 0; k < ins.size(); k++) {
        if (!ins.get(k).is("ARG")) {
          continue;
        }
        for (KeyValue kv : ins.get(k).pairs()) {
          // An ARG whose default is a mounted secret file's path carries the path, not the
          // secret: the recommended pattern.
          if (!Secrets.isSecretName(kv.key()) || Secrets.isSecretFileReference(kv.value())) {
            continue;
          }
          Pattern use = Pattern.compile("\\$\\{?" + Pattern.quote(kv.key()) + "\\b");
          for (int j = k + 1; j < ins.size(); j++) {
            Instruction u = ins.get(j);
            String text = u.arguments() + " " + String.join(" ", u.execForm());
            // Every RUN after an ARG gets it in its environment and in the image history.
            if (use.matcher(text).find() || u.is("RUN")) {
              report(DockerfileRules.ARG_BUILD_SECRET, file.location(kv.line(), kv.column()),
                  "ARG " + kv.key() + " passes a secret into the build (visible to "
                      + u.keyword() + " on line " + u.line() + " and in the image history); "
                      + "use RUN --mount=type=secret", "arg:" + kv.key());
              break;
            }
          }
          for (int j = k + 1; j < ins.size(); j++) {
            if (ins.get(j).is("RUN")) {
              argWrittenToFile(kv.key(), ins.get(j));
            }
          }
        }
      }
    }
  }

  /** A RUN that writes a secret ARG into a file and does not remove it in the same RUN. */
  private void argWrittenToFile(String arg, Instruction run) {
    for (Script s : scripts(run)) {
      List<Shell.Command> cmds = Shell.commands(s.text());
      for (int k = 0; k < cmds.size(); k++) {
        Shell.Command c = cmds.get(k);
        String through = writesVariable(c, k > 0 && c.pipedInto() ? cmds.get(k - 1) : null,
            Set.of(arg));
        String target = through == null ? null : writtenFile(c);
        if (target != null && !removedLater(cmds, k, target)) {
          report(DockerfileRules.SECRET_MOUNT_PERSISTED, loc(s, c.offset()), "'"
              + clip(c.text()) + "' writes build argument " + arg + " into " + target
              + ", which stays in the layer", "arg-file:" + arg);
        }
      }
    }
  }

  /** The file a writing command writes: its redirect target, or its last argument. */
  private static String writtenFile(Shell.Command c) {
    Matcher m = REDIRECT_TARGET.matcher(c.text());
    String target = null;
    while (m.find()) {
      target = m.group(1);
    }
    if (target == null && !c.args().isEmpty()) {
      target = c.args().get(c.args().size() - 1);
    }
    return target == null ? null : target.replaceAll("^[\"']|[\"']$", "");
  }

  private static boolean removedLater(List<Shell.Command> cmds, int k, String target) {
    String base = target.substring(target.lastIndexOf('/') + 1);
    for (int j = k + 1; j < cmds.size(); j++) {
      Shell.Command c = cmds.get(j);
      if (Set.of("rm", "shred", "unlink").contains(c.name()) && c.args().stream()
          .anyMatch(a -> a.equals(target) || a.substring(a.lastIndexOf('/') + 1).equals(base))) {
        return true;
      }
    }
    return false;
  }

  // D10, D11, D13, D14, D16: the final stage is what runs.
  private void finalStage(Stage last) {
    List<Stage> chain = new ArrayList<>();
    Stage s = last;
    while (s != null && chain.size() < 64) {
      chain.add(0, s);
      s = df.baseStage(s).orElse(null);
    }
    Instruction user = null;
    for (Stage st : chain) {
      for (Instruction ins : st.instructions()) {
        if (ins.is("USER")) {
          user = ins;
        }
      }
    }
    if (user == null) {
      String base = chain.get(0).image().toLowerCase(Locale.ROOT);
      if (!base.contains("nonroot") && !base.contains("non-root")) {
        report(DockerfileRules.NO_USER, at(last.from()), "final stage (FROM " + last.image()
            + ") sets no USER, so it runs as the base image's user (usually root)", "nouser");
      }
    } else {
      String u = user.words().isEmpty() ? "" : user.words().get(0);
      String name = u.contains(":") ? u.substring(0, u.indexOf(':')) : u;
      if (name.equals("root") || name.equals("0")) {
        report(DockerfileRules.ROOT_USER, at(user), "the last USER of the final stage is '" + u
            + "'", "rootuser");
      }
    }
    for (Instruction ins : last.instructions()) {
      if (ins.is("EXPOSE")) {
        for (String p : ins.words()) {
          if (p.matches("22(/tcp)?") || p.matches("\\d+:22(/tcp)?")) {
            report(DockerfileRules.SSH_PORT, at(ins), "EXPOSE " + p + " publishes SSH",
                "expose22");
          }
        }
      }
      if (ins.is("CMD") || ins.is("ENTRYPOINT")) {
        for (Script sc : scripts(ins)) {
          for (Shell.Command c : Shell.commands(sc.text())) {
            String n = c.name();
            if (n.equals("sshd") || n.equals("dropbear")
                || n.equals("service") && c.sub().equals("ssh")) {
              report(DockerfileRules.SSHD, at(ins), ins.keyword() + " starts an SSH server",
                  "sshdrun");
            }
            if (installs(c)) {
              report(DockerfileRules.RUNTIME_INSTALL, at(ins), ins.keyword() + " runs '"
                  + clip(c.text()) + "' when the container starts", "runtime:" + n);
            }
            for (String w : c.words()) {
              startScript(ins, w);
            }
          }
        }
      }
    }
  }

  private static boolean installs(Shell.Command c) {
    return Packages.install(c) != null || Packages.isUpgrade(c)
        || c.pipedInto() && SHELLS.contains(c.name());
  }

  /** A start script named by CMD/ENTRYPOINT that sits beside the Dockerfile is read too. */
  private void startScript(Instruction ins, String word) {
    if (!word.endsWith(".sh") || file.file() == null || file.file().getParent() == null) {
      return;
    }
    java.nio.file.Path script;
    try {
      script = file.file().getParent().resolve(base(word));
    } catch (java.nio.file.InvalidPathException e) {
      return;
    }
    try {
      if (!java.nio.file.Files.isRegularFile(script)
          || java.nio.file.Files.size(script) > 256 * 1024) {
        return;
      }
      String text = java.nio.file.Files.readString(script);
      for (Shell.Command c : Shell.commands(text)) {
        if (installs(c)) {
          report(DockerfileRules.RUNTIME_INSTALL, at(ins), ins.keyword() + " starts "
              + base(word) + ", which runs '" + clip(c.text()) + "' when the container starts",
              "runtime-script:" + base(word));
          return;
        }
      }
    } catch (java.io.IOException e) {
      // An unreadable or non-UTF-8 script is simply not followed.
    }
  }

  /** How many lines of a text come before the first occurrence of a marker (0 when absent). */
  private static int linesBefore(String text, String marker) {
    int at = text.indexOf(marker);
    int n = 0;
    for (int k = 0; k < Math.max(0, at); k++) {
      if (text.charAt(k) == '\n') {
        n++;
      }
    }
    return n;
  }

  private Location at(Instruction ins) {
    return file.location(ins.line(), ins.column());
  }

  private Location loc(Script s, int offset) {
    if (s.mapped()) {
      int[] p = s.ins().position(offset);
      return file.location(p[0], Math.max(1, p[1]));
    }
    if (s.line() != s.ins().line()) {
      int lines = 0;
      int last = -1;
      for (int k = 0; k < Math.min(offset, s.text().length()); k++) {
        if (s.text().charAt(k) == '\n') {
          lines++;
          last = k;
        }
      }
      return file.location(s.line() + lines, offset - last);
    }
    return at(s.ins());
  }

  private void report(Rule rule, Location at, String message, String key) {
    Finding f = rule.at(at, message);
    sink.report(key == null ? f : f.withKey(key));
  }

  private void reportSecret(Rule rule, Location at, String message, String raw) {
    sink.report(rule.at(at, message).withSecret(SecretEvidence.of(raw)));
  }

  /** A credential recognised by its provider's format ({@code ghp_...}, {@code AKIA...}). */
  private void reportFormat(Rule rule, Location at, String message, String raw) {
    sink.report(rule.at(at, message).withSecret(SecretEvidence.ofFormat(raw)));
  }
}
