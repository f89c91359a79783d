package dev.imprint.scan.aws;

import static dev.imprint.scan.Category.IMMUTABILITY;
import static dev.imprint.scan.Category.NHI1;
import static dev.imprint.scan.Category.NHI10;
import static dev.imprint.scan.Category.NHI2;
import static dev.imprint.scan.Category.NHI4;
import static dev.imprint.scan.Category.NHI5;
import static dev.imprint.scan.Category.NHI6;
import static dev.imprint.scan.Category.NHI7;
import static dev.imprint.scan.Category.NHI9;
import static dev.imprint.scan.Category.SEGMENTATION;
import static dev.imprint.scan.Severity.CRITICAL;
import static dev.imprint.scan.Severity.HIGH;
import static dev.imprint.scan.Severity.LOW;
import static dev.imprint.scan.Severity.MEDIUM;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** The AWS rules over Terraform, in catalog order. */
final class AwsRules {
  private AwsRules() {}

  private static Rule rule(String n, String title, Severity severity, Category category,
      String rationale, String remediation, String bad, String good, String... tags) {
    String[] all = new String[tags.length + 2];
    all[0] = "terraform";
    all[1] = "aws";
    System.arraycopy(tags, 0, all, 2, tags.length);
    return Rule.builder("IMP-AWS-" + n).title(title).severity(severity).category(category)
        .rationale(rationale).remediation(remediation).example(bad, good).tags(all).build();
  }

  static final Rule ACCESS_KEY = rule("001", "IAM access key created for a user", HIGH, NHI7,
      "An aws_iam_access_key is a long-lived credential: it never expires, works from anywhere "
          + "and is usually copied into CI variables, config files and laptops. Leaked keys are "
          + "the most common way AWS accounts are compromised.",
      "Give workloads a role instead: an instance profile, an ECS task role, IRSA or EKS Pod "
          + "Identity, or OIDC federation from CI (GitHub Actions, GitLab). They receive "
          + "short-lived credentials that rotate by themselves.",
      "resource \"aws_iam_access_key\" \"ci\" {\n  user = aws_iam_user.ci.name\n}",
      "resource \"aws_iam_role\" \"ci\" {\n  assume_role_policy = data.aws_iam_policy_document"
          + ".github_oidc.json\n}",
      "iam", "access-key");

  static final Rule ACCESS_KEY_NO_PGP = rule("002", "IAM access key secret stored in plain "
          + "text in the Terraform state", HIGH, NHI2,
      "Without pgp_key, the secret access key is written unencrypted to the Terraform state and "
          + "to any output that exposes it; everyone who can read the state bucket or the CI "
          + "logs holds the key.",
      "Avoid the access key altogether (use a role). If one is unavoidable, set pgp_key to a "
          + "keybase user or a base64 public key so that only the holder of the private key can "
          + "decrypt the secret, and keep the state encrypted with restricted access.",
      "resource \"aws_iam_access_key\" \"svc\" {\n  user = aws_iam_user.svc.name\n}",
      "resource \"aws_iam_access_key\" \"svc\" {\n  user    = aws_iam_user.svc.name\n"
          + "  pgp_key = \"keybase:ops\"\n}",
      "iam", "access-key", "state");

  static final Rule ROOT_KEYS = rule("003", "Root account credentials used by Terraform",
      CRITICAL, NHI10,
      "The root user cannot be limited by IAM policies or SCPs. Access keys for root, or a "
          + "provider profile that uses root credentials, give whoever holds them irrevocable "
          + "control of the whole account.",
      "Delete root access keys, protect root with MFA and use it only for the few tasks that "
          + "require it. Run Terraform with an assumed role (assume_role in the provider or OIDC "
          + "federation) scoped to what the configuration manages.",
      "provider \"aws\" {\n  profile = \"root\"\n}",
      "provider \"aws\" {\n  assume_role {\n    role_arn = var.deploy_role_arn\n  }\n}",
      "iam", "root");

  static final Rule MANY_KEYS = rule("004", "IAM user with more than one access key", MEDIUM,
      NHI7,
      "Two active keys for one user double the long-lived secrets to protect and usually mean "
          + "an old key was never retired after rotation, so a leaked old key keeps working.",
      "Keep at most one key per user during a rotation window and delete the old one; better, "
          + "replace the user's keys by a role with short-lived credentials.",
      "resource \"aws_iam_access_key\" \"a\" { user = aws_iam_user.svc.name }\n"
          + "resource \"aws_iam_access_key\" \"b\" { user = aws_iam_user.svc.name }",
      "resource \"aws_iam_access_key\" \"a\" { user = aws_iam_user.svc.name }",
      "iam", "access-key");

  static final Rule PROVIDER_KEYS = rule("005", "AWS credentials hard-coded in Terraform",
      CRITICAL, NHI2,
      "Access keys written into a provider or backend block are committed to version control, "
          + "copied with every clone and fork, and stay valid until someone revokes them.",
      "Remove the keys and revoke them. Let the provider read credentials from the environment, "
          + "a named profile, an assumed role or OIDC federation in CI; never from the code.",
      "provider \"aws\" {\n  access_key = \"AKIA...\"\n  secret_key = \"...\"\n}",
      "provider \"aws\" {\n  region = \"eu-west-1\"\n}",
      "secret", "provider");

  static final Rule LAMBDA_ENV_SECRET = rule("006", "Secret in Lambda environment variables",
      HIGH, NHI2,
      "Lambda environment variables are visible to anyone who can read the function "
          + "configuration (lambda:GetFunction), are stored in the Terraform state and in the "
          + "repository, and are not rotated.",
      "Store the value in Secrets Manager or SSM Parameter Store (SecureString) and read it at "
          + "run time with the function's role; put only the secret's name or ARN in the "
          + "environment.",
      "environment {\n  variables = { DB_PASSWORD = \"hunter2-prod\" }\n}",
      "environment {\n  variables = { DB_SECRET_ARN = aws_secretsmanager_secret.db.arn }\n}",
      "secret", "lambda");

  static final Rule USER_DATA_SECRET = rule("007", "Secret in EC2 or launch template user "
          + "data", HIGH, NHI2,
      "User data is readable by any process on the instance through the metadata service, by "
          + "anyone with ec2:DescribeInstanceAttribute, and ends up in the state and the "
          + "repository.",
      "Give the instance a role and fetch the secret at boot from Secrets Manager or SSM "
          + "Parameter Store; keep only the secret's name in the user data.",
      "user_data = <<-EOT\n  export DB_PASSWORD=s3cr3t-Value\nEOT",
      "user_data = <<-EOT\n  DB_PASSWORD=$(aws ssm get-parameter --with-decryption ...)\nEOT",
      "secret", "ec2");

  static final Rule ECS_ENV_SECRET = rule("008", "Secret in ECS task definition environment",
      HIGH, NHI2,
      "Plain environment entries of a container definition are visible to anyone who can "
          + "describe the task definition and are kept in every revision forever.",
      "Use the container definition's secrets list with valueFrom pointing to Secrets Manager or "
          + "SSM Parameter Store; the execution role injects the value at start.",
      "environment = [{ name = \"API_TOKEN\", value = \"tok-8f2a9c...\" }]",
      "secrets = [{ name = \"API_TOKEN\", valueFrom = aws_secretsmanager_secret.api.arn }]",
      "secret", "ecs");

  static final Rule SSM_TO_HTTP = rule("009", "Secret value sent to an HTTP data source",
      HIGH, NHI2,
      "A data \"http\" source that puts an SSM parameter or Secrets Manager value into its URL, "
          + "headers or body sends the secret to another host on every plan, including plans "
          + "run from forks and laptops.",
      "Do not call external endpoints with secrets during plan. Let the workload read the "
          + "secret at run time with its own role, or use a provider that authenticates itself.",
      "data \"http\" \"x\" {\n  url = \"http://hook.example/?t=${data.aws_ssm_parameter.t"
          + ".value}\"\n}",
      "data \"http\" \"x\" {\n  url = \"https://status.example/health\"\n}",
      "secret", "ssm");

  static final Rule SECRET_NO_ROTATION = rule("010", "Secrets Manager secret without rotation",
      MEDIUM, NHI7,
      "A secret that is never rotated stays valid for as long as it exists; once copied or "
          + "leaked it keeps working indefinitely.",
      "Add an aws_secretsmanager_secret_rotation with a rotation Lambda (or managed rotation for "
          + "RDS) and a schedule such as 30 days.",
      "resource \"aws_secretsmanager_secret\" \"db\" {\n  name = \"db\"\n}",
      "resource \"aws_secretsmanager_secret_rotation\" \"db\" {\n  secret_id = "
          + "aws_secretsmanager_secret.db.id\n  rotation_lambda_arn = aws_lambda_function.rot.arn"
          + "\n  rotation_rules { automatically_after_days = 30 }\n}",
      "secret", "rotation");

  static final Rule ADMIN_POLICY = rule("011", "IAM policy allows every action on every "
          + "resource", CRITICAL, NHI5,
      "Action \"*\" on Resource \"*\" makes the identity an administrator: it can read every "
          + "secret, delete every resource and create new identities to persist.",
      "Grant only the actions the workload calls, on the ARNs it uses; start from the access "
          + "that IAM Access Analyzer or CloudTrail shows it actually needs.",
      "{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }",
      "{ Effect = \"Allow\", Action = [\"s3:GetObject\"], Resource = "
          + "\"arn:aws:s3:::reports/*\" }",
      "iam", "policy");

  static final Rule SERVICE_WILDCARD = rule("012", "IAM policy allows every action of a "
          + "service", HIGH, NHI5,
      "A service-wide wildcard such as s3:* or iam:* grants today's and tomorrow's actions of "
          + "the service, including deletion and policy changes the workload never needs.",
      "List the specific actions instead (s3:GetObject, s3:PutObject) and scope them to the "
          + "resources the workload uses.",
      "Action = \"s3:*\"", "Action = [\"s3:GetObject\", \"s3:PutObject\"]",
      "iam", "policy");

  static final Rule RESOURCE_STAR = rule("013", "IAM policy grants resource-scopable actions "
          + "on every resource", MEDIUM, NHI5,
      "These actions support resource-level permissions, yet the statement grants them on "
          + "\"*\", so the identity can use them on every bucket, queue or table of the account, "
          + "including ones created later.",
      "Replace Resource \"*\" by the ARNs (or ARN patterns) of the resources the workload uses.",
      "{ Action = [\"sqs:SendMessage\"], Resource = \"*\" }",
      "{ Action = [\"sqs:SendMessage\"], Resource = aws_sqs_queue.jobs.arn }",
      "iam", "policy");

  static final Rule ADMIN_ATTACHMENT = rule("014", "Administrator managed policy attached",
      CRITICAL, NHI5,
      "AdministratorAccess, PowerUserAccess and IAMFullAccess give an identity (nearly) full "
          + "control of the account; with IAMFullAccess it can grant itself everything else.",
      "Attach a customer managed policy with only the needed actions, or an AWS job-function "
          + "policy far narrower than administrator, and use permission boundaries for roles "
          + "that create roles.",
      "policy_arn = \"arn:aws:iam::aws:policy/AdministratorAccess\"",
      "policy_arn = aws_iam_policy.deploy_app.arn",
      "iam", "policy");

  static final Rule ESCALATION = rule("015", "IAM policy allows privilege escalation", HIGH,
      NHI5,
      "Some actions let an identity give itself more rights: a new policy version, attaching "
          + "a policy to itself, or passing a privileged role to a compute service it controls. "
          + "Anyone who takes over the identity becomes an administrator.",
      "Remove the escalating actions or scope them to specific resources with conditions "
          + "(iam:PassedToService, a permissions boundary, resource ARNs that exclude the "
          + "identity itself).",
      "Action = [\"iam:PassRole\", \"ec2:RunInstances\"]\nResource = \"*\"",
      "Action = [\"iam:PassRole\"]\nResource = aws_iam_role.app.arn",
      "iam", "policy", "privilege-escalation");

  static final Rule CREDENTIAL_EXPOSURE = rule("016", "IAM policy allows credential exposure",
      HIGH, NHI5,
      "Actions such as iam:CreateAccessKey, sts:GetSessionToken or reading every secret and "
          + "parameter let the identity mint or read credentials of other identities.",
      "Grant secret reads only on the secrets the workload owns, and create keys or tokens "
          + "only for the caller itself (Resource with ${aws:username}).",
      "{ Action = \"secretsmanager:GetSecretValue\", Resource = \"*\" }",
      "{ Action = \"secretsmanager:GetSecretValue\", Resource = "
          + "aws_secretsmanager_secret.db.arn }",
      "iam", "policy");

  static final Rule DATA_EXFILTRATION = rule("017", "IAM policy allows reading data on every "
          + "resource without conditions", HIGH, NHI5,
      "Reading object contents, items, messages or decrypting on every resource lets a stolen "
          + "identity copy all data of the account, not only its own.",
      "Scope data reads to the buckets, tables and keys the workload uses, or add conditions "
          + "such as aws:ResourceAccount or aws:ResourceTag.",
      "{ Action = \"s3:GetObject\", Resource = \"*\" }",
      "{ Action = \"s3:GetObject\", Resource = \"${aws_s3_bucket.reports.arn}/*\" }",
      "iam", "policy", "data");

  static final Rule PERMISSIONS_MGMT = rule("018", "IAM policy allows permissions management "
          + "without constraints", HIGH, NHI5,
      "Changing bucket policies, key policies, grants or IAM policies on every resource lets "
          + "the identity open any resource to anyone or to itself.",
      "Limit permission-changing actions to the specific resources that need them and to "
          + "dedicated administration roles, guarded with conditions.",
      "{ Action = \"s3:PutBucketPolicy\", Resource = \"*\" }",
      "{ Action = \"s3:PutBucketPolicy\", Resource = aws_s3_bucket.site.arn }",
      "iam", "policy");

  static final Rule WRITE_STAR = rule("019", "IAM policy allows write actions without "
          + "constraints", MEDIUM, NHI5,
      "Write actions on every resource without conditions let a stolen identity change or "
          + "delete any resource of that type in the account.",
      "Scope write actions to the ARNs the workload owns, or constrain them with conditions "
          + "such as aws:ResourceTag.",
      "{ Action = \"dynamodb:PutItem\", Resource = \"*\" }",
      "{ Action = \"dynamodb:PutItem\", Resource = aws_dynamodb_table.jobs.arn }",
      "iam", "policy");

  static final Rule TRUST_EVERYONE = rule("020", "Role trust policy allows every principal",
      CRITICAL, NHI5,
      "A trust policy with Principal \"*\" lets any AWS identity in any account assume the "
          + "role unless a condition narrows it.",
      "Name the exact principals (a role ARN, a service) in the trust policy, or add an "
          + "aws:PrincipalOrgID condition.",
      "principals { type = \"AWS\"\n  identifiers = [\"*\"] }",
      "principals { type = \"Service\"\n  identifiers = [\"lambda.amazonaws.com\"] }",
      "iam", "trust");

  static final Rule CROSS_ACCOUNT = rule("021", "Cross-account role trust without ExternalId "
          + "or MFA", HIGH, NHI4,
      "Trusting another account's principals without sts:ExternalId exposes the role to the "
          + "confused-deputy problem; without MFA any credential of that account works.",
      "Add a condition on sts:ExternalId (for vendors) or aws:MultiFactorAuthPresent (for "
          + "people), or restrict to the organisation with aws:PrincipalOrgID.",
      "principals { type = \"AWS\"\n  identifiers = [\"arn:aws:iam::444455556666:root\"] }",
      "condition {\n  test = \"StringEquals\"\n  variable = \"sts:ExternalId\"\n"
          + "  values = [var.external_id]\n}",
      "iam", "trust");

  static final Rule ASSUME_ANY = rule("022", "IAM policy allows sts:AssumeRole on every role",
      HIGH, NHI5,
      "sts:AssumeRole on \"*\" lets the identity become any role that trusts the account, "
          + "which often includes administrator roles.",
      "List the role ARNs the workload must assume.",
      "{ Action = \"sts:AssumeRole\", Resource = \"*\" }",
      "{ Action = \"sts:AssumeRole\", Resource = aws_iam_role.reader.arn }",
      "iam", "policy");

  static final Rule GITHUB_OIDC = rule("023", "OIDC federation trust without a subject "
          + "restriction", CRITICAL, NHI5,
      "A role that trusts an OIDC issuer without a condition on the issuer's sub claim can be "
          + "assumed with any token that issuer signs: for GitHub Actions, GitLab.com and "
          + "Terraform Cloud that is every workflow, pipeline or run of every customer "
          + "(critical); for an EKS cluster's provider every service account in the cluster and "
          + "for a self-managed issuer every identity it knows (high); for Cognito identity "
          + "pools without an aud condition any pool of any account. A wildcard in the tenant "
          + "part of the subject ('repo:*', 'project_path:*', 'organization:*', "
          + "'system:serviceaccount:*') is the same. A subject open to one whole tenant "
          + "('repo:acme/*', 'system:serviceaccount:apps:*') lets every repository, workspace "
          + "or service account of that owner or namespace in and is reported as medium. The "
          + "aud claim alone is no restriction: STS already checks it against the provider's "
          + "client ID list. A web identity statement of an aws_iam_policy_document is judged "
          + "where it is written even when the role using it is in another module; when the "
          + "issuer is only a reference, the subject values' grammar (system:serviceaccount:, "
          + "repo:) tells what a wildcard admits; a condition whose claim an input names "
          + "(\"${var.claim}\") may be the subject condition and counts as one.",
      "Add a StringEquals (or StringLike without a wildcard in the owner or namespace) "
          + "condition on the issuer's sub claim naming the subject: "
          + "repo:OWNER/REPO:ref:refs/heads/main or :environment:prod for GitHub, "
          + "project_path:GROUP/PROJECT:ref_type:branch:ref:main for GitLab, "
          + "organization:ORG:project:P:workspace:W:run_phase:apply for Terraform Cloud, "
          + "system:serviceaccount:NAMESPACE:NAME for EKS; and cognito-identity.amazonaws.com:aud "
          + "naming the identity pool for Cognito.",
      "condition {\n  test = \"StringEquals\"\n  variable = "
          + "\"token.actions.githubusercontent.com:aud\"\n  values = [\"sts.amazonaws.com\"]\n}",
      "condition {\n  test = \"StringEquals\"\n  variable = "
          + "\"token.actions.githubusercontent.com:sub\"\n  values = "
          + "[\"repo:acme/deploy:ref:refs/heads/main\"]\n}",
      "iam", "trust", "oidc", "github", "gitlab", "eks", "federation");

  static final Rule PASS_ANY = rule("024", "IAM policy allows iam:PassRole on every role", HIGH,
      NHI5,
      "iam:PassRole on \"*\" lets the identity hand any role, including administrator roles, "
          + "to a compute service it controls.",
      "Scope iam:PassRole to the specific role ARNs and add an iam:PassedToService condition.",
      "{ Action = \"iam:PassRole\", Resource = \"*\" }",
      "{ Action = \"iam:PassRole\", Resource = aws_iam_role.task.arn }",
      "iam", "policy", "privilege-escalation");

  static final Rule USER_POLICY = rule("025", "IAM policy attached directly to a user", LOW,
      NHI5,
      "Policies attached to individual users are hard to review and tend to accumulate; "
          + "permissions should come from roles or groups.",
      "Attach policies to a role (for workloads) or a group (for people).",
      "resource \"aws_iam_user_policy_attachment\" \"x\" { user = aws_iam_user.svc.name ... }",
      "resource \"aws_iam_role_policy_attachment\" \"x\" { role = aws_iam_role.svc.name ... }",
      "iam");

  static final Rule IAM_USER = rule("026", "IAM user defined", MEDIUM, NHI7,
      "IAM users carry long-lived passwords or keys. Workloads should use roles; people should "
          + "sign in through IAM Identity Center.",
      "Replace the user by a role assumed by the workload (instance profile, task role, OIDC "
          + "federation) or by Identity Center for people.",
      "resource \"aws_iam_user\" \"deploy\" {\n  name = \"deploy\"\n}",
      "resource \"aws_iam_role\" \"deploy\" {\n  assume_role_policy = ...\n}",
      "iam");

  static final Rule LOGIN_PROFILE = rule("027", "IAM user with a console login profile", MEDIUM,
      NHI10,
      "A console password on a user means a human signs in with it, or a machine identity has "
          + "a password nobody rotates; both blur who did what.",
      "Keep machine identities API-only; give people Identity Center access.",
      "resource \"aws_iam_user_login_profile\" \"svc\" { user = aws_iam_user.svc.name }",
      "# no login profile for machine users",
      "iam");

  static final Rule NO_INSTANCE_PROFILE = rule("028", "EC2 instance without an instance "
          + "profile", LOW, NHI2,
      "An instance without a role has no workload identity, so software on it is usually "
          + "given static keys instead.",
      "Attach an instance profile with a narrowly scoped role and let the SDKs use it.",
      "resource \"aws_instance\" \"app\" {\n  ami = var.ami\n}",
      "resource \"aws_instance\" \"app\" {\n  ami = var.ami\n  iam_instance_profile = "
          + "aws_iam_instance_profile.app.name\n}",
      "ec2");

  static final Rule IMDSV1 = rule("029", "Instance metadata service v1 allowed", HIGH, NHI6,
      "IMDSv1 answers plain GET requests, so an SSRF in any application on the instance hands "
          + "the role's credentials to the attacker.",
      "Set metadata_options { http_tokens = \"required\" } to enforce IMDSv2.",
      "metadata_options {\n  http_tokens = \"optional\"\n}",
      "metadata_options {\n  http_tokens = \"required\"\n}",
      "ec2", "imds");

  static final Rule IMDS_HOPS = rule("030", "Instance metadata reachable through more than "
          + "one network hop", MEDIUM, NHI6,
      "A hop limit above 1 lets containers and forwarded traffic on the instance reach the "
          + "metadata service and take the instance role's credentials.",
      "Set http_put_response_hop_limit = 1 (2 only when containers genuinely need the instance "
          + "role and no pod identity is available).",
      "metadata_options {\n  http_put_response_hop_limit = 3\n}",
      "metadata_options {\n  http_put_response_hop_limit = 1\n}",
      "ec2", "imds");

  static final Rule WORKLOAD_ADMIN = rule("031", "Lambda or ECS role with administrator "
          + "rights", HIGH, NHI5,
      "A function or task whose role is an administrator turns any code-execution bug into "
          + "control of the account.",
      "Give each function or task its own role with only the actions it calls.",
      "role = aws_iam_role.admin.arn  # role has AdministratorAccess",
      "role = aws_iam_role.orders_reader.arn",
      "iam", "lambda", "ecs");

  static final Rule ECS_SAME_ROLE = rule("032", "ECS task role is the execution role", MEDIUM,
      NHI9,
      "The execution role pulls images and reads secrets for the agent; using it as the task "
          + "role gives the application those rights too, and one identity serves two purposes.",
      "Use separate roles: an execution role for the agent, a task role with what the "
          + "application needs.",
      "execution_role_arn = aws_iam_role.ecs.arn\ntask_role_arn = aws_iam_role.ecs.arn",
      "execution_role_arn = aws_iam_role.exec.arn\ntask_role_arn = aws_iam_role.app.arn",
      "iam", "ecs");

  static final Rule KMS_POLICY = rule("033", "KMS key policy with a wildcard principal or "
          + "every action delegated", HIGH, NHI5,
      "A key policy that allows \"*\" lets any principal use or manage the key; kms:* given to "
          + "a role includes key deletion and policy changes.",
      "Name the principals, grant only the needed kms: actions, and keep kms:* for the account "
          + "root statement that enables IAM policies.",
      "principals { type = \"AWS\"\n  identifiers = [\"*\"] }",
      "principals { type = \"AWS\"\n  identifiers = [aws_iam_role.app.arn] }",
      "kms");

  static final Rule PUBLIC_RESOURCE_POLICY = rule("034", "Resource policy allows every "
          + "principal", HIGH, NHI5,
      "A bucket, queue, topic, function, repository or secret whose policy allows \"*\" can "
          + "be used by anyone on the internet or in any account.",
      "Name the principals that need access, or add aws:SourceArn / aws:SourceAccount / "
          + "aws:PrincipalOrgID conditions.",
      "Principal = \"*\"", "Principal = { AWS = aws_iam_role.reader.arn }",
      "resource-policy");

  static final Rule SG_SSH = rule("035", "Security group allows SSH from the internet", HIGH,
      SEGMENTATION,
      "Port 22 open to 0.0.0.0/0 or ::/0 is scanned constantly and invites credential "
          + "brute-forcing against every instance in the group.",
      "Use SSM Session Manager or EC2 Instance Connect Endpoint, or restrict the CIDR to a "
          + "bastion or VPN range.",
      "from_port = 22\nto_port = 22\ncidr_blocks = [\"0.0.0.0/0\"]",
      "from_port = 22\nto_port = 22\ncidr_blocks = [\"10.20.0.0/16\"]",
      "network", "security-group");

  static final Rule SG_RDP = rule("036", "Security group allows RDP from the internet", HIGH,
      SEGMENTATION,
      "Port 3389 open to the internet exposes Windows logins to brute force and RDP exploits.",
      "Use Session Manager or Fleet Manager, or restrict the CIDR to a VPN range.",
      "from_port = 3389\nto_port = 3389\ncidr_blocks = [\"0.0.0.0/0\"]",
      "from_port = 3389\nto_port = 3389\ncidr_blocks = [\"10.20.0.0/16\"]",
      "network", "security-group");

  static final Rule SG_ALL_PORTS = rule("037", "Security group allows all ports from the "
          + "internet", CRITICAL, SEGMENTATION,
      "All ports open to 0.0.0.0/0 exposes every service on the instances, including ones "
          + "that were never meant to be reachable.",
      "Open only the ports the service listens on, to the sources that need them (a load "
          + "balancer's security group, a VPN range).",
      "protocol = \"-1\"\ncidr_blocks = [\"0.0.0.0/0\"]",
      "protocol = \"tcp\"\nfrom_port = 443\nto_port = 443\nsecurity_groups = [aws_security_group"
          + ".alb.id]",
      "network", "security-group");

  static final Rule SG_EGRESS_ALL = rule("038", "Security group allows all egress to the "
          + "internet", LOW, SEGMENTATION,
      "Unrestricted egress lets a compromised workload send stolen credentials and data "
          + "anywhere and fetch tooling.",
      "Allow egress only to the destinations and ports needed (VPC endpoints, a proxy, specific "
          + "CIDRs).",
      "egress {\n  protocol = \"-1\"\n  cidr_blocks = [\"0.0.0.0/0\"]\n}",
      "egress {\n  protocol = \"tcp\"\n  from_port = 443\n  to_port = 443\n  prefix_list_ids = "
          + "[aws_vpc_endpoint.s3.prefix_list_id]\n}",
      "network", "security-group");

  static final Rule SG_SENSITIVE_PORT = rule("039", "Security group exposes a database or "
          + "admin port to the internet", HIGH, SEGMENTATION,
      "Databases, caches, search engines and container daemons (3306, 5432, 6379, 27017, 9200, "
          + "2375, 11211, ...) open to the internet are found by scanners within minutes and "
          + "often accept weak or no authentication.",
      "Keep data stores in private subnets and allow only the application's security group.",
      "from_port = 5432\nto_port = 5432\ncidr_blocks = [\"0.0.0.0/0\"]",
      "from_port = 5432\nto_port = 5432\nsecurity_groups = [aws_security_group.app.id]",
      "network", "security-group");

  static final Rule DEFAULT_SG = rule("040", "Default security group does not restrict all "
          + "traffic", MEDIUM, SEGMENTATION,
      "Resources launched without a security group land in the VPC's default group; any rule "
          + "in it silently applies to them.",
      "Manage aws_default_security_group with no ingress and no egress blocks so that it "
          + "denies everything.",
      "resource \"aws_default_security_group\" \"d\" {\n  ingress { ... }\n}",
      "resource \"aws_default_security_group\" \"d\" {\n  vpc_id = aws_vpc.main.id\n}",
      "network", "security-group");

  static final Rule NACL_OPEN = rule("041", "Network ACL allows administration ports or all "
          + "traffic from the internet", MEDIUM, SEGMENTATION,
      "A NACL allowing 0.0.0.0/0 on 22, 3389, 20/21 or every port removes the subnet-level "
          + "safety net under the security groups.",
      "Allow only the ports the subnet serves and deny administration ports from the internet.",
      "ingress {\n  action = \"allow\"\n  protocol = \"-1\"\n  cidr_block = \"0.0.0.0/0\"\n}",
      "ingress {\n  action = \"allow\"\n  protocol = \"tcp\"\n  from_port = 443\n  to_port = 443"
          + "\n  cidr_block = \"0.0.0.0/0\"\n}",
      "network", "nacl");

  static final Rule PUBLIC_IP = rule("042", "Public IP assigned to instances", MEDIUM,
      SEGMENTATION,
      "A public IP makes the instance directly reachable from the internet, bypassing load "
          + "balancers and leaving only the security group between it and attackers.",
      "Launch instances in private subnets without public IPs; expose services through a load "
          + "balancer and reach instances with Session Manager.",
      "associate_public_ip_address = true", "associate_public_ip_address = false",
      "network", "ec2");

  static final Rule EKS_PUBLIC = rule("043", "EKS API endpoint public to the internet", HIGH,
      SEGMENTATION,
      "A public Kubernetes API endpoint open to 0.0.0.0/0 lets anyone try stolen tokens and "
          + "exploit API server vulnerabilities.",
      "Set endpoint_public_access = false, or restrict public_access_cidrs to your office and "
          + "CI ranges.",
      "vpc_config {\n  endpoint_public_access = true\n}",
      "vpc_config {\n  endpoint_public_access = false\n  endpoint_private_access = true\n}",
      "network", "eks");

  static final Rule SG_UNUSED = rule("044", "Security group is never attached", LOW, NHI1,
      "A security group that nothing references is drift: it may have been left behind by a "
          + "removed workload, or someone attaches it later without review.",
      "Delete the unused group, or reference it from the instance, load balancer or ENI that "
          + "needs it.",
      "resource \"aws_security_group\" \"old\" { ... }  # referenced nowhere",
      "vpc_security_group_ids = [aws_security_group.app.id]",
      "network", "security-group");

  static final Rule AMI_NO_OWNER = rule("045", "AMI data source without owners", HIGH,
      IMMUTABILITY,
      "Without owners, the most recent AMI matching a name filter can come from any account, "
          + "so a look-alike public image can replace your base image.",
      "Set owners to your account or the publisher's account id (for example amazon or "
          + "099720109477 for Canonical).",
      "data \"aws_ami\" \"base\" {\n  most_recent = true\n  filter { ... }\n}",
      "data \"aws_ami\" \"base\" {\n  most_recent = true\n  owners = [\"099720109477\"]\n}",
      "ec2", "ami", "supply-chain");

  static final Rule DB_NO_IAM_AUTH = rule("046", "Database without IAM authentication", LOW,
      NHI4,
      "Without IAM database authentication, applications connect with static passwords that "
          + "are shared, stored and rarely rotated.",
      "Set iam_database_authentication_enabled = true and let workloads connect with "
          + "short-lived IAM auth tokens from their role.",
      "resource \"aws_db_instance\" \"db\" {\n  engine = \"postgres\"\n}",
      "resource \"aws_db_instance\" \"db\" {\n  engine = \"postgres\"\n"
          + "  iam_database_authentication_enabled = true\n}",
      "rds", "database");

  static final Rule DB_PUBLIC = rule("047", "Database publicly accessible", HIGH,
      SEGMENTATION,
      "publicly_accessible = true gives an RDS, Aurora, Neptune or Redshift instance a public "
          + "DNS name and address: with a permissive security group its port is reachable from "
          + "the internet, where database ports are scanned and brute-forced within minutes, "
          + "and its only defence is the password.",
      "Keep databases in private subnets with publicly_accessible = false (the default) and "
          + "reach them from the application's network, a bastion with Session Manager or a "
          + "VPN.",
      "resource \"aws_db_instance\" \"db\" {\n  engine              = \"postgres\"\n"
          + "  publicly_accessible = true\n}",
      "resource \"aws_db_instance\" \"db\" {\n  engine              = \"postgres\"\n"
          + "  publicly_accessible = false\n}",
      "rds", "database", "network");

  static final Rule ECR_MUTABLE = rule("048", "ECR repository lets image tags be overwritten",
      MEDIUM, IMMUTABILITY,
      "With image_tag_mutability MUTABLE (the provider's default when it is not set) anyone who "
          + "can push can replace the image behind an existing tag such as v1.4.2: a deployment "
          + "that names the tag then runs other code than was reviewed, scanned and approved, "
          + "and a rollback to that tag is no rollback.",
      "Set image_tag_mutability = \"IMMUTABLE\" (IMMUTABLE_WITH_EXCLUSION to keep a few "
          + "mutable tags such as latest) and deploy by digest.",
      "resource \"aws_ecr_repository\" \"app\" {\n  name = \"app\"\n}",
      "resource \"aws_ecr_repository\" \"app\" {\n  name                 = \"app\"\n"
          + "  image_tag_mutability = \"IMMUTABLE\"\n}",
      "ecr", "registry");

  static final Rule SG_INTERNET_INGRESS = rule("049", "Security group allows ingress from the "
          + "internet", LOW, SEGMENTATION,
      "Every port open to 0.0.0.0/0 or ::/0 is attack surface that anyone can probe. A public "
          + "load balancer or web server on 80/443 is a deliberate exception, which is why this "
          + "is low; ports that are not known statically and unusual ports deserve a look. "
          + "SSH, RDP, all ports and database or admin ports have their own, higher-severity "
          + "rules.",
      "Open the port only to the sources that need it (a load balancer's security group, a "
          + "CDN's managed prefix list, a VPN range). If the port is meant to be public, keep "
          + "it and suppress the finding with a reason.",
      "ingress {\n  protocol    = \"tcp\"\n  from_port   = 8443\n  to_port     = 8443\n"
          + "  cidr_blocks = [\"0.0.0.0/0\"]\n}",
      "ingress {\n  protocol        = \"tcp\"\n  from_port       = 8443\n  to_port         = "
          + "8443\n  security_groups = [aws_security_group.alb.id]\n}",
      "network", "security-group");

  static final List<Rule> ALL = List.of(ACCESS_KEY, ACCESS_KEY_NO_PGP, ROOT_KEYS, MANY_KEYS,
      PROVIDER_KEYS, LAMBDA_ENV_SECRET, USER_DATA_SECRET, ECS_ENV_SECRET, SSM_TO_HTTP,
      SECRET_NO_ROTATION, ADMIN_POLICY, SERVICE_WILDCARD, RESOURCE_STAR, ADMIN_ATTACHMENT,
      ESCALATION, CREDENTIAL_EXPOSURE, DATA_EXFILTRATION, PERMISSIONS_MGMT, WRITE_STAR,
      TRUST_EVERYONE, CROSS_ACCOUNT, ASSUME_ANY, GITHUB_OIDC, PASS_ANY, USER_POLICY, IAM_USER,
      LOGIN_PROFILE, NO_INSTANCE_PROFILE, IMDSV1, IMDS_HOPS, WORKLOAD_ADMIN, ECS_SAME_ROLE,
      KMS_POLICY, PUBLIC_RESOURCE_POLICY, SG_SSH, SG_RDP, SG_ALL_PORTS, SG_EGRESS_ALL,
      SG_SENSITIVE_PORT, DEFAULT_SG, NACL_OPEN, PUBLIC_IP, EKS_PUBLIC, SG_UNUSED, AMI_NO_OWNER,
      DB_NO_IAM_AUTH, DB_PUBLIC, ECR_MUTABLE, SG_INTERNET_INGRESS);
}
