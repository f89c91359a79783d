/**
 * The inventory of non-human identities that code defines or holds, and what links them.
 *
 * <p>{@link dev.imprint.scan.inventory.InventoryBuilder} walks the targets with the same
 * {@link dev.imprint.scan.Scanner} as {@code imprint scan}. Small extractors, one per source kind,
 * keep what they need from the shared readers ({@code terraform}, {@code kubernetes}, {@code ci},
 * {@code secret}); once every file is read, the identities are assembled: Kubernetes service
 * accounts with the workloads that run as them and their RBAC, AWS IAM users, roles and access
 * keys with their trust and effective permissions (judged by {@code aws.PolicyReview} over all
 * their policies at once), GCP service accounts and keys, Azure applications, CI pipelines with
 * the credentials they hold, and credentials baked into files.
 *
 * <p>The {@link dev.imprint.scan.inventory.Link}s are what no single-file rule sees: which
 * Terraform access key a pipeline's static key or a baked key most likely is, which role a
 * workflow assumes through GitHub OIDC (matching the trust's {@code sub} against the repository
 * when it is known), and one secret written in several files. Secrets appear only as redacted
 * forms and fingerprints ({@link dev.imprint.scan.SecretEvidence}).
 *
 * <p>{@link dev.imprint.scan.inventory.InventoryFormat} renders text and the JSON document
 * described in {@code docs/inventory.md}. The package never depends on the CLI.
 */
package dev.imprint.scan.inventory;
