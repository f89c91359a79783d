package dev.imprint.scan.ci;

/**
 * The rationale and remediation of a CI job that pipes a download into a shell, shared by the
 * GitHub Actions rule (IMP-GHA-012) and the GitLab CI rule (IMP-GITLAB-007), which differ only
 * in where the script is written.
 */
final class PipeToShellText {
  static final String RATIONALE = "curl ... | sh runs whatever the server returns, unverified, "
      + "inside a job that holds the pipeline's identity and secrets: whoever controls the URL, "
      + "its DNS or the network path runs code with them, and two runs can execute different "
      + "code.";
  static final String REMEDIATION = "Download to a file, verify it against a pinned checksum or "
      + "signature, then run it; better, use a versioned package or a pinned image that already "
      + "has the tool.";

  private PipeToShellText() {}
}
