package dev.imprint.scan.gcp;

import static dev.imprint.scan.Category.IMMUTABILITY;
import static dev.imprint.scan.Category.NHI2;
import static dev.imprint.scan.Category.NHI4;
import static dev.imprint.scan.Category.NHI5;
import static dev.imprint.scan.Category.NHI6;
import static dev.imprint.scan.Category.NHI7;
import static dev.imprint.scan.Category.NHI9;
import static dev.imprint.scan.Category.SEGMENTATION;
import static dev.imprint.scan.Severity.CRITICAL;
import static dev.imprint.scan.Severity.HIGH;
import static dev.imprint.scan.Severity.MEDIUM;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** The Google Cloud rules over Terraform, in catalog order. */
final class GcpRules {
  private GcpRules() {}

  private static Rule rule(String n, String title, Severity severity, Category category,
      String rationale, String remediation, String bad, String good, String... tags) {
    String[] all = new String[tags.length + 2];
    all[0] = "terraform";
    all[1] = "gcp";
    System.arraycopy(tags, 0, all, 2, tags.length);
    return Rule.builder("IMP-GCP-" + n).title(title).severity(severity).category(category)
        .rationale(rationale).remediation(remediation).example(bad, good).tags(all).build();
  }

  static final Rule SA_KEY = rule("001", "Service account key created", HIGH, NHI7,
      "A google_service_account_key is a long-lived private key: it is valid for years by "
          + "default, works from any network, and its private half lands in the Terraform state "
          + "and usually in CI variables or files. Leaked service account keys are the most "
          + "common way Google Cloud projects are compromised.",
      "Do not create keys. Attach the service account to the workload (a VM, Cloud Run, GKE "
          + "Workload Identity) or federate external workloads and CI with Workload Identity "
          + "Federation, which issues short-lived tokens. Enforce the organization policy "
          + "iam.disableServiceAccountKeyCreation.",
      "resource \"google_service_account_key\" \"ci\" {\n"
          + "  service_account_id = google_service_account.ci.name\n}",
      "resource \"google_service_account_iam_member\" \"ci\" {\n"
          + "  service_account_id = google_service_account.ci.name\n"
          + "  role   = \"roles/iam.workloadIdentityUser\"\n"
          + "  member = \"principalSet://iam.googleapis.com/${local.pool}/attribute.repository/"
          + "org/app\"\n}",
      "iam", "service-account-key");

  static final Rule SA_KEY_EXPOSED = rule("002", "Service account private key output, "
          + "written to a file or passed on", CRITICAL, NHI2,
      "The private_key attribute of a google_service_account_key is the whole credential. An "
          + "output shows it to everyone who can read outputs or the state of this configuration; "
          + "a local file leaves it on the disk of every machine that runs Terraform; passing it "
          + "to another resource or module copies it into another system's storage and logs.",
      "Remove the key and use an attached service account or Workload Identity Federation. If a "
          + "key is truly unavoidable, write it only to a secret store (Secret Manager, Vault) "
          + "with restricted access, never to an output or a file.",
      "output \"ci_key\" {\n  value = google_service_account_key.ci.private_key\n}",
      "# no key: CI federates with Workload Identity Federation",
      "iam", "service-account-key", "secret");

  static final Rule PRIMITIVE_ROLE = rule("003", "Primitive role owner or editor granted", HIGH,
      NHI5,
      "roles/owner and roles/editor predate fine-grained IAM and allow nearly every action on "
          + "every service of the project (owner also manages IAM). A service account holding "
          + "one is a project takeover waiting for its credential to leak, and the default "
          + "compute service account's editor grant is the classic escalation path.",
      "Grant predefined or custom roles that cover exactly what the identity does "
          + "(roles/storage.objectViewer on one bucket, say), at the narrowest resource, and use "
          + "IAM Recommender to remove unused permissions.",
      "resource \"google_project_iam_member\" \"ci\" {\n  project = var.project\n"
          + "  role    = \"roles/editor\"\n"
          + "  member  = \"serviceAccount:${google_service_account.ci.email}\"\n}",
      "resource \"google_storage_bucket_iam_member\" \"ci\" {\n"
          + "  bucket = google_storage_bucket.artifacts.name\n"
          + "  role   = \"roles/storage.objectCreator\"\n"
          + "  member = \"serviceAccount:${google_service_account.ci.email}\"\n}",
      "iam");

  static final Rule IMPERSONATION_BROAD = rule("004", "Service account impersonation granted "
          + "broadly", HIGH, NHI5,
      "roles/iam.serviceAccountUser, roles/iam.serviceAccountTokenCreator and "
          + "roles/iam.workloadIdentityUser let the holder act as a service account. Granted on a "
          + "project, folder or organization they apply to every service account inside it, "
          + "including the most privileged; granted to allUsers, allAuthenticatedUsers or a "
          + "whole domain they let strangers mint tokens.",
      "Grant impersonation on the one service account that is needed "
          + "(google_service_account_iam_member with service_account_id), to named principals "
          + "only, and prefer short-lived, conditional grants.",
      "resource \"google_project_iam_member\" \"deploy\" {\n"
          + "  role   = \"roles/iam.serviceAccountTokenCreator\"\n"
          + "  member = \"group:devs@example.com\"\n}",
      "resource \"google_service_account_iam_member\" \"deploy\" {\n"
          + "  service_account_id = google_service_account.deployer.name\n"
          + "  role   = \"roles/iam.serviceAccountTokenCreator\"\n"
          + "  member = \"group:release@example.com\"\n}",
      "iam", "impersonation");

  static final Rule PUBLIC_MEMBER = rule("005", "IAM binding or ACL to allUsers or "
          + "allAuthenticatedUsers", HIGH, NHI6,
      "allUsers is anyone on the internet and allAuthenticatedUsers is anyone with any Google "
          + "account; neither is an identity you control. A binding to them makes the resource "
          + "public, whatever the role's name suggests, and so does a Cloud Storage ACL entry "
          + "(role_entity, entity, predefined_acl publicRead) or a BigQuery dataset access entry "
          + "(special_group, iam_member) naming them.",
      "Bind roles to named service accounts, groups or workload identity principals. Serve "
          + "public content through a load balancer or signed URLs instead of a public IAM "
          + "binding, and enforce the constraint iam.allowedPolicyMemberDomains.",
      "resource \"google_storage_bucket_iam_member\" \"p\" {\n  role   = \"roles/storage."
          + "objectViewer\"\n  member = \"allUsers\"\n}",
      "resource \"google_storage_bucket_iam_member\" \"p\" {\n  role   = \"roles/storage."
          + "objectViewer\"\n  member = \"serviceAccount:${google_service_account.cdn.email}\"\n}",
      "iam", "public");

  static final Rule DEFAULT_SA_FULL_SCOPE = rule("006", "Default compute service account with "
          + "the cloud-platform scope", HIGH, NHI5,
      "The Compute Engine default service account is shared by every VM and node of the project "
          + "and holds roles/editor unless someone removed it. With the cloud-platform scope, any "
          + "process on the machine (or anyone who reaches its metadata server through SSRF) "
          + "gets a token that can change almost anything in the project.",
      "Create a dedicated service account per workload with only the roles it needs, set its "
          + "email in service_account (or node_config.service_account), and keep the "
          + "cloud-platform scope only with such a dedicated account.",
      "service_account {\n  scopes = [\"cloud-platform\"]\n}",
      "service_account {\n  email  = google_service_account.web.email\n"
          + "  scopes = [\"cloud-platform\"]\n}",
      "compute", "service-account");

  static final Rule WIF_NO_CONDITION = rule("007", "Workload identity pool provider without "
          + "an attribute condition that pins the tenant", HIGH, NHI4,
      "A workload identity pool provider trusts every token its issuer signs. Without an "
          + "attribute_condition, a multi-tenant issuer such as GitHub Actions, GitLab.com or "
          + "Terraform Cloud lets any repository or workspace of any customer exchange its "
          + "token for access to this pool. A condition that names only a branch "
          + "(assertion.ref == 'refs/heads/main') is no better: every customer has a main "
          + "branch.",
      "Set attribute_condition to the exact owner and repository (and branch or environment) "
          + "that may federate, e.g. assertion.repository == 'org/app' && assertion.ref == "
          + "'refs/heads/main', and bind roles to principalSet members that use the same "
          + "attributes.",
      "resource \"google_iam_workload_identity_pool_provider\" \"gh\" {\n  oidc {\n"
          + "    issuer_uri = \"https://token.actions.githubusercontent.com\"\n  }\n}",
      "resource \"google_iam_workload_identity_pool_provider\" \"gh\" {\n"
          + "  attribute_condition = \"assertion.repository == 'org/app'\"\n  oidc {\n"
          + "    issuer_uri = \"https://token.actions.githubusercontent.com\"\n  }\n}",
      "iam", "federation", "oidc");

  static final Rule METADATA_SECRET = rule("008", "Secret in a VM startup script or user data",
      HIGH, NHI2,
      "Instance metadata, including startup-script and user-data, is readable by every process "
          + "on the VM through the metadata server, by anyone with compute.instances.get, and is "
          + "stored in the Terraform state and the repository.",
      "Give the VM a dedicated service account and read the secret at boot from Secret Manager "
          + "(gcloud secrets versions access); keep only the secret's name in the script.",
      "metadata_startup_script = <<-EOT\n  export DB_PASSWORD=s3cr3t-Value9\nEOT",
      "metadata_startup_script = <<-EOT\n  DB_PASSWORD=$(gcloud secrets versions access latest "
          + "--secret=db)\nEOT",
      "compute", "secret");

  static final Rule METADATA_DOWNLOAD_RUN = rule("009", "VM startup script downloads and runs "
          + "code", MEDIUM, IMMUTABILITY,
      "A startup script that pipes a download into a shell runs whatever the remote host serves "
          + "on every boot, unverified. Two VMs from one template can run different code, a "
          + "compromised host owns every new VM, and nothing records what ran.",
      "Bake the software into the image (Packer) and pin the image; if a download is "
          + "unavoidable, fetch a versioned artifact and verify its checksum or signature before "
          + "running it.",
      "metadata_startup_script = \"curl -sSL https://get.example.sh | bash\"",
      "boot_disk {\n  initialize_params {\n    image = \"projects/acme/global/images/web-v42\"\n"
          + "  }\n}",
      "compute", "supply-chain");

  static final Rule HMAC_KEY = rule("010", "Cloud Storage HMAC key created for a service "
          + "account", HIGH, NHI7,
      "A google_storage_hmac_key is a long-lived access id and secret for the S3-compatible "
          + "XML API. It never expires, its secret is stored in the Terraform state, and it "
          + "works from anywhere with every permission the service account has on Cloud "
          + "Storage.",
      "Use the service account's own short-lived OAuth tokens (an attached service account, "
          + "Workload Identity or Workload Identity Federation) with the JSON or XML API. If an "
          + "S3-only tool truly needs HMAC, create the key out of band, keep it in Secret "
          + "Manager, rotate it and restrict the account to one bucket.",
      "resource \"google_storage_hmac_key\" \"backup\" {\n"
          + "  service_account_email = google_service_account.backup.email\n}",
      "resource \"google_storage_bucket_iam_member\" \"backup\" {\n"
          + "  bucket = google_storage_bucket.backup.name\n"
          + "  role   = \"roles/storage.objectCreator\"\n"
          + "  member = \"serviceAccount:${google_service_account.backup.email}\"\n}",
      "storage", "hmac-key");

  static final Rule WORKLOAD_IDENTITY_BROAD = rule("011", "Workload identity granted to the "
          + "default Kubernetes service account, a whole namespace or a whole pool", HIGH, NHI9,
      "GKE Workload Identity maps Kubernetes service accounts to Google identities. A grant to "
          + "the namespace's default service account ([ns/default], .../sa/default) goes to "
          + "every pod of the namespace that names no service account of its own; a principalSet "
          + "of a whole namespace (.../namespace/NS, medium), a whole cluster or a whole pool "
          + "(.../*) goes to every workload there. One compromised or newly deployed pod then "
          + "holds the Google service account's or the role's rights.",
      "Create a dedicated Kubernetes service account per workload and grant "
          + "roles/iam.workloadIdentityUser (or the role itself) to exactly that one: "
          + "serviceAccount:PROJECT.svc.id.goog[NAMESPACE/NAME] or principal://.../subject/ns/"
          + "NAMESPACE/sa/NAME.",
      "resource \"google_service_account_iam_member\" \"app\" {\n"
          + "  service_account_id = google_service_account.app.name\n"
          + "  role   = \"roles/iam.workloadIdentityUser\"\n"
          + "  member = \"serviceAccount:acme-prod.svc.id.goog[shop/default]\"\n}",
      "resource \"google_service_account_iam_member\" \"app\" {\n"
          + "  service_account_id = google_service_account.app.name\n"
          + "  role   = \"roles/iam.workloadIdentityUser\"\n"
          + "  member = \"serviceAccount:acme-prod.svc.id.goog[shop/checkout]\"\n}",
      "iam", "workload-identity", "gke");

  static final Rule REGISTRY_MUTABLE = rule("012", "Artifact Registry Docker repository lets "
          + "image tags be moved", MEDIUM, IMMUTABILITY,
      "Unless docker_config.immutable_tags is true, anyone who can push can move an existing tag "
          + "such as v1.4.2 to another image: a deployment that names the tag then runs other "
          + "code than was reviewed, scanned and approved, and a rollback to that tag is no "
          + "rollback.",
      "Set docker_config { immutable_tags = true } on Docker repositories and deploy by digest.",
      "resource \"google_artifact_registry_repository\" \"app\" {\n"
          + "  repository_id = \"app\"\n  format        = \"DOCKER\"\n}",
      "resource \"google_artifact_registry_repository\" \"app\" {\n"
          + "  repository_id = \"app\"\n  format        = \"DOCKER\"\n"
          + "  docker_config {\n    immutable_tags = true\n  }\n}",
      "artifact-registry", "registry");

  static final Rule FIREWALL_OPEN = rule("013", "Firewall rule allows ingress from the internet",
      HIGH, SEGMENTATION,
      "An ingress rule whose source_ranges include 0.0.0.0/0 or ::/0 (or that names no source at "
          + "all, which means 0.0.0.0/0) exposes the instances it targets to anyone: SSH, RDP "
          + "and database or admin ports are brute-forced and exploited within minutes (high), "
          + "all ports or all protocols expose every service (critical), and any other port is "
          + "still attack surface (low).",
      "Allow only the sources that need access (a load balancer's ranges 35.191.0.0/16 and "
          + "130.211.0.0/22, a VPN range, source_service_accounts) and use IAP TCP forwarding "
          + "(35.235.240.0/20) instead of opening SSH or RDP.",
      "resource \"google_compute_firewall\" \"ssh\" {\n  network = \"default\"\n"
          + "  allow {\n    protocol = \"tcp\"\n    ports    = [\"22\"]\n  }\n"
          + "  source_ranges = [\"0.0.0.0/0\"]\n}",
      "resource \"google_compute_firewall\" \"ssh\" {\n  network = \"default\"\n"
          + "  allow {\n    protocol = \"tcp\"\n    ports    = [\"22\"]\n  }\n"
          + "  source_ranges = [\"35.235.240.0/20\"]\n}",
      "network", "firewall");

  static final Rule SQL_OPEN = rule("014", "Cloud SQL instance authorizes the whole internet",
      HIGH, SEGMENTATION,
      "An authorized_networks entry of 0.0.0.0/0 lets any address on the internet connect to "
          + "the instance's public IP: the database's port is then guarded by its passwords "
          + "alone.",
      "Use private IP (ipv4_enabled = false with a private_network), or the Cloud SQL Auth "
          + "Proxy and connectors with IAM database authentication; list only known ranges in "
          + "authorized_networks.",
      "ip_configuration {\n  authorized_networks {\n    name  = \"all\"\n"
          + "    value = \"0.0.0.0/0\"\n  }\n}",
      "ip_configuration {\n  ipv4_enabled    = false\n"
          + "  private_network = google_compute_network.vpc.id\n}",
      "cloud-sql", "database", "network");

  static final Rule GKE_LEGACY_ABAC = rule("015", "GKE legacy ABAC enabled", HIGH, NHI5,
      "With enable_legacy_abac = true the cluster authorizes requests by the legacy attribute-"
          + "based policy, which gives service accounts broad rights that Kubernetes RBAC never "
          + "granted; RBAC rules and least privilege no longer hold.",
      "Remove enable_legacy_abac (it defaults to false) and grant what workloads need with "
          + "Kubernetes RBAC.",
      "resource \"google_container_cluster\" \"main\" {\n  enable_legacy_abac = true\n}",
      "resource \"google_container_cluster\" \"main\" {\n  enable_legacy_abac = false\n}",
      "gke", "kubernetes", "rbac");

  static final Rule GKE_CONTROL_PLANE_OPEN = rule("016", "GKE control plane authorized for "
          + "the whole internet", HIGH, SEGMENTATION,
      "master_authorized_networks_config exists to limit who can reach the Kubernetes API "
          + "server; a cidr_block of 0.0.0.0/0 in it allows everyone, so any leaked kubeconfig "
          + "or token, and any API server vulnerability, is reachable from the internet.",
      "List only the ranges that administer the cluster (a VPN, CI runners' egress), or make "
          + "the endpoint private and reach it through a bastion or Connect gateway.",
      "master_authorized_networks_config {\n  cidr_blocks {\n"
          + "    cidr_block = \"0.0.0.0/0\"\n  }\n}",
      "master_authorized_networks_config {\n  cidr_blocks {\n"
          + "    cidr_block   = \"10.8.0.0/16\"\n    display_name = \"vpn\"\n  }\n}",
      "gke", "kubernetes", "network");

  static final List<Rule> ALL = List.of(SA_KEY, SA_KEY_EXPOSED, PRIMITIVE_ROLE,
      IMPERSONATION_BROAD, PUBLIC_MEMBER, DEFAULT_SA_FULL_SCOPE, WIF_NO_CONDITION,
      METADATA_SECRET, METADATA_DOWNLOAD_RUN, HMAC_KEY, WORKLOAD_IDENTITY_BROAD,
      REGISTRY_MUTABLE, FIREWALL_OPEN, SQL_OPEN, GKE_LEGACY_ABAC, GKE_CONTROL_PLANE_OPEN);
}
