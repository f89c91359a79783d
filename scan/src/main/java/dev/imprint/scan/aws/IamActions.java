package dev.imprint.scan.aws;

import java.util.List;
import java.util.Locale;

/**
 * What IAM actions mean for risk: wildcard matching with IAM's case-insensitive {@code *} and
 * {@code ?}, and Imprint's own lists of actions that escalate privileges, expose credentials,
 * read data, manage permissions or write, written from the AWS service authorization reference.
 */
final class IamActions {
  private IamActions() {}

  /** Longest action pattern considered; IAM actions are far shorter. */
  private static final int MAX_PATTERN = 256;

  /** Actions that return or mint credentials, or open a session with someone's identity. */
  static final List<String> CREDENTIAL_EXPOSURE = List.of(
      "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile",
      "iam:UpdateLoginProfile", "iam:CreateServiceSpecificCredential",
      "iam:ResetServiceSpecificCredential", "iam:UploadSSHPublicKey",
      "sts:GetSessionToken", "sts:GetFederationToken", "ecr:GetAuthorizationToken",
      "ecr-public:GetAuthorizationToken", "codeartifact:GetAuthorizationToken",
      "redshift:GetClusterCredentials", "redshift:GetClusterCredentialsWithIAM",
      "redshift-serverless:GetCredentials", "ec2:GetPasswordData",
      "ec2-instance-connect:SendSSHPublicKey", "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
      "lightsail:GetInstanceAccessDetails", "lightsail:DownloadDefaultKeyPair",
      "lightsail:GetRelationalDatabaseMasterUserPassword", "cognito-identity:GetCredentialsForIdentity",
      "sso:GetRoleCredentials", "appsync:CreateApiKey", "iot:CreateKeysAndCertificate",
      "gamelift:RequestUploadCredentials", "gamelift:GetInstanceAccess",
      "mediapackage:RotateChannelCredentials", "mediapackage:RotateIngestEndpointCredentials",
      "chime:CreateApiKey", "cloud9:CreateEnvironmentSSH", "ssm:StartSession");

  /** Reading these on every resource hands over every secret or parameter of the account. */
  static final List<String> SECRET_READS = List.of(
      "secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue",
      "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
      "ssm:GetParameterHistory");

  /** Actions that return data content rather than metadata. */
  static final List<String> DATA_READS = List.of(
      "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTorrent", "s3:GetObjectVersionTorrent",
      "secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue",
      "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
      "ssm:GetParameterHistory", "kms:Decrypt", "dynamodb:GetItem", "dynamodb:BatchGetItem",
      "dynamodb:Query", "dynamodb:Scan", "dynamodb:ExportTableToPointInTime",
      "dynamodb:GetRecords", "sqs:ReceiveMessage", "kinesis:GetRecords",
      "rds:DownloadDBLogFilePortion", "rds:DownloadCompleteDBLogFile", "logs:GetLogEvents",
      "logs:FilterLogEvents", "logs:GetQueryResults", "ec2:GetConsoleOutput",
      "ec2:GetPasswordData", "ebs:GetSnapshotBlock", "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer", "lambda:GetFunction", "athena:GetQueryResults",
      "codecommit:GitPull", "codecommit:GetBlob", "glue:GetConnection", "glue:GetConnections",
      "redshift-data:GetStatementResult", "rds-data:ExecuteStatement",
      "elasticfilesystem:ClientMount", "backup:GetRecoveryPointRestoreMetadata",
      "s3:GetObjectAcl", "es:ESHttpGet", "timestream:Select", "qldb:SendCommand");

  /** Actions that change who may do what (AWS's "Permissions management" access level). */
  static final List<String> PERMISSIONS_MANAGEMENT = List.of(
      "iam:AddUserToGroup", "iam:RemoveUserFromGroup", "iam:AttachGroupPolicy",
      "iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:DetachGroupPolicy",
      "iam:DetachRolePolicy", "iam:DetachUserPolicy", "iam:CreatePolicy",
      "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
      "iam:SetDefaultPolicyVersion", "iam:PutGroupPolicy", "iam:PutRolePolicy",
      "iam:PutUserPolicy", "iam:DeleteGroupPolicy", "iam:DeleteRolePolicy",
      "iam:DeleteUserPolicy", "iam:PutRolePermissionsBoundary",
      "iam:PutUserPermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
      "iam:DeleteUserPermissionsBoundary", "iam:UpdateAssumeRolePolicy",
      "iam:CreateRole", "iam:CreateUser", "iam:CreateGroup", "iam:PassRole",
      "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutObjectAcl",
      "s3:PutObjectVersionAcl", "s3:PutAccessPointPolicy", "s3:PutBucketPublicAccessBlock",
      "s3:PutAccountPublicAccessBlock", "s3:PutBucketOwnershipControls",
      "kms:PutKeyPolicy", "kms:CreateGrant", "kms:RevokeGrant", "kms:RetireGrant",
      "lambda:AddPermission", "lambda:RemovePermission", "lambda:AddLayerVersionPermission",
      "sqs:AddPermission", "sqs:RemovePermission", "sns:AddPermission", "sns:RemovePermission",
      "ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy", "ecr:PutRegistryPolicy",
      "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy",
      "glacier:SetVaultAccessPolicy", "ec2:ModifySnapshotAttribute", "ec2:ModifyImageAttribute",
      "organizations:AttachPolicy", "organizations:DetachPolicy",
      "sso:AttachManagedPolicyToPermissionSet", "sso:PutInlinePolicyToPermissionSet",
      "sso:CreateAccountAssignment", "logs:PutResourcePolicy", "events:PutPermission",
      "apigateway:UpdateRestApiPolicy", "es:UpdateElasticsearchDomainConfig",
      "backup:PutBackupVaultAccessPolicy", "efs:PutFileSystemPolicy",
      "elasticfilesystem:PutFileSystemPolicy", "ram:CreateResourceShare",
      "ram:AssociateResourceShare");

  /**
   * Name patterns that manage permissions in any service (a concrete action is checked against
   * them as well as against the explicit list, so new services are covered too).
   */
  private static final List<String> PERMISSIONS_MANAGEMENT_SHAPES = List.of(
      "*:Put*Policy", "*:Attach*Policy", "*:Detach*Policy", "*:Delete*Policy",
      "*:Set*Policy", "*:AddPermission*", "*:RemovePermission*", "*:Put*Acl",
      "*:Update*Policy", "*:PutPermission*", "*:CreateGrant");

  /** Leading verbs of actions that change state. */
  private static final List<String> WRITE_VERBS = List.of(
      "Put", "Create", "Delete", "Update", "Attach", "Detach", "Modify", "Set", "Add", "Remove",
      "Run", "Start", "Stop", "Terminate", "Reboot", "Invoke", "Publish", "Send", "Restore",
      "Copy", "Upload", "Replace", "Enable", "Disable", "Associate", "Disassociate",
      "Register", "Deregister", "Import", "Export", "Reset", "Change", "Revoke", "Authorize",
      "Cancel", "Execute", "Apply", "Promote", "Rotate", "Purge", "Abort", "Complete",
      "Restart", "Accept", "Reject", "Tag", "Untag", "Batch", "Write", "Pass", "Encrypt",
      "ReEncrypt", "Generate", "Sign", "Schedule", "Initiate", "Allocate", "Release",
      "Increase", "Decrease", "Move", "Rename", "Merge", "Post", "Push", "Submit", "Flush",
      "Restore", "Resume", "Suspend", "Transfer", "Assume");

  /**
   * Actions that cannot be limited to a resource ARN: {@code Resource: "*"} is the only option,
   * so naming them on {@code *} is not a scoping mistake.
   */
  private static final List<String> UNSCOPABLE = List.of(
      "ec2:Describe*", "autoscaling:Describe*", "elasticloadbalancing:Describe*",
      "cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics",
      "cloudwatch:ListMetrics", "cloudwatch:Describe*", "xray:PutTraceSegments",
      "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
      "xray:GetSamplingStatisticSummaries", "sts:GetCallerIdentity", "s3:ListAllMyBuckets",
      "ecr:GetAuthorizationToken", "ecr-public:GetAuthorizationToken",
      "logs:DescribeLogGroups", "logs:DescribeDestinations", "logs:DescribeExportTasks",
      "logs:DescribeQueryDefinitions", "logs:DescribeResourcePolicies",
      "kms:CreateKey", "kms:ListKeys", "kms:ListAliases", "kms:GenerateRandom",
      "secretsmanager:ListSecrets", "secretsmanager:GetRandomPassword",
      "ssm:DescribeParameters", "sqs:ListQueues", "sns:ListTopics", "sns:ListSubscriptions",
      "lambda:ListFunctions", "lambda:ListLayers", "lambda:GetAccountSettings",
      "dynamodb:ListTables", "dynamodb:DescribeLimits", "iam:ListRoles", "iam:ListUsers",
      "iam:ListPolicies", "iam:ListGroups", "iam:GetAccountSummary",
      "iam:GetAccountPasswordPolicy", "iam:ListAccountAliases", "tag:GetResources",
      "tag:GetTagKeys", "tag:GetTagValues", "rds:Describe*", "ecs:ListClusters",
      "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "ecs:RegisterTaskDefinition",
      "ecs:DeregisterTaskDefinition", "ecs:CreateCluster", "eks:ListClusters",
      "cloudformation:ListStacks", "cloudformation:DescribeStacks", "route53:ListHostedZones",
      "route53:GetChange", "acm:ListCertificates", "ssm:DescribeInstanceInformation",
      "ssmmessages:*", "ec2messages:*", "kinesis:ListStreams", "es:ListDomainNames",
      "elasticfilesystem:DescribeFileSystems", "glue:GetDatabases", "athena:ListWorkGroups",
      "organizations:Describe*", "organizations:List*", "support:*", "health:Describe*",
      "pricing:*", "ce:*", "budgets:ViewBudget", "trustedadvisor:Describe*",
      "servicequotas:Get*", "servicequotas:List*", "access-analyzer:ValidatePolicy");

  /**
   * IAM wildcard matching: {@code *} matches any run of characters, {@code ?} one character,
   * case-insensitively. Linear-time greedy matching with one backtrack point, so hostile
   * patterns cannot blow up.
   */
  static boolean matches(String pattern, String action) {
    if (pattern == null || action == null || pattern.length() > MAX_PATTERN) {
      return false;
    }
    String p = pattern.trim().toLowerCase(Locale.ROOT);
    String s = action.trim().toLowerCase(Locale.ROOT);
    int pi = 0;
    int si = 0;
    int star = -1;
    int mark = 0;
    while (si < s.length()) {
      if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
        pi++;
        si++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = si;
      } else if (star >= 0) {
        pi = star + 1;
        si = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  static boolean anyMatches(List<String> patterns, String action) {
    for (String p : patterns) {
      if (matches(p, action)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a pattern is {@code *} (every action of every service). */
  static boolean isEverything(String pattern) {
    String p = pattern.trim();
    return !p.isEmpty() && p.chars().allMatch(c -> c == '*');
  }

  /** The service prefix of a pattern such as {@code s3:*}, when the pattern is exactly that. */
  static String serviceWildcard(String pattern) {
    String p = pattern.trim();
    int colon = p.indexOf(':');
    if (colon <= 0 || colon != p.lastIndexOf(':')) {
      return null;
    }
    String service = p.substring(0, colon);
    String rest = p.substring(colon + 1);
    if (service.contains("*") || service.contains("?") || !isEverything(rest)) {
      return null;
    }
    return service.toLowerCase(Locale.ROOT);
  }

  /** Whether a resource element means every resource. */
  static boolean isAllResources(String resource) {
    String r = resource.trim();
    if (isEverything(r)) {
      return true;
    }
    if (!r.startsWith("arn:")) {
      return false;
    }
    String[] parts = r.split(":", 6);
    return parts.length == 6 && isEverything(parts[5]);
  }

  /** Whether a concrete action name (no wildcard) has the shape of a permissions change. */
  static boolean looksLikePermissionsManagement(String action) {
    return anyMatches(PERMISSIONS_MANAGEMENT, action)
        || anyMatches(PERMISSIONS_MANAGEMENT_SHAPES, action);
  }

  /**
   * Whether a pattern may name a state-changing action: its name part starts (or may start,
   * through a wildcard) with a write verb.
   */
  static boolean mayWrite(String pattern) {
    String p = pattern.trim();
    int colon = p.indexOf(':');
    String name = colon < 0 ? p : p.substring(colon + 1);
    if (colon < 0 && !isEverything(p)) {
      return false;
    }
    for (String verb : WRITE_VERBS) {
      if (mayStartWith(name, verb)) {
        return true;
      }
    }
    return false;
  }

  /** Whether some string matched by the wildcard pattern starts with the prefix. */
  static boolean mayStartWith(String pattern, String prefix) {
    int n = Math.min(pattern.length(), prefix.length());
    for (int i = 0; i < n; i++) {
      char c = pattern.charAt(i);
      if (c == '*') {
        return true;
      }
      if (c != '?' && Character.toLowerCase(c) != Character.toLowerCase(prefix.charAt(i))) {
        return false;
      }
    }
    if (pattern.length() >= prefix.length()) {
      // The verb must end at a word boundary: "Put" is a verb of "PutObject", not of "Puts".
      return pattern.length() == prefix.length()
          || !Character.isLowerCase(pattern.charAt(prefix.length()));
    }
    return false;
  }

  /**
   * Whether a pattern can name an action that supports resource-level permissions, i.e. one
   * that could have been scoped to ARNs instead of {@code *}.
   */
  static boolean resourceScopable(String pattern) {
    String p = pattern.trim();
    if (p.isEmpty() || p.indexOf(':') < 0) {
      return false;
    }
    for (String unscopable : UNSCOPABLE) {
      // The pattern, read as a literal name, falls under an unscopable pattern: it only names
      // actions that cannot be scoped.
      if (matches(unscopable, p)) {
        return false;
      }
    }
    return true;
  }
}
