package dev.imprint.scan.secret;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The IMP-SECRET rules and which detector reports under which rule. */
final class SecretRules {
  private static final String RATIONALE = "A credential committed to a file is readable by "
      + "everyone who can read the repository, its forks, its history, the images built from "
      + "it and the logs that print it; removing it later does not remove it from history. "
      + "Whoever copies it can act as the workload it belongs to until it is revoked.";
  private static final String REMEDIATION = "Revoke or rotate the credential now, then remove "
      + "it from the file and from history. Give the workload a short-lived identity instead "
      + "(OIDC federation, a cloud role, a managed identity) or load the value at run time from "
      + "a secret store; ";
  static final Map<String, Rule> BY_DETECTOR = new LinkedHashMap<>();
  static final List<Rule> ALL;

  static {
    add("aws-access-key-id", Rule.builder("IMP-SECRET-001").title("AWS access key id in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "use an IAM role or OIDC federation.")
        .example("aws_access_key_id = AKIA...", "use an IAM role or OIDC federation")
            .tags("secret", "aws").build());
    add("aws-key-pair,aws-secret-key", Rule.builder("IMP-SECRET-002")
        .title("AWS secret access key in text")
        .severity(Severity.CRITICAL).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "credential_process or an IAM role.")
        .example("aws_secret_access_key = <40 chars>", "credential_process or an IAM role")
            .tags("secret", "aws").build());
    add("aws-session-token", Rule.builder("IMP-SECRET-003").title("AWS session token in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "let the SDK obtain session credentials at run time.")
        .example("aws_session_token = FwoGZXIvYXdzE...",
            "let the SDK obtain session credentials at run time").tags("secret", "aws").build());
    add("github-token,github-fine-grained", Rule.builder("IMP-SECRET-004")
        .title("GitHub token in text")
        .severity(Severity.CRITICAL).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION
            + "use the workflow's GITHUB_TOKEN or a GitHub App installation token fetched at "
            + "run time.")
        .example("GH_TOKEN=ghp_...",
            "GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}").tags("secret", "github").build());
    add("gitlab-token", Rule.builder("IMP-SECRET-005").title("GitLab token in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "use CI_JOB_TOKEN or a masked CI/CD variable.")
        .example("GITLAB_TOKEN=glpat-...", "use CI_JOB_TOKEN or a masked CI/CD variable")
            .tags("secret", "gitlab").build());
    add("slack-token", Rule.builder("IMP-SECRET-006").title("Slack token in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "load the bot token from a secret store.")
        .example("SLACK_TOKEN=xoxb-...", "load the bot token from a secret store").tags("secret",
            "slack").build());
    add("slack-webhook", Rule.builder("IMP-SECRET-007").title("Slack incoming webhook URL in text")
        .severity(Severity.MEDIUM).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "url: ${SLACK_WEBHOOK_URL}.")
        .example("url: https://hooks.slack.com/services/T.../B.../...",
            "url: ${SLACK_WEBHOOK_URL}").tags("secret", "slack").build());
    add("stripe-live-key", Rule.builder("IMP-SECRET-008")
        .title("Stripe live secret or restricted key in text")
        .severity(Severity.CRITICAL).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "STRIPE_KEY=${STRIPE_KEY}.")
        .example("STRIPE_KEY=sk_live_...", "STRIPE_KEY=${STRIPE_KEY}").tags("secret", "stripe")
            .build());
    add("google-api-key", Rule.builder("IMP-SECRET-009").title("Google API key in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "key: ${GOOGLE_API_KEY}.")
        .example("key: AIza...", "key: ${GOOGLE_API_KEY}").tags("secret", "gcp").build());
    add("gcp-service-account", Rule.builder("IMP-SECRET-010")
        .title("Google service-account JSON key in text")
        .severity(Severity.CRITICAL).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "Workload Identity Federation; no key file.")
        .example("{\"type\": \"service_account\", \"private_key\": \"-----BEGIN ...\"}",
            "{\"type\": \"external_account\", \"audience\": \"//iam.googleapis.com/...\"}")
        .tags("secret", "gcp").build());
    add("azure-storage-key", Rule.builder("IMP-SECRET-011")
        .title("Azure storage account key in text")
        .severity(Severity.CRITICAL).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "use a managed identity with an RBAC role on the account.")
        .example("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=...==",
            "use a managed identity with an RBAC role on the account").tags("secret", "azure")
            .build());
    add("azure-client-secret", Rule.builder("IMP-SECRET-012").title("Azure client secret in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION
            + "a federated credential (workload identity) for the app registration.")
        .example("AZURE_CLIENT_SECRET=abc8Q~...",
            "a federated credential (workload identity) for the app registration").tags("secret",
            "azure").build());
    add("azure-sas", Rule.builder("IMP-SECRET-013").title("Azure shared access signature in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION
            + "a user-delegation SAS minted at run time, or a managed identity.")
        .example("https://acct.blob.core.windows.net/c?sv=...&sig=...",
            "a user-delegation SAS minted at run time, or a managed identity").tags("secret",
            "azure").build());
    add("npm-token", Rule.builder("IMP-SECRET-014").title("npm access token in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "NPM_TOKEN=${NPM_TOKEN} or npm trusted publishing.")
        .example("NPM_TOKEN=npm_...", "NPM_TOKEN=${NPM_TOKEN} or npm trusted publishing")
            .tags("secret", "npm").build());
    add("pypi-token", Rule.builder("IMP-SECRET-015").title("PyPI API token in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "PyPI trusted publishing (OIDC).")
        .example("password = pypi-AgEIcHlwaS5vcmc...", "PyPI trusted publishing (OIDC)")
            .tags("secret", "pypi").build());
    add("dockerhub-pat", Rule.builder("IMP-SECRET-016").title("Docker Hub access token in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "a CI secret or registry credential helper.")
        .example("DOCKER_PASSWORD=dckr_pat_...", "a CI secret or registry credential helper")
            .tags("secret", "docker").build());
    add("twilio", Rule.builder("IMP-SECRET-017").title("Twilio auth token or API secret in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN}.")
        .example("TWILIO_AUTH_TOKEN=<32 hex>", "TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN}")
            .tags("secret", "twilio").build());
    add("sendgrid", Rule.builder("IMP-SECRET-018").title("SendGrid API key in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "SENDGRID_API_KEY=${SENDGRID_API_KEY}.")
        .example("SENDGRID_API_KEY=SG.x.y", "SENDGRID_API_KEY=${SENDGRID_API_KEY}")
            .tags("secret", "sendgrid").build());
    add("datadog", Rule.builder("IMP-SECRET-019").title("Datadog API or application key in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION
            + "DD_API_KEY from a Kubernetes Secret or the agent's secret backend.")
        .example("DD_API_KEY=<32 hex>",
            "DD_API_KEY from a Kubernetes Secret or the agent's secret backend").tags("secret",
            "datadog").build());
    add("vault-token", Rule.builder("IMP-SECRET-020").title("HashiCorp Vault token in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION
            + "Vault agent auto-auth with a platform identity (Kubernetes, AWS, JWT).")
        .example("VAULT_TOKEN=hvs....",
            "Vault agent auto-auth with a platform identity (Kubernetes, AWS, JWT)")
            .tags("secret", "vault").build());
    add("terraform-cloud-token", Rule.builder("IMP-SECRET-021")
        .title("Terraform Cloud API token in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION
            + "TF_TOKEN_app_terraform_io from the environment or dynamic credentials.")
        .example("token = \"xxxx.atlasv1.xxxx\"",
            "TF_TOKEN_app_terraform_io from the environment or dynamic credentials")
            .tags("secret", "terraform").build());
    add("openai-key", Rule.builder("IMP-SECRET-022").title("OpenAI API key in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "OPENAI_API_KEY=${OPENAI_API_KEY}.")
        .example("OPENAI_API_KEY=sk-proj-...", "OPENAI_API_KEY=${OPENAI_API_KEY}").tags("secret",
            "openai").build());
    add("anthropic-key", Rule.builder("IMP-SECRET-023").title("Anthropic API key in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "ANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}.")
        .example("ANTHROPIC_API_KEY=sk-ant-api03-...", "ANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}")
            .tags("secret", "anthropic").build());
    add("jwt", Rule.builder("IMP-SECRET-024").title("JSON Web Token in text")
        .severity(Severity.MEDIUM).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "obtain tokens at run time; never commit them.")
        .example("Authorization: Bearer eyJ...", "obtain tokens at run time; never commit them")
            .tags("secret", "jwt").build());
    add("private-key", Rule.builder("IMP-SECRET-025").title("Unencrypted private key in text")
        .severity(Severity.CRITICAL).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "mount the key from a secret store at run time.")
        .example("-----BEGIN RSA PRIVATE KEY-----",
            "mount the key from a secret store at run time").tags("secret", "private-key").build());
    add("private-key-encrypted", Rule.builder("IMP-SECRET-026")
        .title("Encrypted private key in text")
        .severity(Severity.LOW).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "keep even encrypted keys out of the repository.")
        .example("-----BEGIN ENCRYPTED PRIVATE KEY-----",
            "keep even encrypted keys out of the repository").tags("secret", "private-key")
            .build());
    add("url-password", Rule.builder("IMP-SECRET-027").title("Password embedded in a URL")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION
            + "postgres://app@db/app with the password from PGPASSFILE or a secret store.")
        .example("postgres://app:S3cr3t@db/app",
            "postgres://app@db/app with the password from PGPASSFILE or a secret store")
            .tags("secret", "url").build());
    add("netrc-password", Rule.builder("IMP-SECRET-028").title("Password in a .netrc file")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "a credential helper; no .netrc in the repository.")
        .example("machine host login u password p",
            "a credential helper; no .netrc in the repository").tags("secret", "netrc").build());
    add("npmrc-auth", Rule.builder("IMP-SECRET-029").title("Registry credential in .npmrc")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "//registry.npmjs.org/:_authToken=${NPM_TOKEN}.")
        .example("//registry.npmjs.org/:_authToken=npm_...",
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}").tags("secret", "npm").build());
    add("pypirc-password", Rule.builder("IMP-SECRET-030").title("Password in a .pypirc file")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "PyPI trusted publishing or keyring.")
        .example("password = s3cr3t", "PyPI trusted publishing or keyring").tags("secret", "pypi")
            .build());
    add("kubeconfig-credential", Rule.builder("IMP-SECRET-031")
        .title("Kubeconfig client key or token in text")
        .severity(Severity.CRITICAL).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION
            + "exec credential plugins (aws eks get-token, gke-gcloud-auth-plugin).")
        .example("client-key-data: LS0t...",
            "exec credential plugins (aws eks get-token, gke-gcloud-auth-plugin)").tags("secret",
            "kubernetes").build());
    add("htpasswd", Rule.builder("IMP-SECRET-032")
        .title("Password hash from an htpasswd file in text")
        .severity(Severity.MEDIUM).category(Category.NHI2).rationale(RATIONALE)
        .remediation(REMEDIATION + "generate htpasswd at deploy time from a secret store.")
        .example("admin:$apr1$...", "generate htpasswd at deploy time from a secret store")
            .tags("secret", "htpasswd").build());
    add("generic-assignment", Rule.builder("IMP-SECRET-033")
        .title("Secret-looking value assigned to a secret name")
        .severity(Severity.MEDIUM).category(Category.NHI2).rationale(RATIONALE
            + " The encryptedData of a SealedSecret (YAML or JSON) is ciphertext that only the"
            + " cluster's controller can open, made to be committed: no secret rule reads it."
            + " In program source, a quoted password someone chose (letters, digits, common"
            + " punctuation: trainres, pizzeria42) bound to a name that holds nothing but a"
            + " password (DB_PASSWORD, passwd, passphrase) is reported though it does not look"
            + " random; in test code it is a fixture.")
        .remediation(REMEDIATION + "password = os.environ[\"DB_PASSWORD\"].")
        .example("password = \"q7Z!x9Lm2pR4\"", "password = os.environ[\"DB_PASSWORD\"]")
            .tags("secret", "generic").build());
    add("config-assignment,keycloak-realm", Rule.builder("IMP-SECRET-034")
        .title("Secret in a configuration file")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE
            + " In configuration (.properties, .ini, .cfg, .conf, .env, YAML such as Helm's"
            + " values.yaml or Spring's application.yml, JSON, TOML) every value is a literal the"
            + " application reads as it is, so a key that holds a password (password, dbpass,"
            + " rootPassword, db_passwd) holds the password itself, however simple it looks; a"
            + " ${NAME:default} fallback, the literal an ERB lookup falls back to (Rails"
            + " database.yml: ENV.fetch(\"DB_PASSWORD\") { \"pw\" }, ENV['DB_PASSWORD'] || 'pw')"
            + " or a template variable's default ({{ pw | default('pw') }},"
            + " {{ .Values.pw | default \"pw\" }}) is used whenever the variable is unset."
            + " Keycloak realm files (JSON) are read by their structure: a user's password credential or OTP seed, a client's secret, an"
            + " identity provider's clientSecret, an LDAP bindCredential. A file carried in a"
            + " YAML block (a ConfigMap's realm.json: |, a Helm value) is read as that file, at"
            + " the manifest's line (once, also in a Secret's stringData), and a template"
            + " (database.yml.erb, .env.j2, realm.json.tpl) as the file it renders. A trivial or"
            + " default password (root, postgres, 123456) is reported like any other and rated the same:"
            + " it works, and it is the first one an attacker tries. Not reported: placeholders,"
            + " templates, references to a secret store, password hashes, schema entries,"
            + " translations of the word password, and files in test, docs and locale folders.")
        .remediation(REMEDIATION + "spring.datasource.password=${DB_PASSWORD} with no default, or"
            + " a file mounted from a secret store. Commit an example file"
            + " (app.properties.example, .env.example) with placeholders instead.")
        .example("spring.datasource.password=S3cr3t-prod\nredis.password=${REDIS_PASSWORD:hunter2}"
            + "\n# values.yaml\nauth:\n  rootPassword: bluewhale",
            "spring.datasource.password=${DB_PASSWORD}\n# values.yaml\nauth:\n"
            + "  existingSecret: db-credentials")
        .tags("secret", "config", "properties", "ini", "dotenv", "yaml", "json", "toml").build());
    add("google-oauth-secret", Rule.builder("IMP-SECRET-035")
        .title("Google OAuth client secret in text")
        .severity(Severity.HIGH).category(Category.NHI2).rationale(RATIONALE
            + " With the client id, it lets anyone run the OAuth flow as the application and"
            + " exchange codes and refresh tokens for its users' tokens.")
        .remediation(REMEDIATION + "reset the secret in the Google Cloud console and load it"
            + " from a secret store; for server-to-server access use workload identity"
            + " federation instead of an OAuth client.")
        .example("GOOGLE_CLIENT_SECRET=GOCSPX-...", "GOOGLE_CLIENT_SECRET=${GOOGLE_CLIENT_SECRET}")
        .tags("secret", "gcp", "oauth").build());
    ALL = List.copyOf(new java.util.LinkedHashSet<>(BY_DETECTOR.values()));
  }

  private SecretRules() {}

  private static void add(String detectors, Rule rule) {
    for (String d : detectors.split(",")) {
      BY_DETECTOR.put(d, rule);
    }
  }
}
