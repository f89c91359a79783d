data "aws_iam_policy_document" "github_any_repo" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "github_one_repo" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/deploy:ref:refs/heads/main"]
    }
  }
}

data "aws_iam_policy_document" "irsa_wildcard" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [module.eks.oidc_provider_arn]
    }
    condition {
      test     = "StringLike"
      variable = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"
      values   = ["system:serviceaccount:*"]
    }
  }
}

resource "aws_lambda_function" "hook" {
  function_name = "hook"
  role          = aws_iam_role.hook.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  filename      = "hook.zip"
  environment {
    variables = {
      SLACK_TOKEN = "xoxb-2158034711-5920394857321-Kq8Zx4Nv7Lm2Rt5Yw9Kp3Hs6"
      LOG_LEVEL   = "info"
    }
  }
}
