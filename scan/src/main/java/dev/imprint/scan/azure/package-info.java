/**
 * Azure identity rules over Terraform ({@code IMP-AZURE-nnn}): application and service principal
 * client secrets (created, or hard-coded in providers, the azurerm backend and resources),
 * privileged role assignments at subscription or management group scope, apps that use access
 * keys or passwords without a managed identity, federated identity credentials with wildcard or
 * pull-request subjects, Key Vault secrets with literal values, and AKS clusters that run on a
 * service principal. Built on the shared reader in {@code dev.imprint.scan.terraform}; only
 * {@link dev.imprint.scan.azure.AzureAnalyzer} is public.
 */
package dev.imprint.scan.azure;
