package dev.imprint.scan.kubernetes;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** Metadata of the Kubernetes pod-security and exposure rules. */
final class PodSecurityRules {
  private PodSecurityRules() {}

  static final Rule WRITABLE_ROOT = Rule.builder("IMP-K8S-011")
      .title("Root filesystem is writable")
      .severity(Severity.LOW).category(Category.IMMUTABILITY)
      .rationale("A writable root filesystem lets an attacker drop tools, alter binaries and "
          + "persist inside the container; an immutable container is much harder to abuse.")
      .remediation("Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir for "
          + "the few paths that must be written.")
      .example("securityContext: {}", "securityContext:\n  readOnlyRootFilesystem: true")
      .tags("kubernetes").build();

  static final Rule PRIVILEGED = Rule.builder("IMP-K8S-012")
      .title("Container runs privileged")
      .severity(Severity.CRITICAL).category(Category.NHI5)
      .rationale("A privileged container has every capability and every host device; escaping "
          + "to the node, and to the kubelet and every pod's credentials on it, is trivial.")
      .remediation("Remove privileged: true; add only the single capability the container "
          + "really needs.")
      .example("securityContext:\n  privileged: true",
          "securityContext:\n  capabilities: {drop: [ALL]}")
      .tags("kubernetes", "CWE-250").build();

  static final Rule PRIV_ESCALATION = Rule.builder("IMP-K8S-013")
      .title("allowPrivilegeEscalation not set to false")
      .severity(Severity.MEDIUM).category(Category.NHI5)
      .rationale("Unless allowPrivilegeEscalation is false, setuid binaries and file "
          + "capabilities can raise a process above the privileges the container started with.")
      .remediation("Set securityContext.allowPrivilegeEscalation: false on every container.")
      .example("securityContext: {}", "securityContext:\n  allowPrivilegeEscalation: false")
      .tags("kubernetes", "CWE-250").build();

  static final Rule RUNS_AS_ROOT = Rule.builder("IMP-K8S-014")
      .title("Container may run as root or a low UID")
      .severity(Severity.MEDIUM).category(Category.NHI5)
      .rationale("A process running as UID 0, or with a low UID that collides with host system "
          + "users, turns any container escape or hostPath mount into host-level access.")
      .remediation("Set runAsNonRoot: true and runAsUser to a UID of 10000 or more in the pod "
          + "or container securityContext.")
      .example("securityContext:\n  runAsUser: 0",
          "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001")
      .tags("kubernetes", "CWE-250").build();

  static final Rule HOST_NAMESPACE = Rule.builder("IMP-K8S-015")
      .title("Pod shares a host namespace")
      .severity(Severity.HIGH).category(Category.SEGMENTATION)
      .rationale("hostPID, hostIPC and hostNetwork remove the isolation from the node: the pod "
          + "can see node processes, shared memory and every node-local port, including the "
          + "kubelet and cloud metadata endpoints that hand out node credentials.")
      .remediation("Remove hostPID, hostIPC and hostNetwork; expose ports with a Service.")
      .example("spec:\n  hostNetwork: true", "spec:\n  containers: [...]")
      .tags("kubernetes").build();

  static final Rule CAPABILITIES = Rule.builder("IMP-K8S-016")
      .title("Dangerous capability added or capabilities not dropped")
      .severity(Severity.MEDIUM).category(Category.NHI5)
      .rationale("Capabilities such as SYS_ADMIN, NET_ADMIN or NET_RAW give a container "
          + "root-like powers over the kernel or the network; the default set is larger than "
          + "most applications need. Adding back NET_BIND_SERVICE, the one capability the "
          + "restricted Pod Security Standard allows, is not reported.")
      .remediation("Drop ALL capabilities and add back only the one the application needs "
          + "(usually none, sometimes NET_BIND_SERVICE).")
      .example("capabilities:\n  add: [SYS_ADMIN]", "capabilities:\n  drop: [ALL]")
      .tags("kubernetes", "CWE-250").build();

  static final Rule HOST_PATH = Rule.builder("IMP-K8S-017")
      .title("Sensitive or writable hostPath mounted")
      .severity(Severity.HIGH).category(Category.NHI5)
      .rationale("Mounting the container runtime socket, the node's root, /etc, /var/lib/kubelet "
          + "or any writable host path gives the pod the node's credentials and a path to take "
          + "over the node; a PersistentVolume backed by such a host path hands it to any pod "
          + "that claims the volume.")
      .remediation("Use emptyDir, a PersistentVolumeClaim or a CSI volume; if a host path is "
          + "unavoidable, mount a narrow directory read-only.")
      .example("hostPath: {path: /var/run/docker.sock}", "emptyDir: {}")
      .tags("kubernetes", "CWE-250").build();

  static final Rule EXPOSED_SERVICE = Rule.builder("IMP-K8S-018")
      .title("Workload exposed outside the cluster")
      .severity(Severity.MEDIUM).category(Category.SEGMENTATION)
      .rationale("LoadBalancer and NodePort services, externalIPs and hostPort publish the "
          + "workload on node or public addresses, bypassing ingress controls and network "
          + "policies.")
      .remediation("Use a ClusterIP Service behind an authenticated Ingress or gateway; remove "
          + "hostPort and externalIPs.")
      .example("spec:\n  type: LoadBalancer", "spec:\n  type: ClusterIP")
      .tags("kubernetes").build();

  static final Rule SSH = Rule.builder("IMP-K8S-019")
      .title("SSH server exposed in a container")
      .severity(Severity.MEDIUM).category(Category.NHI4)
      .rationale("An SSH daemon in a pod is a second, usually password- or static-key-"
          + "authenticated entry point that bypasses the cluster's audit and RBAC.")
      .remediation("Remove sshd; use kubectl exec with RBAC and audit logging for debugging.")
      .example("ports:\n- containerPort: 22", "ports:\n- containerPort: 8080")
      .tags("kubernetes").build();

  static final Rule DEFAULT_NAMESPACE = Rule.builder("IMP-K8S-020")
      .title("Object placed in the default namespace")
      .severity(Severity.LOW).category(Category.NHI8)
      .rationale("Workloads in the default namespace share it with everything else deployed "
          + "without care; RBAC, quotas and network policies cannot separate them.")
      .remediation("Create a namespace per application or team and set metadata.namespace.")
      .example("metadata:\n  namespace: default", "metadata:\n  namespace: shop")
      .tags("kubernetes").build();

  static final Rule SECCOMP = Rule.builder("IMP-K8S-021")
      .title("Seccomp profile unconfined or not set")
      .severity(Severity.LOW).category(Category.NHI5)
      .rationale("Without a seccomp profile every syscall is available, including the rarely "
          + "used ones behind most container-escape kernel exploits.")
      .remediation("Set securityContext.seccompProfile.type: RuntimeDefault at pod level.")
      .example("seccompProfile: {type: Unconfined}", "seccompProfile: {type: RuntimeDefault}")
      .tags("kubernetes").build();

  static final Rule LEGACY_TOKEN = Rule.builder("IMP-K8S-022")
      .title("Long-lived service account token Secret")
      .severity(Severity.MEDIUM).category(Category.NHI7)
      .rationale("A Secret of type kubernetes.io/service-account-token holds a token that never "
          + "expires and survives until the Secret is deleted; it is the classic leaked "
          + "cluster credential.")
      .remediation("Delete the Secret and use short-lived tokens from the TokenRequest API "
          + "(projected service account token volumes, kubectl create token).")
      .example("type: kubernetes.io/service-account-token", "# projected token volume")
      .tags("kubernetes", "CWE-324").build();

  static final Rule TILLER = Rule.builder("IMP-K8S-023")
      .title("Helm v2 Tiller deployed")
      .severity(Severity.HIGH).category(Category.NHI5)
      .rationale("Tiller runs with cluster-admin rights and, by default, an unauthenticated "
          + "gRPC endpoint: any pod that can reach it controls the cluster.")
      .remediation("Remove Tiller and migrate to Helm 3, which has no in-cluster component.")
      .example("image: gcr.io/kubernetes-helm/tiller:v2.16.0", "# helm 3, no tiller")
      .tags("kubernetes").build();

  static List<Rule> all() {
    return List.of(WRITABLE_ROOT, PRIVILEGED, PRIV_ESCALATION, RUNS_AS_ROOT, HOST_NAMESPACE,
        CAPABILITIES, HOST_PATH, EXPOSED_SERVICE, SSH, DEFAULT_NAMESPACE, SECCOMP,
        LEGACY_TOKEN, TILLER);
  }
}
