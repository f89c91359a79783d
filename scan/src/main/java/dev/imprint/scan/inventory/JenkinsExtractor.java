package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.ci.Jenkinsfile;
import dev.imprint.scan.ci.JenkinsfileReader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** A Jenkinsfile as an identity: the Jenkins credentials it binds, AWS keys among them. */
final class JenkinsExtractor implements Extractor {
  @Override
  public void read(SourceFile file, Facts facts) {
    if (!JenkinsfileReader.isJenkinsfileName(file.name())) {
      return;
    }
    Jenkinsfile jf = JenkinsfileReader.read(file);
    Set<String> flags = new LinkedHashSet<>();
    List<String> details = new ArrayList<>();
    Set<String> creds = new TreeSet<>();
    boolean staticAws = false;
    for (Jenkinsfile.EnvEntry e : jf.environment()) {
      if (e.credentialsId() != null) {
        creds.add(e.name() + " = credentials('" + e.credentialsId() + "')");
        staticAws |= CiCredentials.isAwsKeyName(e.name())
            || e.credentialsId().toLowerCase(Locale.ROOT).contains("aws");
      } else if (e.value() != null && CiCredentials.isAwsKeyName(e.name())
          && !CiCredentials.isReference(e.value().text())) {
        creds.add(e.name() + " as a literal value (line " + e.line() + ")");
        flags.add("literal-credential");
        staticAws = true;
      }
    }
    for (Jenkinsfile.CredentialScope s : jf.credentialScopes()) {
      creds.add("withCredentials " + String.join(", ", s.variables()) + " (line " + s.line()
          + ")");
      staticAws |= s.variables().stream().anyMatch(CiCredentials::isAwsKeyName);
    }
    if (jf.environment().isEmpty() && jf.credentialScopes().isEmpty()
        && jf.shellSteps().isEmpty()) {
      return;
    }
    if (!creds.isEmpty()) {
      details.add("credentials bound: " + String.join("; ", creds));
    }
    if (staticAws) {
      flags.add("static-cloud-key");
    }
    Identity id = new Identity("jenkins:" + file.path(), Inventory.KIND_JENKINS, file.path(),
        file.path() + ":1", "unknown", List.of(), creds.isEmpty() ? "none" : "static",
        List.of(), List.copyOf(flags), details);
    facts.pipelines.add(new Facts.Pipeline(id, staticAws, List.of(), false));
  }
}
