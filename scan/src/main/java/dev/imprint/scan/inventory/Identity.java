package dev.imprint.scan.inventory;

import java.util.List;

/**
 * One non-human identity the scanned code defines or holds: a service account, an IAM user, role
 * or access key, a cloud service account or application, a CI pipeline and its credentials, or a
 * credential baked into files.
 *
 * @param id stable identifier, e.g. {@code aws:infra/aws_iam_user.deployer} or
 *     {@code k8s:sa/payments/api}
 * @param kind one of the {@code KIND_*} constants of {@link Inventory}
 * @param name the human name (the IAM user name, the service account name, the workflow file)
 * @param location where it is defined
 * @param access what it may do, summarised: {@code admin}, {@code write}, {@code read},
 *     {@code none} or {@code unknown}
 * @param permissions notable rights, e.g. {@code secrets read}, {@code wildcard: s3:*},
 *     {@code privilege escalation: iam:PassRole + ec2:RunInstances (...)}
 * @param credential how it authenticates: {@code token}, {@code long-lived key},
 *     {@code long-lived token}, {@code password}, {@code static}, {@code federated},
 *     {@code static+federated}, {@code assumed}, {@code embedded} or {@code none}
 * @param trustedBy who may act as it (for roles: the principals of the trust policy)
 * @param usedBy what uses it (workloads, jobs, files), each with its location
 * @param flags risk flags in kebab case, e.g. {@code default-service-account}
 * @param details further facts in plain words (bindings, policies, credentials held)
 */
public record Identity(String id, String kind, String name, Place location, String access,
    List<String> permissions, String credential, List<String> trustedBy, List<String> usedBy,
    List<String> flags, List<String> details) {

  public Identity {
    permissions = List.copyOf(permissions);
    trustedBy = List.copyOf(trustedBy);
    usedBy = List.copyOf(usedBy);
    flags = List.copyOf(flags);
    details = List.copyOf(details);
  }

  /** Whether it carries this risk flag. */
  public boolean flagged(String flag) {
    return flags.contains(flag);
  }
}
