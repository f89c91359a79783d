package dev.imprint.scan.terraform;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** The provider-independent Terraform rules, in catalog order. */
final class TerraformRules {
  private TerraformRules() {}

  static final Rule SECRET_VARIABLE = Rule.builder("IMP-TF-001")
      .title("Secret-like Terraform variable with a default or not marked sensitive")
      .severity(Severity.MEDIUM).category(Category.NHI2)
      .rationale("A variable named like a credential is printed in plan output and logs unless "
          + "it is marked sensitive, and a literal default puts the credential into the "
          + "repository where every clone and fork keeps it. The declared type and default "
          + "decide before the name: a number or bool variable (or one whose default is a "
          + "number or bool) holds no secret, nor does a setting about one "
          + "(max_password_age, password_reuse_prevention, create_access_key, a description "
          + "that starts 'Whether' or 'The number of'); an empty or placeholder default is no "
          + "baked secret, but the variable still needs sensitive = true.")
      .remediation("Declare the variable with sensitive = true and no default, and supply the "
          + "value at run time from a secret store or the CI secret context (TF_VAR_...).")
      .example("variable \"db_password\" {\n  default = \"hunter2\"\n}",
          "variable \"db_password\" {\n  type      = string\n  sensitive = true\n}")
      .tags("terraform", "secrets").build();

  static final Rule LITERAL_SECRET = Rule.builder("IMP-TF-002")
      .title("Literal secret in Terraform code or a .tfvars file")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("A password, token or key written as a literal in a resource, module, data "
          + "source, locals or a committed .tfvars file is committed "
          + "to version control, copied with every clone and fork, and stored again in the "
          + "state; it cannot be rotated without a code change and it is readable by everyone "
          + "who can read the repository. Provider-issued tokens (GitHub, Slack, Stripe, "
          + "cloud keys) are reported as critical: they are live credentials.")
      .remediation("Remove the literal and revoke it. Generate the value (random_password), "
          + "read it from a secret store (a data source for Secret Manager, Key Vault, Vault "
          + "or AWS Secrets Manager), or pass it in through a variable with sensitive = true "
          + "supplied at run time; better, use an identity that needs no secret.")
      .example("resource \"aws_db_instance\" \"main\" {\n  password = \"Sup3r-Secret-2024\"\n}",
          "resource \"aws_db_instance\" \"main\" {\n"
              + "  manage_master_user_password = true\n}")
      .tags("terraform", "secrets").build();

  static final Rule OUTPUT_SECRET = Rule.builder("IMP-TF-003")
      .title("Output exposes a secret without sensitive = true")
      .severity(Severity.HIGH).category(Category.NHI2)
      .rationale("Outputs are printed after every apply, in CI logs and in terraform output, and "
          + "are readable by every configuration that reads this state through "
          + "terraform_remote_state. An output that carries a password, key or token without "
          + "sensitive = true (or that strips sensitivity with nonsensitive()) publishes it. "
          + "Only references the output can return count: not the PGP-encrypted forms of a "
          + "secret (encrypted_secret, encrypted_password), fingerprints, statuses, flags, "
          + "counts, ARNs or IDs, nor a secret only hashed, measured or tested in a condition. "
          + "An output marked sensitive = true is redacted from plan and apply output and is "
          + "not reported; it still sits in the state, which the state's own protection "
          + "covers.")
      .remediation("Do not output secrets; output the name or ARN of the secret-store entry "
          + "instead. If an output must carry one, mark it sensitive = true and never wrap it "
          + "in nonsensitive().")
      .example("output \"db_password\" {\n  value = random_password.db.result\n}",
          "output \"db_password_secret\" {\n  value = aws_secretsmanager_secret.db.arn\n}")
      .tags("terraform", "secrets", "output").build();

  static final Rule PROVIDER_CREDENTIALS = Rule.builder("IMP-TF-004")
      .title("Provider or backend configured with static credentials")
      .severity(Severity.CRITICAL).category(Category.NHI2)
      .rationale("A token, password or key written into a provider, backend or cloud block is "
          + "committed with the code and gives whoever reads the repository the same access "
          + "Terraform has, usually broad administrative rights. A service-account key file "
          + "named in the provider is a long-lived key that lives on every machine that runs "
          + "the configuration.")
      .remediation("Remove the credential and revoke it. Let the provider read credentials from "
          + "its environment variables or a credentials helper, and in CI use OIDC federation "
          + "(Workload Identity Federation, Azure use_oidc, AWS assume_role_with_web_identity, "
          + "Vault JWT auth) so no static credential exists at all.")
      .example("provider \"github\" {\n  token = \"ghp_...\"\n}",
          "provider \"github\" {\n  # token read from GITHUB_TOKEN at run time\n}")
      .tags("terraform", "secrets", "provider").build();

  static final Rule PROVISIONER_PIPE = Rule.builder("IMP-TF-005")
      .title("Provisioner pipes a download into a shell")
      .severity(Severity.MEDIUM).category(Category.IMMUTABILITY)
      .rationale("A local-exec or remote-exec provisioner that runs curl ... | sh executes "
          + "whatever the server returns, unverified, with the credentials of the machine that "
          + "runs Terraform or of the new host: whoever controls the URL, its DNS or the network "
          + "path runs code there, and two applies can install different things.")
      .remediation("Download to a file, verify it against a pinned checksum or signature, then "
          + "run it; better, install a versioned package from a repository with signed "
          + "metadata, or bake the software into the image.")
      .example("provisioner \"remote-exec\" {\n  inline = [\"curl -fsSL https://get.example.com "
              + "| sh\"]\n}",
          "provisioner \"remote-exec\" {\n  inline = [\"curl -fsSLo i.sh "
              + "https://get.example.com/v1.2.3/i.sh\",\n    \"echo \\\"<sha256>  i.sh\\\" "
              + "| sha256sum -c -\", \"sh i.sh\"]\n}")
      .tags("terraform", "provisioner", "supply-chain", "CWE-494").build();

  static final List<Rule> ALL = List.of(SECRET_VARIABLE, LITERAL_SECRET, OUTPUT_SECRET,
      PROVIDER_CREDENTIALS, PROVISIONER_PIPE);
}
