package dev.imprint.scan.aws;

import java.util.List;

/**
 * Known ways for an AWS identity to raise its own privileges: sets of actions that together let
 * it act as a more privileged role or rewrite its own permissions. Each path needs every one of
 * its actions.
 *
 * @param name a short description used in messages
 * @param actions every action the path needs
 */
record PrivilegeEscalation(String name, List<String> actions) {

  static final List<PrivilegeEscalation> PATHS = List.of(
      path("new default version of a managed policy", "iam:CreatePolicyVersion"),
      path("switch a managed policy to an older version", "iam:SetDefaultPolicyVersion"),
      path("attach a managed policy to a user", "iam:AttachUserPolicy"),
      path("attach a managed policy to a group", "iam:AttachGroupPolicy"),
      path("attach a managed policy to a role", "iam:AttachRolePolicy"),
      path("write an inline user policy", "iam:PutUserPolicy"),
      path("write an inline group policy", "iam:PutGroupPolicy"),
      path("write an inline role policy", "iam:PutRolePolicy"),
      path("join a more privileged group", "iam:AddUserToGroup"),
      path("rewrite a role's trust policy", "iam:UpdateAssumeRolePolicy"),
      path("create access keys for other users", "iam:CreateAccessKey"),
      path("set another user's console password", "iam:CreateLoginProfile"),
      path("change another user's console password", "iam:UpdateLoginProfile"),
      path("remove a permissions boundary", "iam:DeleteRolePermissionsBoundary"),
      path("remove a permissions boundary", "iam:DeleteUserPermissionsBoundary"),
      path("launch EC2 with a privileged role", "iam:PassRole", "ec2:RunInstances"),
      path("create a Lambda function with a privileged role", "iam:PassRole",
          "lambda:CreateFunction", "lambda:InvokeFunction"),
      path("create a Lambda function triggered by an event source", "iam:PassRole",
          "lambda:CreateFunction", "lambda:CreateEventSourceMapping"),
      path("replace the code of an existing Lambda function", "lambda:UpdateFunctionCode"),
      path("attach a layer to an existing Lambda function",
          "lambda:UpdateFunctionConfiguration"),
      path("create a CloudFormation stack with a privileged role", "iam:PassRole",
          "cloudformation:CreateStack"),
      path("create a Glue dev endpoint with a privileged role", "iam:PassRole",
          "glue:CreateDevEndpoint"),
      path("take over an existing Glue dev endpoint", "glue:UpdateDevEndpoint"),
      path("run a Glue job with a privileged role", "iam:PassRole", "glue:CreateJob",
          "glue:StartJobRun"),
      path("run a Data Pipeline with a privileged role", "iam:PassRole",
          "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"),
      path("open a SageMaker notebook with a privileged role", "iam:PassRole",
          "sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"),
      path("run a CodeBuild project with a privileged role", "iam:PassRole",
          "codebuild:CreateProject", "codebuild:StartBuild"),
      path("run an ECS task with a privileged role", "iam:PassRole",
          "ecs:RegisterTaskDefinition", "ecs:RunTask"),
      path("launch an Auto Scaling group with a privileged role", "iam:PassRole",
          "autoscaling:CreateLaunchConfiguration", "autoscaling:CreateAutoScalingGroup"),
      path("create an App Runner service with a privileged role", "iam:PassRole",
          "apprunner:CreateService"),
      path("run commands on instances that hold other roles", "ssm:SendCommand"));

  PrivilegeEscalation {
    actions = List.copyOf(actions);
  }

  private static PrivilegeEscalation path(String name, String... actions) {
    return new PrivilegeEscalation(name, List.of(actions));
  }

  /** Every action that appears in some path. */
  static List<String> allActions() {
    return PATHS.stream().flatMap(p -> p.actions().stream()).distinct().toList();
  }
}
