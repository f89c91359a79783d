package dev.imprint.scan.packer;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** The Packer rules' metadata; {@link PackerChecks} holds their logic. */
final class PackerRules {
  private PackerRules() {}

  static final Rule VARIABLE_NOT_SENSITIVE = Rule.builder("IMP-PACKER-001")
      .title("Secret-like Packer variable not marked sensitive")
      .severity(Severity.MEDIUM).category(Category.NHI2)
      .rationale("Packer prints variable values in its build output and in crash logs unless "
          + "the variable is marked sensitive, so a password or token passed to the build ends "
          + "up in CI logs that many more people and systems can read than the secret store.")
      .remediation("Mark the variable sensitive = true in HCL2 (or list it under "
          + "sensitive-variables in a JSON template) and pass its value at build time from a "
          + "secret store or the CI secret context (PKR_VAR_... environment variables).")
      .example("variable \"db_password\" {\n  type = string\n}",
          "variable \"db_password\" {\n  type      = string\n  sensitive = true\n}")
      .tags("packer", "secrets", "CWE-532").build();

  static final Rule VARIABLE_SECRET_DEFAULT = Rule.builder("IMP-PACKER-002")
      .title("Secret-like Packer variable with a literal default value")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("A default value is committed with the template: every clone, fork and CI "
          + "cache holds the credential, it cannot be rotated without a commit, and it is baked "
          + "into every image built without an override.")
      .remediation("Remove the default and supply the value at build time from a secret store "
          + "(vault(), aws_secretsmanager()) or the CI secret context (PKR_VAR_...); mark the "
          + "variable sensitive = true.")
      .example("variable \"api_token\" {\n  default = \"7fG2kQ9xLm4pZ8wR\"\n}",
          "variable \"api_token\" {\n  type      = string\n  sensitive = true\n}")
      .tags("packer", "secrets", "CWE-798").build();

  static final Rule COMMAND_SECRET = Rule.builder("IMP-PACKER-003")
      .title("Secret in a Packer provisioner command")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("Inline provisioner commands are stored in the template and echoed in the "
          + "build log; a credential written into them is readable by anyone with the "
          + "repository or the logs, and often ends up in the image's shell history or files.")
      .remediation("Pass the credential through a sensitive variable or a secret-store "
          + "function and reference it (${var.token}, {{user `token`}}), and prefer "
          + "credentials the instance obtains itself (an instance role, workload identity).")
      .example("inline = [\"curl -H 'Authorization: Bearer ghp_...' https://api.example/\"]",
          "inline = [\"curl -H \\\"Authorization: Bearer ${var.api_token}\\\" https://api/\"]")
      .tags("packer", "secrets", "CWE-798").build();

  static final Rule ENVIRONMENT_SECRET = Rule.builder("IMP-PACKER-004")
      .title("Secret literal in Packer provisioner environment variables")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("environment_vars and env are written into the template as KEY=value and "
          + "shown in the build output; a literal credential there is committed to the "
          + "repository and, when scripts persist their environment, baked into the image.")
      .remediation("Reference a sensitive variable or a secret-store function instead of a "
          + "literal (DB_PASSWORD=${var.db_password}), and make sure the scripts do not write "
          + "the value into the image.")
      .example("environment_vars = [\"DB_PASSWORD=Sup3rS3cr3t!\"]",
          "environment_vars = [\"DB_PASSWORD=${var.db_password}\"]")
      .tags("packer", "secrets", "CWE-798").build();

  static final Rule AMI_OWNER = Rule.builder("IMP-PACKER-005")
      .title("Amazon base AMI not restricted to a trusted owner")
      .severity(Severity.HIGH).category(Category.IMMUTABILITY)
      .rationale("A source_ami_filter without owners matches public AMIs published by any "
          + "account, and with most_recent the newest match wins, so anyone can publish an AMI "
          + "with a matching name and become the base of every image. A bare AMI id gives no "
          + "evidence of who published it either.")
      .remediation("Select the base image with a source_ami_filter that lists the publisher's "
          + "account ids in owners (for example Canonical's 099720109477 or \"amazon\"), or an "
          + "AMI id you copied into your own account and verified.")
      .example("source_ami_filter {\n  filters     = { name = \"ubuntu/images/*-22.04-*\" }\n"
              + "  most_recent = true\n}",
          "source_ami_filter {\n  filters     = { name = \"ubuntu/images/*-22.04-*\" }\n"
              + "  owners      = [\"099720109477\"]\n  most_recent = true\n}")
      .tags("packer", "aws", "supply-chain").build();

  static final Rule DOCKER_DIGEST = Rule.builder("IMP-PACKER-006")
      .title("Packer docker source image not pinned by digest")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("A tag can be moved to different content at any time, so the same template "
          + "builds from a different base image from one day to the next and a compromised "
          + "registry or account can replace it unnoticed.")
      .remediation("Pin the base image by its digest (image = \"ubuntu:22.04@sha256:...\") and "
          + "update the digest deliberately, for example with a dependency bot.")
      .example("image = \"ubuntu:22.04\"",
          "image = \"ubuntu:22.04@sha256:3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c5"
              + "2ef83375fe15\"")
      .tags("packer", "docker", "supply-chain").build();

  static final Rule GCE_FAMILY = Rule.builder("IMP-PACKER-007")
      .title("Google Compute base image family without a pinned project")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("source_image_family resolves to whatever image is newest in the family when "
          + "the build runs; without source_image_project_id the family is looked up in the "
          + "build's own project and public projects, so the base is neither fixed nor tied to "
          + "a known publisher.")
      .remediation("Name an exact source_image, or at least set source_image_project_id to the "
          + "publisher's project (ubuntu-os-cloud, debian-cloud) next to the family.")
      .example("source_image_family = \"ubuntu-2204-lts\"",
          "source_image            = \"ubuntu-2204-jammy-v20240319\"\n"
              + "source_image_project_id = [\"ubuntu-os-cloud\"]")
      .tags("packer", "gcp", "supply-chain").build();

  static final Rule AZURE_LATEST = Rule.builder("IMP-PACKER-008")
      .title("Azure base image uses the latest version")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("An azure-arm source whose image_version is latest or missing builds from "
          + "whatever version the publisher released last, so two builds of the same template "
          + "start from different images and a bad release flows in unreviewed.")
      .remediation("Set image_version (or shared_image_gallery's image_version) to an exact "
          + "version and update it deliberately.")
      .example("image_offer   = \"0001-com-ubuntu-server-jammy\"\nimage_version = \"latest\"",
          "image_offer   = \"0001-com-ubuntu-server-jammy\"\nimage_version = \"22.04.202403280\"")
      .tags("packer", "azure", "supply-chain").build();

  static final Rule CREDENTIAL_FILE = Rule.builder("IMP-PACKER-009")
      .title("Credential file copied into the image and not removed")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("A file provisioner that uploads an SSH private key, a kubeconfig, cloud "
          + "credentials, a .env file or a private key bakes that long-lived secret into every "
          + "image and every instance started from it, where anyone who can read the image or "
          + "log in to an instance can take it.")
      .remediation("Do not copy credentials into images: give instances an identity at run "
          + "time (instance role, workload identity, a secret fetched at boot). If a build step "
          + "needs one, remove it in a later provisioner (rm -f / shred) before the image is "
          + "captured.")
      .example("provisioner \"file\" {\n  source      = \"keys/id_rsa\"\n"
              + "  destination = \"/home/app/.ssh/id_rsa\"\n}",
          "provisioner \"file\" {\n  source      = \"keys/id_rsa\"\n"
              + "  destination = \"/tmp/id_rsa\"\n}\nprovisioner \"shell\" {\n"
              + "  inline = [\"git clone ...\", \"shred -u /tmp/id_rsa\"]\n}")
      .tags("packer", "secrets", "CWE-312").build();

  static final Rule LITERAL_PASSWORD = Rule.builder("IMP-PACKER-010")
      .title("Literal password in a Packer source or post-processor")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("ssh_password, winrm_password, password, client_secret and similar settings "
          + "written as literals are committed with the template and visible to everyone who "
          + "can read the repository; a communicator password usually also stays valid on the "
          + "image's account.")
      .remediation("Reference a sensitive variable or a secret-store function "
          + "(vault(), aws_secretsmanager()), prefer key or token based authentication that "
          + "Packer generates per build, and disable the build account's password afterwards.")
      .example("ssh_password = \"Winter2024!\"",
          "ssh_password = var.ssh_password # sensitive = true, set from the CI secret store")
      .tags("packer", "secrets", "CWE-798").build();

  static final Rule PIPE_TO_SHELL = Rule.builder("IMP-PACKER-011")
      .title("Packer provisioner pipes a download into a shell")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("curl ... | sh runs whatever the server returns at build time, unverified: the "
          + "image is not reproducible and whoever controls the URL, its DNS or the network "
          + "path controls what is installed in every image.")
      .remediation("Download to a file, verify it against a pinned checksum or signature, then "
          + "run it; better, install from a package repository with signed metadata or a "
          + "versioned artifact.")
      .example("inline = [\"curl -fsSL https://get.example.com | sh\"]",
          "inline = [\"curl -fsSLo install.sh https://get.example.com/v1.2.3/install.sh\",\n"
              + "  \"echo \\\"<sha256>  install.sh\\\" | sha256sum -c -\", \"sh install.sh\"]")
      .tags("packer", "supply-chain", "CWE-494").build();

  static final Rule STATIC_AWS_KEYS = Rule.builder("IMP-PACKER-012")
      .title("Static AWS access keys in a Packer Amazon source")
      .severity(Severity.HIGH).category(Category.NHI7)
      .rationale("access_key and secret_key written into the template are long-lived IAM user "
          + "keys: they never expire, they are committed with the code, and anyone who copies "
          + "them can act as the build's identity until someone notices and rotates them.")
      .remediation("Remove access_key and secret_key and let Packer use the default credential "
          + "chain: an instance or task role, an assumed role (assume_role), or short-lived "
          + "credentials from CI's OIDC federation.")
      .example("access_key = \"AKIA...\"\nsecret_key = \"wJalr...\"",
          "assume_role {\n  role_arn = \"arn:aws:iam::123456789012:role/packer\"\n}")
      .tags("packer", "aws", "secrets", "CWE-798").build();

  static final Rule SSH_KEY_LEFT = Rule.builder("IMP-PACKER-013")
      .title("Long-lived SSH key stays authorized in the built image")
      .severity(Severity.MEDIUM).category(Category.NHI7)
      .rationale("When a source connects with a fixed key (ssh_private_key_file or "
          + "ssh_keypair_name), its public half is left in authorized_keys unless Packer is told "
          + "to remove it, so whoever holds that long-lived private key can log in to every "
          + "instance started from the image.")
      .remediation("Let Packer generate a temporary key pair per build, or set "
          + "ssh_clear_authorized_keys = true so the key is removed before the image is "
          + "captured.")
      .example("ssh_private_key_file = \"~/.ssh/packer\"",
          "ssh_private_key_file      = \"~/.ssh/packer\"\nssh_clear_authorized_keys = true")
      .tags("packer", "ssh", "CWE-798").build();

  static final Rule VARIABLE_FILE_SECRET = Rule.builder("IMP-PACKER-014")
      .title("Secret-like value in a Packer variable file")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("A *.pkrvars.hcl or *.pkrvars.json file in the repository is committed with "
          + "the template: a password or token assigned there is readable by everyone with "
          + "the repository, stays in its history after removal, and cannot be rotated "
          + "without a commit.")
      .remediation("Keep credentials out of variable files: pass them at build time as "
          + "PKR_VAR_<name> environment variables from the CI secret context, or read them in "
          + "the template with vault() or aws_secretsmanager(); keep only non-secret values "
          + "(region, instance type) in committed variable files.")
      .example("# prod.pkrvars.hcl\ndb_password = \"Winter2024!\"",
          "# prod.pkrvars.hcl\nregion = \"eu-west-1\"\n"
              + "# db_password comes from PKR_VAR_db_password")
      .tags("packer", "secrets", "CWE-798").build();

  static final Rule SECRET_WRITTEN_TO_IMAGE = Rule.builder("IMP-PACKER-015")
      .title("Secret written into a file of the image by a provisioner")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("A provisioner that writes a variable or environment secret into a file "
          + "(echo $DB_PASSWORD > /etc/app/db.conf) bakes it into the image: everyone who can "
          + "launch or copy the image, or read a snapshot of its disk, holds the secret, and "
          + "rotating it means rebuilding every image. Marking the variable sensitive only "
          + "hides it from Packer's log.")
      .remediation("Keep secrets out of the image: let the instance fetch the value at boot "
          + "with its own identity (an instance role reading Secrets Manager or SSM, Vault "
          + "agent, a cloud-init step of the launch template), and bake only the code that "
          + "fetches it.")
      .example("provisioner \"shell\" {\n  environment_vars = [\"DB_PASSWORD=${var.db_password}\"]"
          + "\n  inline = [\"echo $DB_PASSWORD > /etc/app/db.conf\"]\n}",
          "provisioner \"shell\" {\n  inline = [\"install -m 0755 fetch-db-secret.sh"
              + " /usr/local/bin/\"]\n}")
      .tags("packer", "secrets", "image").build();

  static final List<Rule> ALL = List.of(VARIABLE_NOT_SENSITIVE, VARIABLE_SECRET_DEFAULT,
      COMMAND_SECRET, ENVIRONMENT_SECRET, AMI_OWNER, DOCKER_DIGEST, GCE_FAMILY, AZURE_LATEST,
      CREDENTIAL_FILE, LITERAL_PASSWORD, PIPE_TO_SHELL, STATIC_AWS_KEYS, SSH_KEY_LEFT,
      VARIABLE_FILE_SECRET, SECRET_WRITTEN_TO_IMAGE);
}
