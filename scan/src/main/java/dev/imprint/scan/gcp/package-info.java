/**
 * Google Cloud identity rules over Terraform ({@code IMP-GCP-nnn}): long-lived service account
 * keys and where their private key flows, Cloud Storage HMAC keys, owner/editor and
 * impersonation roles granted broadly, bindings to {@code allUsers}, the default compute service
 * account with the cloud-platform scope, workload identity pool providers without an attribute
 * condition, and VM startup scripts that carry secrets or download and run code. Built on the
 * shared reader in {@code dev.imprint.scan.terraform}; only
 * {@link dev.imprint.scan.gcp.GcpAnalyzer} is public.
 */
package dev.imprint.scan.gcp;
