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
    List<Facts.StaticKey> keys = new ArrayList<>();
    for (Jenkinsfile.EnvEntry e : jf.environment()) {
      if (e.credentialsId() != null) {
        creds.add(e.name() + " = credentials('" + e.credentialsId() + "')");
        if (CiCredentials.isAwsKeyName(e.name())
            || e.credentialsId().toLowerCase(Locale.ROOT).contains("aws")) {
          keys.add(new Facts.StaticKey(e.name(), e.credentialsId(),
              new Place(file.path(), e.line())));
        }
      } else if (e.value() != null && CiCredentials.isAwsKeyName(e.name())
          && !CiCredentials.isReference(e.value().text())) {
        creds.add(e.name() + " as a literal value (line " + e.line() + ")");
        flags.add("literal-credential");
        keys.add(new Facts.StaticKey(e.name(), null, new Place(file.path(), e.line())));
      }
    }
    for (Jenkinsfile.CredentialScope s : jf.credentialScopes()) {
      creds.add("withCredentials " + String.join(", ", s.variables()) + " (line " + s.line()
          + ")");
      for (String v : s.variables()) {
        if (CiCredentials.isAwsKeyName(v)) {
          keys.add(new Facts.StaticKey(v, v, new Place(file.path(), s.line())));
        }
      }
    }
    if (jf.environment().isEmpty() && jf.credentialScopes().isEmpty()
        && jf.shellSteps().isEmpty()) {
      return;
    }
    if (!creds.isEmpty()) {
      details.add("credentials bound: " + String.join("; ", creds));
    }
    if (!keys.isEmpty()) {
      flags.add("static-cloud-key");
    }
    Identity id = new Identity("jenkins:" + file.path(), Inventory.KIND_JENKINS, file.path(),
        Place.file(file.path()), Access.UNKNOWN, List.of(), creds.isEmpty() ? "none" : "static",
        List.of(), List.of(), List.copyOf(flags), details);
    facts.pipelines.add(new Facts.Pipeline(id, keys, List.of(), false, null));
  }
}
