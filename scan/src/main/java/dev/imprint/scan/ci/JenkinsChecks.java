package dev.imprint.scan.ci;

import dev.imprint.scan.image.ImageRef;
import static dev.imprint.scan.ci.JenkinsRules.AGENT_IMAGE;
import static dev.imprint.scan.ci.JenkinsRules.ECHO_CREDENTIAL;
import static dev.imprint.scan.ci.JenkinsRules.EXFILTRATION;
import static dev.imprint.scan.ci.JenkinsRules.GROOVY_INTERPOLATION;
import static dev.imprint.scan.ci.JenkinsRules.HARDCODED_SECRET;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.ci.Jenkinsfile.AgentImage;
import dev.imprint.scan.ci.Jenkinsfile.CredentialScope;
import dev.imprint.scan.ci.Jenkinsfile.EchoStep;
import dev.imprint.scan.ci.Jenkinsfile.EnvEntry;
import dev.imprint.scan.ci.Jenkinsfile.GroovyString;
import dev.imprint.scan.ci.Jenkinsfile.ShellStep;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the Jenkinsfile rules. */
final class JenkinsChecks {
  /** Groovy interpolation: $name, ${name}, ${env.name}, ${params.name}; not \$name. */
  static final Pattern GROOVY_REF = Pattern.compile(
      "(?<!\\\\)\\$(?:\\{\\s*((?:env\\.|params\\.)?[A-Za-z_][A-Za-z0-9_]{0,100})\\s*}"
          + "|((?:env\\.|params\\.)?[A-Za-z_][A-Za-z0-9_]{0,100}))");

  private final SourceFile file;
  private final Sink sink;
  private final Jenkinsfile model;
  private final Set<String> envCredentials = new HashSet<>();

  JenkinsChecks(SourceFile file, Sink sink, Jenkinsfile model) {
    this.file = file;
    this.sink = sink;
    this.model = model;
    for (EnvEntry e : model.environment()) {
      if (e.credentialsId() != null) {
        envCredentials.add(e.name());
        envCredentials.add(e.name() + "_USR");
        envCredentials.add(e.name() + "_PSW");
      }
    }
  }

  void run() {
    environment();
    for (ShellStep step : model.shellSteps()) {
      shell(step);
    }
    for (EchoStep echo : model.echoSteps()) {
      GroovyString g = echo.message();
      if (g.quote().interpolates()) {
        Matcher m = groovyCredential(g);
        if (m != null) {
          sink.report(ECHO_CREDENTIAL.at(file.locationOfOffset(g.offset() + m.start()),
              "echo prints credential " + name(m)).withKey("echo/" + name(m)));
        }
      }
    }
    for (AgentImage image : model.images()) {
      String text = image.image().trim();
      if (ImageRef.isTemplated(text) || text.contains(" ")) {
        continue;
      }
      ImageRef ref = ImageRef.parse(text);
      if (ref.pinned()) {
        continue;
      }
      String why = ref.latest() ? "uses the latest tag" : ref.untagged()
          ? "has no tag (means latest)" : "is not pinned by digest";
      sink.report(AGENT_IMAGE.at(file.location(image.line(), image.column()),
          "image '" + text + "' " + why).withKey("image/" + text)
          .withSeverity(ref.latest() || ref.untagged() ? Severity.HIGH : Severity.MEDIUM));
    }
  }

  private void environment() {
    for (EnvEntry e : model.environment()) {
      if (e.value() == null || e.value().quote().interpolates() && e.value().text().contains("$")) {
        continue;
      }
      String value = e.value().text();
      Optional<SecretHit> hit = CiSecrets.literal(e.name(), value);
      hit.ifPresent(h -> sink.report(HARDCODED_SECRET.at(file.location(e.line(), e.column()),
          "environment variable " + e.name() + " holds a hard-coded " + h.kind())
          .withSecret(h.evidence()).withKey("environment/" + e.name())));
    }
  }

  private void shell(ShellStep step) {
    GroovyString g = step.script();
    if (g.quote().interpolates()) {
      Matcher m = groovyCredential(g);
      if (m != null) {
        sink.report(GROOVY_INTERPOLATION.at(file.locationOfOffset(g.offset() + m.start()),
            step.step() + " step interpolates credential " + name(m)
                + " with Groovy; use single quotes so the shell expands it")
            .withKey(step.step() + "/" + name(m)));
      }
    }
    Predicate<String> isSecret = ref -> isCredential(GithubChecks.envName(ref)
        .replaceFirst("^env\\.", ""), g.offset());
    String[] physical = g.text().split("\n", -1);
    int[] starts = new int[physical.length];
    for (int k = 1; k < physical.length; k++) {
      starts[k] = starts[k - 1] + physical[k - 1].length() + 1;
    }
    for (Shell.Line line : Shell.lines(g.text())) {
      String t = line.text();
      String exfil = Shell.exfiltration(t, isSecret, url -> false);
      boolean prints = exfil == null && Shell.printsSecret(t, isSecret);
      if (exfil == null && !prints) {
        continue;
      }
      int at = starts[line.index()];
      while (at < g.text().length() && (g.text().charAt(at) == ' '
          || g.text().charAt(at) == '\t')) {
        at++;
      }
      String ref = firstRef(t, isSecret);
      int found = ref == null ? -1 : g.text().indexOf(ref, at);
      var loc = file.locationOfOffset(g.offset() + (found < 0 ? at : found));
      if (exfil != null) {
        sink.report(EXFILTRATION.at(loc, step.step() + " step " + exfil)
            .withKey("exfil/" + t));
      } else {
        sink.report(ECHO_CREDENTIAL.at(loc, step.step() + " step prints credential " + ref)
            .withKey("echo/" + t));
      }
    }
  }

  private static String firstRef(String line, Predicate<String> isSecret) {
    Matcher m = Shell.REF.matcher(line);
    while (m.find()) {
      if (isSecret.test(m.group())) {
        return m.group();
      }
    }
    return null;
  }

  /** The first Groovy interpolation of a credential in the string, or {@code null}. */
  private Matcher groovyCredential(GroovyString g) {
    Matcher m = GROOVY_REF.matcher(g.text());
    while (m.find()) {
      String n = name(m);
      if (n.startsWith("params.") ? Secrets.isSecretName(n.substring(7))
          : isCredential(n.replaceFirst("^env\\.", ""), g.offset())) {
        return m;
      }
    }
    return null;
  }

  private static String name(Matcher m) {
    return m.group(1) != null ? m.group(1) : m.group(2);
  }

  private boolean isCredential(String name, int offset) {
    if (envCredentials.contains(name)) {
      return true;
    }
    for (CredentialScope s : model.credentialScopes()) {
      if (s.covers(offset) && s.variables().contains(name)) {
        return true;
      }
    }
    return false;
  }
}
