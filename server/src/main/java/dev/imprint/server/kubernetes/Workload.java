package dev.imprint.server.kubernetes;

import java.util.Optional;

/**
 * The kinds whose pods Imprint checks, and where each keeps its pod spec: a Pod itself, and the
 * pod templates of the workload controllers (apps/v1, batch/v1, core v1 ReplicationController).
 */
enum Workload {
  POD("", "Pod", "/spec"),
  DEPLOYMENT("apps", "Deployment", "/spec/template/spec"),
  REPLICA_SET("apps", "ReplicaSet", "/spec/template/spec"),
  STATEFUL_SET("apps", "StatefulSet", "/spec/template/spec"),
  DAEMON_SET("apps", "DaemonSet", "/spec/template/spec"),
  REPLICATION_CONTROLLER("", "ReplicationController", "/spec/template/spec"),
  JOB("batch", "Job", "/spec/template/spec"),
  CRON_JOB("batch", "CronJob", "/spec/jobTemplate/spec/template/spec");

  private final String group;
  private final String kind;
  private final String specPointer;

  Workload(String group, String kind, String specPointer) {
    this.group = group;
    this.kind = kind;
    this.specPointer = specPointer;
  }

  static Optional<Workload> of(String group, String kind) {
    for (Workload w : values()) {
      if (w.group.equals(group) && w.kind.equals(kind)) {
        return Optional.of(w);
      }
    }
    return Optional.empty();
  }

  /** The JSON Pointer of the pod spec inside an object of this kind. */
  String specPointer() {
    return specPointer;
  }

  String kind() {
    return kind;
  }
}
