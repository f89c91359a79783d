package dev.imprint.scan.ci;

import dev.imprint.scan.image.ImageRef;
import static dev.imprint.scan.ci.GithubRules.EXFILTRATION;
import static dev.imprint.scan.ci.GithubRules.HARDCODED_SECRET;
import static dev.imprint.scan.ci.GithubRules.JOB_IMAGE;
import static dev.imprint.scan.ci.GithubRules.NO_PERMISSIONS;
import static dev.imprint.scan.ci.GithubRules.PIPE_TO_SHELL;
import static dev.imprint.scan.ci.GithubRules.PWN_REQUEST;
import static dev.imprint.scan.ci.GithubRules.SCRIPT_INJECTION;
import static dev.imprint.scan.ci.GithubRules.SECRET_IN_SCRIPT;
import static dev.imprint.scan.ci.GithubRules.STATIC_CLOUD_KEYS;
import static dev.imprint.scan.ci.GithubRules.UNPINNED_ACTION;
import static dev.imprint.scan.ci.GithubRules.UNSECURE_COMMANDS;
import static dev.imprint.scan.ci.GithubRules.WRITE_ALL;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Location;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.shell.CommandLine;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the GitHub Actions rules over one workflow. */
final class GithubChecks {
  static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}");
  static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{([^}\\n]{0,300})}}");
  /** One element of an event array: {@code .*}, {@code .0} or {@code [0]}. */
  private static final String ITEM = "(?:\\.[^.\\s}\\[]{1,40}|\\[[^\\]\\s}]{1,40}])";
  static final Pattern UNTRUSTED = Pattern.compile("github\\.head_ref\\b|github\\.event\\."
      + "(?:issue\\.(?:title|body)|pull_request\\.(?:title|body|head\\.(?:ref|label"
      + "|repo\\.default_branch))|comment\\.body|review\\.body|review_comment\\.body"
      + "|pages" + ITEM + "\\.page_name|commits" + ITEM + "\\.(?:message"
      + "|author\\.(?:email|name))|head_commit\\.(?:message|author\\.(?:email|name))"
      + "|discussion\\.(?:title|body)|workflow_run\\.(?:head_branch|display_title"
      + "|head_commit\\.(?:message|author\\.(?:email|name))))\\b");
  static final Pattern SECRET_EXPR =
      Pattern.compile("\\$\\{\\{\\s*(?:secrets\\.[A-Za-z0-9_-]+|secrets\\[[^\\]]{1,100}]"
          + "|toJSON\\(\\s*secrets\\s*\\))\\s*}}");
  static final Pattern UNSECURE = Pattern.compile(
      "(?i)ACTIONS_ALLOW_UNSECURE_COMMANDS\\s*[:=]\\s*['\"]?true");

  private final SourceFile file;
  private final Sink sink;
  private final GithubWorkflow wf;

  GithubChecks(SourceFile file, Sink sink, GithubWorkflow wf) {
    this.file = file;
    this.sink = sink;
    this.wf = wf;
  }

  void run() {
    unsecureCommands();
    if (!wf.composite()) {
      permissions();
    }
    env(wf.env(), "env");
    boolean privilegedTrigger =
        wf.triggers().stream().anyMatch(PullRequestHead.PRIVILEGED::contains);
    for (GithubJob job : wf.jobs()) {
      String where = "jobs/" + job.id();
      env(job.env(), where + "/env");
      if (job.uses() != null) {
        uses(job.uses(), job.node(), where);
      }
      images(job);
      Set<String> secretEnv = secretEnvNames(job);
      boolean checkedOutHead = false;
      for (int i = 0; i < job.steps().size(); i++) {
        GithubStep step = job.steps().get(i);
        String sw = where + "/steps/" + i;
        env(step.env(), sw + "/env");
        Set<String> names = new HashSet<>(secretEnv);
        names.addAll(secretNames(step.env()));
        if (step.uses() != null) {
          uses(step.uses(), step.node(), sw);
          cloudKeyInputs(step, sw);
          inputs(step, sw);
          if (step.uses().startsWith("actions/github-script")
              && step.with().get("script") != null) {
            injection(step.with().get("script"), sw + "/script");
          }
        }
        PullRequestHead.Run fetched = PullRequestHead.Run.NONE;
        if (step.run() != null && step.script() != null) {
          injection(step.run(), sw + "/run");
          script(job, step, names, sw);
          fetched = PullRequestHead.run(step.script());
        }
        boolean runsCode = checkedOutHead
            && (step.run() != null || step.uses() != null && step.uses().startsWith("./"))
            || fetched == PullRequestHead.Run.CHECKS_OUT_AND_RUNS;
        if (privilegedTrigger && runsCode) {
          checkedOutHead = false;
          sink.report(PWN_REQUEST.at(file.location(step.line(), step.column()), "job '"
              + job.id() + "' runs code from the checked-out pull request head under a "
              + String.join("/", privilegedTriggers()) + " trigger")
              .withKey(where + "/pwn"));
        } else if (fetched == PullRequestHead.Run.CHECKS_OUT || step.uses() != null
            && step.uses().startsWith("actions/checkout") && PullRequestHead.checkout(step, job)) {
          checkedOutHead = true;
        }
      }
    }
  }

  private List<String> privilegedTriggers() {
    return wf.triggers().stream()
        .filter(PullRequestHead.PRIVILEGED::contains).toList();
  }

  private void unsecureCommands() {
    for (int n = 1; n <= file.lineCount(); n++) {
      String line = file.line(n);
      if (line.length() > Shell.MAX_LINE || !line.contains("ACTIONS_ALLOW_UNSECURE_COMMANDS")) {
        continue;
      }
      Matcher m = UNSECURE.matcher(line);
      if (m.find()) {
        sink.report(UNSECURE_COMMANDS.at(file.location(n, m.start() + 1),
            "ACTIONS_ALLOW_UNSECURE_COMMANDS is set to true").withKey("unsecure-commands"));
      }
    }
  }

  private void permissions() {
    YamlNode top = wf.permissions();
    if (isWriteAll(top)) {
      sink.report(WRITE_ALL.at(at(wf.root(), "permissions"),
          "workflow grants permissions: write-all").withKey("permissions"));
    }
    boolean noneAnywhere = top == null && !wf.jobs().isEmpty()
        && wf.jobs().stream().allMatch(j -> j.permissions() == null);
    if (noneAnywhere) {
      // One finding, where the fix goes: a single top-level block covers every job.
      sink.report(NO_PERMISSIONS.at(at(wf.root(), "jobs"), "workflow sets no permissions and "
          + "none of its " + wf.jobs().size() + " job(s) do; the GITHUB_TOKEN gets the "
          + "repository default").withKey("permissions"));
    }
    for (GithubJob job : wf.jobs()) {
      if (isWriteAll(job.permissions())) {
        sink.report(WRITE_ALL.at(at(job.node(), "permissions"),
            "job '" + job.id() + "' grants permissions: write-all")
            .withKey("jobs/" + job.id() + "/permissions"));
      } else if (top == null && job.permissions() == null && !noneAnywhere) {
        sink.report(NO_PERMISSIONS.at(file.location(job.line(), job.column()), "job '"
            + job.id() + "' has no permissions block and the workflow sets none")
            .withKey("jobs/" + job.id() + "/permissions"));
      }
    }
  }

  private static boolean isWriteAll(YamlNode n) {
    return n != null && n.text() != null
        && n.text().trim().toLowerCase(Locale.ROOT).equals("write-all");
  }

  private void uses(String uses, YamlMap node, String where) {
    String u = uses.trim();
    if (u.startsWith("./") || u.contains("${{")) {
      return;
    }
    Location loc = at(node, "uses");
    if (u.startsWith("docker://")) {
      if (!ImageRef.parse(u.substring(9)).pinned()) {
        sink.report(UNPINNED_ACTION.at(loc, "docker action '" + u + "' is not pinned by digest")
            .withKey(where + "/uses"));
      }
      return;
    }
    int at = u.lastIndexOf('@');
    String ref = at < 0 ? "" : u.substring(at + 1);
    if (FULL_SHA.matcher(ref).matches()) {
      return;
    }
    String owner = u.substring(0, Math.max(0, u.indexOf('/'))).toLowerCase(Locale.ROOT);
    boolean github = owner.equals("actions") || owner.equals("github");
    String msg = "action '" + u + "' is " + (ref.isEmpty() ? "not pinned at all"
        : "pinned to '" + ref + "', not to a full commit SHA")
        + (github ? " (owned by GitHub)" : "");
    sink.report(UNPINNED_ACTION.at(loc, msg).withKey(where + "/uses")
        .withSeverity(github ? Severity.MEDIUM : Severity.HIGH));
  }

  private void images(GithubJob job) {
    YamlNode c = job.node().get("container");
    if (c != null) {
      image(c instanceof YamlMap cm ? cm.get("image") : c, "container of job '" + job.id() + "'",
          "jobs/" + job.id() + "/container");
    }
    for (Map.Entry<String, YamlNode> e : job.node().map("services").entries().entrySet()) {
      YamlNode s = e.getValue();
      image(s instanceof YamlMap sm ? sm.get("image") : s, "service '" + e.getKey() + "' of job '"
          + job.id() + "'", "jobs/" + job.id() + "/services/" + e.getKey());
    }
  }

  private void image(YamlNode n, String what, String key) {
    CiImages.check(JOB_IMAGE, file, sink, n, what, key);
  }


  private void env(YamlMap env, String where) {
    for (Map.Entry<String, YamlNode> e : env.entries().entrySet()) {
      String name = e.getKey();
      String value = e.getValue().text();
      Location loc = file.location(env.keyLine(name), env.keyColumn(name));
      if (value == null) {
        continue;
      }
      if (CiSecrets.isCloudKey(name) && value.contains("secrets.")) {
        sink.report(STATIC_CLOUD_KEYS.at(loc, "environment variable " + name
            + " carries a long-lived cloud key from secrets").withKey(where + "/" + name));
        continue;
      }
      if (value.contains("${{")) {
        continue;
      }
      Optional<SecretHit> hit = CiSecrets.literal(name, value);
      hit.ifPresent(h -> sink.report(HARDCODED_SECRET.at(loc, "environment variable " + name
          + " holds a hard-coded " + h.kind()).withSecret(h.evidence())
          .withKey(where + "/" + name)));
    }
  }

  /** Action inputs such as {@code password:} given a literal instead of a secret. */
  private void inputs(GithubStep step, String where) {
    YamlMap with = step.with();
    for (Map.Entry<String, YamlNode> e : with.entries().entrySet()) {
      String name = e.getKey().replace('-', '_');
      String value = e.getValue().text();
      if (value == null || e.getKey().equals("script")) {
        continue;
      }
      CiSecrets.literal(name, value).ifPresent(h -> sink.report(HARDCODED_SECRET.at(
          at(with, e.getKey()), "input '" + e.getKey() + "' of '" + step.uses()
              + "' is a hard-coded " + h.kind()).withSecret(h.evidence())
          .withKey(where + "/with/" + e.getKey())));
    }
  }

  private void cloudKeyInputs(GithubStep step, String where) {
    String u = step.uses().toLowerCase(Locale.ROOT);
    YamlMap with = step.with();
    List<String> inputs;
    if (u.startsWith("aws-actions/configure-aws-credentials")) {
      inputs = List.of("aws-secret-access-key", "aws-access-key-id");
    } else if (u.startsWith("google-github-actions/auth")
        || u.startsWith("google-github-actions/setup-gcloud")) {
      inputs = List.of("credentials_json", "service_account_key");
    } else if (u.startsWith("azure/login")) {
      inputs = List.of("creds", "client-secret");
    } else {
      return;
    }
    for (String input : inputs) {
      if (with.has(input)) {
        sink.report(STATIC_CLOUD_KEYS.at(at(with, input), "step '" + step.uses()
            + "' logs in with the long-lived key input '" + input + "' instead of OIDC")
            .withKey(where + "/" + input));
        return;
      }
    }
  }

  private void injection(YamlNode script, String where) {
    String text = script.text();
    if (text == null) {
      return;
    }
    Matcher m = EXPRESSION.matcher(text);
    Set<String> seen = new HashSet<>();
    while (m.find()) {
      Matcher u = UNTRUSTED.matcher(m.group(1));
      if (u.find() && seen.add(u.group())) {
        sink.report(SCRIPT_INJECTION.at(locate(script, m.group()), "'" + u.group()
            + "' is expanded straight into the script").withKey(where + "/" + u.group()));
      }
    }
  }

  /** A password written on a run line, and a download piped into a shell (shared model). */
  private void commandLine(GithubStep step, String t, String where) {
    for (CommandLine.Secret s : CommandLine.secrets(t)) {
      sink.report(HARDCODED_SECRET.at(locate(step.run(), s.value()), "step writes a literal "
              + "secret on a command line (" + s.what() + ")")
          .withSecret(SecretEvidence.of(s.value())).withSeverity(Severity.HIGH)
          .withKey(where + "/script-secret/" + s.what()));
    }
    String head = t.substring(0, Math.min(t.length(), 40));
    CommandLine.pipes(t).stream().findFirst().ifPresent(p -> sink.report(PIPE_TO_SHELL.at(
        locate(step.run(), head), "step runs a download unverified (" + p.what() + ")")
        .withKey(where + "/pipe/" + t)));
  }

  private void script(GithubJob job, GithubStep step, Set<String> secretEnv, String where) {
    Predicate<String> isSecret = ref -> SECRET_EXPR.matcher(ref).matches()
        || secretEnv.contains(envName(ref));
    CiTokens tokens = CiTokens.github(List.of(wf.env(), job.env(), step.env()));
    for (Shell.Line line : Shell.lines(step.script())) {
      String t = line.text();
      commandLine(step, t, where);
      tokens.learn(t);
      String sent = tokens.sentElsewhere(t);
      if (sent != null) {
        sink.report(EXFILTRATION.at(locate(step.run(), firstRef(t, r -> tokens.of(r) != null)),
            "step " + sent).withKey(where + "/" + t).withSeverity(Severity.CRITICAL));
        continue;
      }
      String exfil = Shell.exfiltration(t, isSecret, url -> false);
      if (exfil == null) {
        exfil = CiTokens.serviceSecretSentElsewhere(t, r -> secretName(r, job, step));
      }
      if (exfil != null) {
        sink.report(EXFILTRATION.at(locate(step.run(), firstRef(t, isSecret)),
            "step " + exfil).withKey(where + "/" + t));
        continue;
      }
      if (Shell.printsSecret(t, isSecret)) {
        sink.report(SECRET_IN_SCRIPT.at(locate(step.run(), firstRef(t, isSecret)),
            "step prints a secret to the log").withKey(where + "/" + t));
        continue;
      }
      Matcher m = SECRET_EXPR.matcher(t);
      if (m.find()) {
        sink.report(SECRET_IN_SCRIPT.at(locate(step.run(), m.group()), "'" + m.group()
            + "' is expanded into the script's command line; pass it through env:")
            .withKey(where + "/" + t).withSeverity(Severity.MEDIUM));
      }
    }
  }

  /**
   * The secret a reference stands for: {@code secrets.NPM_TOKEN} for
   * {@code ${{ secrets.NPM_TOKEN }}}, and for an env alias ({@code $NODE_AUTH_TOKEN} bound to
   * it) the secret it is bound to; null when the reference is not a secret.
   */
  private String secretName(String ref, GithubJob job, GithubStep step) {
    Matcher m = SECRET_EXPR.matcher(ref);
    if (m.matches()) {
      Matcher n = Pattern.compile("secrets\\.([A-Za-z0-9_-]+)").matcher(ref);
      return n.find() ? n.group(1) : null;
    }
    String name = envName(ref);
    for (YamlMap env : List.of(step.env(), job.env(), wf.env())) {
      String v = env.str(name);
      if (v != null) {
        Matcher n = Pattern.compile("secrets\\.([A-Za-z0-9_-]+)").matcher(v);
        return n.find() ? (CiTokens.service(name) != null ? name : n.group(1)) : null;
      }
    }
    return null;
  }

  private static String firstRef(String line, Predicate<String> isSecret) {
    Matcher m = Shell.REF.matcher(line);
    while (m.find()) {
      if (isSecret.test(m.group())) {
        return m.group();
      }
    }
    return line.length() > 40 ? line.substring(0, 40) : line;
  }

  static String envName(String ref) {
    String r = ref;
    if (r.startsWith("$env:")) {
      return r.substring(5);
    }
    if (r.startsWith("${") && r.endsWith("}")) {
      return r.substring(2, r.length() - 1);
    }
    if (r.startsWith("$") || r.startsWith("%")) {
      r = r.substring(1);
    }
    return r.endsWith("%") ? r.substring(0, r.length() - 1) : r;
  }

  private Set<String> secretEnvNames(GithubJob job) {
    Set<String> out = new HashSet<>(secretNames(wf.env()));
    out.addAll(secretNames(job.env()));
    return out;
  }

  private static Set<String> secretNames(YamlMap env) {
    Set<String> out = new HashSet<>();
    for (Map.Entry<String, YamlNode> e : env.entries().entrySet()) {
      String v = e.getValue().text();
      if (v != null && v.contains("secrets.")) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  private Location at(YamlMap m, String key) {
    return file.location(m.keyLine(key), m.keyColumn(key));
  }

  private Location locate(YamlNode node, String needle) {
    return Locator.locate(file, node, needle);
  }
}
