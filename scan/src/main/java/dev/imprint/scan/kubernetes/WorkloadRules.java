package dev.imprint.scan.kubernetes;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** Metadata of the Kubernetes workload identity and pod-security rules. */
final class WorkloadRules {
  private WorkloadRules() {}

  static final Rule AUTOMOUNT = Rule.builder("IMP-K8S-001")
      .title("Service account token automatically mounted")
      .severity(Severity.MEDIUM).category(Category.NHI5)
      .rationale("Unless automountServiceAccountToken is false (on the pod, or on its "
          + "ServiceAccount when the pod does not set it), every container gets a bearer "
          + "token for the pod's service account; anyone who reads the container filesystem "
          + "(a path traversal or RCE) can call the API server as that identity.")
      .remediation("Set automountServiceAccountToken: false in the pod spec (or on the "
          + "ServiceAccount) and mount a projected, audience-bound token only where the "
          + "workload really calls the API server.")
      .example("spec:\n  containers: [...]", "spec:\n  automountServiceAccountToken: false")
      .tags("kubernetes", "CWE-522").build();

  static final Rule DEFAULT_SA = Rule.builder("IMP-K8S-002")
      .title("Workload runs as the default service account")
      .severity(Severity.LOW).category(Category.NHI9)
      .rationale("Pods without serviceAccountName share the namespace's default service "
          + "account: any permission granted to it for one workload is silently granted to "
          + "every other workload in the namespace, and audit logs cannot tell them apart. A "
          + "Cloud Run service without one runs as the project's Compute Engine default "
          + "service account, shared by every such service and often granted Editor.")
      .remediation("Create one ServiceAccount per workload and set serviceAccountName to it; "
          + "grant RBAC only to that account (on Cloud Run, a dedicated Google service "
          + "account with only the roles the service needs).")
      .example("spec:\n  containers: [...]", "spec:\n  serviceAccountName: web")
      .tags("kubernetes").build();

  static final Rule DEPRECATED_SA = Rule.builder("IMP-K8S-003")
      .title("Deprecated serviceAccount field used")
      .severity(Severity.LOW).category(Category.NHI5)
      .rationale("spec.serviceAccount is a deprecated alias of serviceAccountName; tools and "
          + "policies that read only serviceAccountName misjudge which identity the pod runs "
          + "as, and the two fields can disagree.")
      .remediation("Replace serviceAccount with serviceAccountName.")
      .example("spec:\n  serviceAccount: web", "spec:\n  serviceAccountName: web")
      .tags("kubernetes").build();

  static final Rule SECRET_ENV = Rule.builder("IMP-K8S-004")
      .title("Secret exposed as an environment variable")
      .severity(Severity.LOW).category(Category.NHI2)
      .rationale("A secretKeyRef, or an envFrom secretRef that imports every key of a Secret, "
          + "puts credentials in the environment. Environment variables are inherited by "
          + "child processes, printed by crash "
          + "reporters and debug endpoints, and visible in /proc; a secret mounted as a file "
          + "with restricted permissions leaks far less easily.")
      .remediation("Mount the Secret as a read-only volume and read it from the file, or "
          + "fetch it from a secret manager at start-up.")
      .example("env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: pw}",
          "volumeMounts:\n- {name: db, mountPath: /run/secrets/db, readOnly: true}")
      .tags("kubernetes", "CWE-526").build();

  static final Rule HARDCODED_SECRET = Rule.builder("IMP-K8S-005")
      .title("Hard-coded secret in a manifest")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("A credential written as an env value or ConfigMap entry, or on a command the "
          + "container runs (command and args, a probe's or a lifecycle hook's exec command: "
          + "mysqladmin ping -pS3cret, redis-cli -a S3cret), is stored in plain "
          + "text in git, in etcd and in every copy of the manifest; everyone with read access "
          + "to any of them can use it, and it cannot be rotated without a change to code.")
      .remediation("Rotate the credential, store it in a Secret managed by a secret store "
          + "(External Secrets, Sealed Secrets, CSI driver) and reference it with "
          + "secretKeyRef or a mounted file.")
      .example("env:\n- name: API_TOKEN\n  value: \"8f2c...\"",
          "env:\n- name: API_TOKEN\n  valueFrom:\n    secretKeyRef: {name: api, key: token}")
      .tags("kubernetes", "CWE-798").build();

  static final Rule CLOUD_CREDS = Rule.builder("IMP-K8S-006")
      .title("Cloud credentials file mounted into a workload")
      .severity(Severity.HIGH).category(Category.NHI7)
      .rationale("A mounted AWS credentials file or a GOOGLE_APPLICATION_CREDENTIALS key file "
          + "is a long-lived static cloud credential: it does not expire, is shared by every "
          + "replica and is readable by anyone who compromises the container.")
      .remediation("Use workload identity (IRSA / EKS Pod Identity, GKE Workload Identity, "
          + "Azure Workload Identity) so pods get short-lived, federated credentials.")
      .example("env:\n- {name: GOOGLE_APPLICATION_CREDENTIALS, value: /var/secrets/key.json}",
          "serviceAccountName: app  # annotated for workload identity")
      .tags("kubernetes", "CWE-798").build();

  static final Rule MUTABLE_IMAGE = Rule.builder("IMP-K8S-007")
      .title("Image uses the latest tag or no tag")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("latest (or no tag) can point at a different image on every pull, so what "
          + "runs is neither reviewed nor reproducible, and a pushed malicious image is "
          + "deployed on the next restart.")
      .remediation("Pin the image to a version tag and, better, to its digest "
          + "(image: repo/app:1.4.2@sha256:...).")
      .example("image: nginx:latest", "image: nginx:1.27.2@sha256:...")
      .tags("kubernetes", "CWE-829").build();

  static final Rule UNPINNED_IMAGE = Rule.builder("IMP-K8S-008")
      .title("Image not pinned by digest")
      .severity(Severity.LOW).category(Category.IMMUTABILITY)
      .rationale("Tags are mutable: whoever can push to the repository can replace the image "
          + "behind a version tag, and the cluster will run it without any change to the "
          + "manifest.")
      .remediation("Reference the image by digest (tag@sha256:...) and update digests with a "
          + "bot such as Renovate.")
      .example("image: nginx:1.27.2", "image: nginx:1.27.2@sha256:...")
      .tags("kubernetes", "CWE-829").build();

  static final Rule PULL_POLICY = Rule.builder("IMP-K8S-009")
      .title("imagePullPolicy not Always for a tag-referenced image")
      .severity(Severity.LOW).category(Category.IMMUTABILITY)
      .rationale("With IfNotPresent or Never a node reuses whatever image it cached under the "
          + "tag, and pods can start from an image that the registry's access control would "
          + "no longer allow them to pull.")
      .remediation("Pin by digest (then the pull policy does not matter) or set "
          + "imagePullPolicy: Always.")
      .example("image: app:1.2\nimagePullPolicy: IfNotPresent",
          "image: app:1.2@sha256:...")
      .tags("kubernetes").build();

  static final Rule UNTRUSTED_REGISTRY = Rule.builder("IMP-K8S-010")
      .title("Image from a registry that is not trusted")
      .severity(Severity.MEDIUM).category(Category.NHI3)
      .rationale("Images pulled from registries outside the organisation's trusted list are "
          + "third-party code running with the workload's identity and secrets.")
      .remediation("Mirror the image into a trusted registry, scan and sign it there, and "
          + "reference the mirrored copy.")
      .example("image: docker.io/someone/tool:1.0", "image: registry.example.com/tool:1.0")
      .tags("kubernetes", "CWE-829").build();

  static List<Rule> all() {
    return List.of(AUTOMOUNT, DEFAULT_SA, DEPRECATED_SA, SECRET_ENV, HARDCODED_SECRET,
        CLOUD_CREDS, MUTABLE_IMAGE, UNPINNED_IMAGE, PULL_POLICY, UNTRUSTED_REGISTRY);
  }
}
