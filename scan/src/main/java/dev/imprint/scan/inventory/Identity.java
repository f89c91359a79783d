package dev.imprint.scan.inventory;

import java.util.List;

/**
 * One non-human identity the scanned code defines or holds: a service account, an IAM user, role
 * or access key, a CI pipeline and its credentials, or a credential baked into a file.
 *
 * @param id stable identifier, e.g. {@code aws:aws_iam_user.deployer} or
 *     {@code k8s:sa/payments/api}
 * @param kind one of the {@code KIND_*} constants of {@link Inventory}
 * @param name the human name (the IAM user name, the service account name, the workflow file)
 * @param location where it is defined, {@code path:line}
 * @param access {@code admin}, {@code write}, {@code read}, {@code none} or {@code unknown}
 * @param permissions notable rights, e.g. {@code secrets read}, {@code privilege escalation}
 * @param credential how it authenticates: {@code static}, {@code federated}, {@code token},
 *     {@code long-lived key}, {@code password}, {@code embedded} or {@code none}
 * @param usedBy what uses it (workloads, jobs, other files), each with its location
 * @param flags risk flags in kebab case, e.g. {@code default-service-account}
 * @param details further facts in plain words (trust, keys, credentials held)
 */
public record Identity(String id, String kind, String name, String location, String access,
    List<String> permissions, String credential, List<String> usedBy, List<String> flags,
    List<String> details) {

  public Identity {
    permissions = List.copyOf(permissions);
    usedBy = List.copyOf(usedBy);
    flags = List.copyOf(flags);
    details = List.copyOf(details);
  }
}
