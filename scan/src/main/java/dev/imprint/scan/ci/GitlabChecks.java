package dev.imprint.scan.ci;

import dev.imprint.scan.image.ImageRef;
import static dev.imprint.scan.ci.GitlabRules.DEBUG_TRACE;
import static dev.imprint.scan.ci.GitlabRules.EXFILTRATION;
import static dev.imprint.scan.ci.GitlabRules.HARDCODED_SECRET;
import static dev.imprint.scan.ci.GitlabRules.JOB_IMAGE;
import static dev.imprint.scan.ci.GitlabRules.PIPE_TO_SHELL;
import static dev.imprint.scan.ci.GitlabRules.SECRET_ECHOED;
import static dev.imprint.scan.ci.GitlabRules.STATIC_CLOUD_KEYS;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import dev.imprint.scan.shell.CommandLine;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;

/** Runs the GitLab CI rules over one pipeline file. */
final class GitlabChecks {
  static final Set<String> CI_SECRETS = Set.of("CI_JOB_TOKEN", "CI_BUILD_TOKEN",
      "CI_REGISTRY_PASSWORD", "CI_DEPLOY_PASSWORD", "CI_JOB_JWT", "CI_JOB_JWT_V1",
      "CI_JOB_JWT_V2", "CI_DEPENDENCY_PROXY_PASSWORD");
  private static final List<String> GITLAB_URLS = List.of("CI_API_V4_URL", "CI_SERVER_URL",
      "CI_SERVER_HOST", "CI_REGISTRY", "CI_PROJECT_URL", "CI_API_GRAPHQL_URL",
      "CI_REPOSITORY_URL", "CI_SERVER_FQDN", "CI_DEPENDENCY_PROXY_SERVER",
      "gitlab-ci-token:");

  private final SourceFile file;
  private final Sink sink;
  private final GitlabPipeline pipeline;

  GitlabChecks(SourceFile file, Sink sink, GitlabPipeline pipeline) {
    this.file = file;
    this.sink = sink;
    this.pipeline = pipeline;
  }

  void run() {
    job(pipeline.defaults());
    for (GitlabJob job : pipeline.jobs()) {
      job(job);
    }
  }

  private void job(GitlabJob job) {
    String where = job.name();
    YamlNode image = job.image();
    if (image != null) {
      image(image instanceof YamlMap m ? m.get("name") : image, what("image", where),
          where + "/image");
    }
    for (YamlNode s : job.services()) {
      image(s instanceof YamlMap m ? m.get("name") : s, what("service", where),
          where + "/services/" + s.text());
    }
    variables(job);
    scripts(job);
  }

  private static String what(String kind, String job) {
    return job.equals("default") ? "default " + kind : kind + " of job '" + job + "'";
  }

  private void image(YamlNode n, String what, String key) {
    CiImages.check(JOB_IMAGE, file, sink, n, what, key);
  }


  private void variables(GitlabJob job) {
    YamlMap vars = job.variables();
    for (Map.Entry<String, YamlNode> e : vars.entries().entrySet()) {
      String name = e.getKey();
      YamlNode v = e.getValue() instanceof YamlMap m ? m.get("value") : e.getValue();
      String value = v == null ? null : v.text();
      if (value == null) {
        continue;
      }
      var loc = file.location(vars.keyLine(name), vars.keyColumn(name));
      String key = job.name() + "/variables/" + name;
      String upper = name.toUpperCase(Locale.ROOT);
      if ((upper.equals("CI_DEBUG_TRACE") || upper.equals("CI_DEBUG_SERVICES"))
          && value.trim().equalsIgnoreCase("true")) {
        sink.report(DEBUG_TRACE.at(loc, name + " is set to true").withKey(key));
        continue;
      }
      boolean cloud = CiSecrets.isCloudKey(upper);
      if (cloud && Secrets.isPlaceholder(value)) {
        sink.report(STATIC_CLOUD_KEYS.at(loc, "variable " + name
            + " passes a long-lived cloud key from CI/CD settings; use id_tokens: and OIDC")
            .withKey(key));
        continue;
      }
      Optional<SecretHit> hit = CiSecrets.literal(name, value);
      hit.ifPresent(h -> sink.report(HARDCODED_SECRET.at(loc, "variable " + name
          + " holds a hard-coded " + h.kind()).withSecret(h.evidence()).withKey(key)));
    }
  }

  /** A password written on a script line, and a download piped into a shell (shared model). */
  private void commandLine(GitlabJob job, YamlNode node, String t) {
    for (CommandLine.Secret s : CommandLine.secrets(t)) {
      sink.report(HARDCODED_SECRET.at(Locator.locate(file, node, s.value()), "job '"
              + job.name() + "' writes a literal secret on a command line (" + s.what() + ")")
          .withSecret(SecretEvidence.of(s.value())).withSeverity(Severity.HIGH)
          .withKey(job.name() + "/script-secret/" + s.what()));
    }
    String head = t.substring(0, Math.min(t.length(), 40));
    CommandLine.pipes(t).stream().findFirst().ifPresent(p -> sink.report(PIPE_TO_SHELL.at(
        Locator.locate(file, node, head), "job '" + job.name() + "' runs a download "
            + "unverified (" + p.what() + ")").withKey(job.name() + "/pipe/" + t)));
  }

  private void scripts(GitlabJob job) {
    Predicate<String> isSecret = ref -> isSecretVariable(GithubChecks.envName(ref));
    Predicate<String> trusted = url -> GITLAB_URLS.stream().anyMatch(url::contains);
    boolean cloudReported = false;
    CiTokens tokens = CiTokens.gitlab(job, pipeline.defaults());
    // ID tokens and job JWTs are meant to be sent to the relying party that exchanges them:
    // where they go is judged by CiTokens, not by the generic "secret in a body" rule.
    Predicate<String> sendable = ref -> isSecret.test(ref)
        && !(tokens.of(ref) != null && tokens.of(ref).kind() == CiTokens.Kind.ID_TOKEN);
    for (YamlNode node : job.scripts()) {
      for (Shell.Line line : Shell.lines(node.text())) {
        String t = line.text();
        commandLine(job, node, t);
        tokens.learn(t);
        String sent = tokens.sentElsewhere(t);
        if (sent != null) {
          sink.report(EXFILTRATION.at(Locator.locate(file, node, firstRef(t,
              r -> tokens.of(r) != null)), "job '" + job.name() + "' " + sent)
              .withKey(job.name() + "/script/" + t).withSeverity(Severity.CRITICAL));
          continue;
        }
        String exfil = Shell.exfiltration(t, sendable, trusted);
        if (exfil == null) {
          exfil = CiTokens.serviceSecretSentElsewhere(t, r -> {
            String n = GithubChecks.envName(r);
            return !n.startsWith("CI_") && isSecretVariable(n) ? n : null;
          });
        }
        if (exfil != null) {
          sink.report(EXFILTRATION.at(Locator.locate(file, node, firstRef(t, isSecret)),
              "job '" + job.name() + "' " + exfil).withKey(job.name() + "/script/" + t));
        } else if (Shell.printsSecret(t, isSecret)) {
          sink.report(SECRET_ECHOED.at(Locator.locate(file, node, firstRef(t, isSecret)),
              "job '" + job.name() + "' prints a secret variable to the log")
              .withKey(job.name() + "/script/" + t));
        }
        if (!cloudReported && !job.idTokens()) {
          String cloud = cloudRef(t);
          if (cloud != null) {
            cloudReported = true;
            sink.report(STATIC_CLOUD_KEYS.at(Locator.locate(file, node, cloud), "job '"
                + job.name() + "' uses the long-lived cloud key " + cloud
                + " without id_tokens:").withKey(job.name() + "/cloud-keys"));
          }
        }
      }
    }
  }

  private static String cloudRef(String line) {
    Matcher m = Shell.REF.matcher(line);
    while (m.find()) {
      if (CiSecrets.CLOUD_KEYS.contains(GithubChecks.envName(m.group()))) {
        return m.group();
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

  static boolean isSecretVariable(String name) {
    return CI_SECRETS.contains(name) || CiSecrets.CLOUD_KEYS.contains(name)
        || !name.startsWith("CI_") && Secrets.isSecretName(name);
  }
}
