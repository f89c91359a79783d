package dev.imprint.scan.azure;

import static dev.imprint.scan.Category.NHI2;
import static dev.imprint.scan.Category.NHI4;
import static dev.imprint.scan.Category.NHI5;
import static dev.imprint.scan.Category.NHI7;
import static dev.imprint.scan.Category.SEGMENTATION;
import static dev.imprint.scan.Severity.CRITICAL;
import static dev.imprint.scan.Severity.HIGH;
import static dev.imprint.scan.Severity.MEDIUM;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** The Azure rules over Terraform, in catalog order. */
final class AzureRules {
  private AzureRules() {}

  private static Rule rule(String n, String title, Severity severity, Category category,
      String rationale, String remediation, String bad, String good, String... tags) {
    String[] all = new String[tags.length + 2];
    all[0] = "terraform";
    all[1] = "azure";
    System.arraycopy(tags, 0, all, 2, tags.length);
    return Rule.builder("IMP-AZURE-" + n).title(title).severity(severity).category(category)
        .rationale(rationale).remediation(remediation).example(bad, good).tags(all).build();
  }

  static final Rule CLIENT_SECRET_CREATED = rule("001", "Client secret created for an "
          + "application or service principal", HIGH, NHI7,
      "An application or service principal password is a long-lived bearer secret (two years by "
          + "default): it works from anywhere, is stored in the Terraform state, and is usually "
          + "copied into CI variables and config files where it outlives its purpose.",
      "Authenticate workloads without secrets: a managed identity for code running in Azure, "
          + "and a federated identity credential (azuread_application_federated_identity_"
          + "credential) for CI and workloads elsewhere, which exchange their own OIDC token "
          + "for a short-lived Entra ID token.",
      "resource \"azuread_application_password\" \"ci\" {\n"
          + "  application_id = azuread_application.ci.id\n}",
      "resource \"azuread_application_federated_identity_credential\" \"ci\" {\n"
          + "  application_id = azuread_application.ci.id\n"
          + "  issuer   = \"https://token.actions.githubusercontent.com\"\n"
          + "  subject  = \"repo:acme/app:environment:prod\"\n"
          + "  audiences = [\"api://AzureADTokenExchange\"]\n"
          + "  display_name = \"github-prod\"\n}",
      "entra-id", "client-secret");

  static final Rule CLIENT_SECRET_LITERAL = rule("002", "Azure client secret or certificate "
          + "password hard-coded", CRITICAL, NHI2,
      "A client secret written into a provider, backend or resource block is committed to version "
          + "control and copied with every clone, fork and state file. Whoever reads it can sign "
          + "in as the service principal until someone rotates it.",
      "Remove the value and rotate the secret. Let the provider authenticate with OIDC "
          + "(use_oidc = true) or a managed identity (use_msi = true); where a resource needs a "
          + "principal, give it a managed identity; where a secret is unavoidable, read it from "
          + "Key Vault at run time.",
      "provider \"azurerm\" {\n  features {}\n  client_id     = \"00000000-...\"\n"
          + "  client_secret = \"abc8Q~...\"\n}",
      "provider \"azurerm\" {\n  features {}\n  use_oidc = true\n}",
      "secret", "provider", "client-secret");

  static final Rule PRIVILEGED_ROLE_BROAD = rule("003", "Owner, Contributor or User Access "
          + "Administrator assigned at subscription or management group scope", HIGH, NHI5,
      "Owner, Contributor and User Access Administrator at subscription or management group "
          + "scope reach every resource group and resource below it; Owner and User Access "
          + "Administrator can also grant themselves or anyone else any role. A workload "
          + "identity holding one turns any compromise of that workload into a subscription "
          + "takeover.",
      "Assign the narrowest built-in or custom role that covers what the identity does "
          + "(Storage Blob Data Contributor, Website Contributor, ...) at the resource or "
          + "resource group it works on, and use Privileged Identity Management for the rare "
          + "human who needs Owner.",
      "resource \"azurerm_role_assignment\" \"ci\" {\n"
          + "  scope                = data.azurerm_subscription.current.id\n"
          + "  role_definition_name = \"Contributor\"\n"
          + "  principal_id         = azurerm_user_assigned_identity.ci.principal_id\n}",
      "resource \"azurerm_role_assignment\" \"ci\" {\n"
          + "  scope                = azurerm_resource_group.app.id\n"
          + "  role_definition_name = \"Website Contributor\"\n"
          + "  principal_id         = azurerm_user_assigned_identity.ci.principal_id\n}",
      "rbac");

  static final Rule NO_MANAGED_IDENTITY = rule("004", "App uses an access key or password "
          + "where a managed identity would do", MEDIUM, NHI7,
      "An app that reaches storage, a database or a queue with an access key, a connection "
          + "string with a password or a shared access key holds a long-lived secret that sits "
          + "in its settings, the Terraform state and the portal, and is rarely rotated. A "
          + "managed identity gives the app short-lived tokens that nobody has to store.",
      "Add identity { type = \"SystemAssigned\" } (or a user-assigned identity), grant it a "
          + "data-plane role on the target (Storage Blob Data Reader, ...), and connect with "
          + "Entra ID authentication (for function apps, storage_uses_managed_identity = true); "
          + "then disable shared keys on the target.",
      "resource \"azurerm_linux_function_app\" \"api\" {\n"
          + "  storage_account_access_key = azurerm_storage_account.api.primary_access_key\n}",
      "resource \"azurerm_linux_function_app\" \"api\" {\n"
          + "  storage_uses_managed_identity = true\n  identity {\n"
          + "    type = \"SystemAssigned\"\n  }\n}",
      "managed-identity");

  static final Rule FEDERATED_WILDCARD = rule("005", "Federated identity credential with a "
          + "wildcard or overly broad subject", HIGH, NHI4,
      "A federated identity credential lets any token whose issuer and subject match sign in "
          + "as the application. A wildcard in the subject or a claims expression, or a subject "
          + "that accepts every pull request, lets other repositories, branches or untrusted "
          + "contributions obtain the application's permissions.",
      "Use an exact subject that names the repository and a protected environment or branch, "
          + "e.g. repo:acme/app:environment:prod, and one credential per trusted workflow.",
      "subject = \"repo:acme/*\"",
      "subject = \"repo:acme/app:environment:prod\"",
      "entra-id", "federation", "oidc");

  static final Rule KEY_VAULT_LITERAL = rule("006", "Key Vault secret with a literal value",
      HIGH, NHI2,
      "A Key Vault secret whose value is written in the Terraform code is not secret: the "
          + "repository, every clone and the state file hold it in plain text, whatever the "
          + "vault's access policies say.",
      "Generate the value (random_password) or let the service that owns the credential write "
          + "it; if it comes from outside, set it out of band or pass it through a sensitive "
          + "variable supplied at run time.",
      "resource \"azurerm_key_vault_secret\" \"db\" {\n  name  = \"db-password\"\n"
          + "  value = \"P4ssw0rd-prod-2024\"\n}",
      "resource \"azurerm_key_vault_secret\" \"db\" {\n  name  = \"db-password\"\n"
          + "  value = random_password.db.result\n}",
      "key-vault", "secret");

  static final Rule AKS_SERVICE_PRINCIPAL = rule("007", "AKS cluster authenticates with a "
          + "service principal secret", MEDIUM, NHI7,
      "An AKS cluster with a service_principal block runs on a client secret that expires, must "
          + "be rotated by hand and sits in the Terraform state; a forgotten rotation breaks the "
          + "cluster and a leaked secret acts as the cluster in the subscription.",
      "Remove the service_principal block and use identity { type = \"SystemAssigned\" } or a "
          + "user-assigned identity; AKS then manages short-lived tokens itself.",
      "resource \"azurerm_kubernetes_cluster\" \"main\" {\n  service_principal {\n"
          + "    client_id     = var.client_id\n    client_secret = var.client_secret\n  }\n}",
      "resource \"azurerm_kubernetes_cluster\" \"main\" {\n  identity {\n"
          + "    type = \"SystemAssigned\"\n  }\n}",
      "aks", "client-secret");

  static final Rule NSG_ADMIN_OPEN = rule("008", "Network security group allows SSH or RDP "
          + "from the internet", HIGH, SEGMENTATION,
      "An inbound Allow rule from *, Internet, Any or 0.0.0.0/0 whose destination ports include "
          + "22 or 3389 exposes every VM behind the group to constant credential brute-forcing "
          + "and remote-access exploits; a rule that allows every port (*) exposes every service "
          + "and is critical.",
      "Reach VMs through Azure Bastion or Just-In-Time access, or limit "
          + "source_address_prefix(es) to a VPN or office range.",
      "security_rule {\n  name                       = \"ssh\"\n  direction                  = "
          + "\"Inbound\"\n  access                     = \"Allow\"\n  protocol                   = "
          + "\"Tcp\"\n  source_address_prefix      = \"*\"\n  destination_port_range     = "
          + "\"22\"\n  ...\n}",
      "security_rule {\n  name                       = \"ssh\"\n  direction                  = "
          + "\"Inbound\"\n  access                     = \"Allow\"\n  protocol                   = "
          + "\"Tcp\"\n  source_address_prefix      = \"10.8.0.0/16\"\n  destination_port_range     "
          + "= \"22\"\n  ...\n}",
      "network", "nsg");

  static final Rule CUSTOM_ROLE_ALL_ACTIONS = rule("009", "Custom role allows every action",
      HIGH, NHI5,
      "A custom role definition with actions = [\"*\"] grants every management operation, "
          + "including Microsoft.Authorization/* (assigning any role to anyone), on its "
          + "assignable scopes: it is Owner under another name, and whoever holds it can take "
          + "over the scope.",
      "List the operations the identity needs (Microsoft.Storage/storageAccounts/read, ...) or "
          + "use a narrow built-in role; keep not_actions for exceptions, not as the only limit.",
      "permissions {\n  actions     = [\"*\"]\n  not_actions = []\n}",
      "permissions {\n  actions = [\"Microsoft.Storage/storageAccounts/read\",\n"
          + "             \"Microsoft.Storage/storageAccounts/listKeys/action\"]\n}",
      "rbac", "custom-role");

  static final Rule AKS_RBAC_DISABLED = rule("010", "AKS cluster with Kubernetes RBAC "
          + "disabled", HIGH, NHI5,
      "With role_based_access_control_enabled = false (role_based_access_control { enabled = "
          + "false } in older providers) the cluster has no Kubernetes RBAC: every authenticated "
          + "identity, including every pod's service account token, is allowed everything.",
      "Leave role_based_access_control_enabled at true (the default) and grant workloads and "
          + "people what they need with Kubernetes RBAC or Azure RBAC for Kubernetes.",
      "resource \"azurerm_kubernetes_cluster\" \"main\" {\n"
          + "  role_based_access_control_enabled = false\n}",
      "resource \"azurerm_kubernetes_cluster\" \"main\" {\n"
          + "  role_based_access_control_enabled = true\n}",
      "aks", "kubernetes", "rbac");

  static final List<Rule> ALL = List.of(CLIENT_SECRET_CREATED, CLIENT_SECRET_LITERAL,
      PRIVILEGED_ROLE_BROAD, NO_MANAGED_IDENTITY, FEDERATED_WILDCARD, KEY_VAULT_LITERAL,
      AKS_SERVICE_PRINCIPAL, NSG_ADMIN_OPEN, CUSTOM_ROLE_ALL_ACTIONS, AKS_RBAC_DISABLED);
}
