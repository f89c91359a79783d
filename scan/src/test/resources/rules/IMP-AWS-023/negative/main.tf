# Trusts that name their subjects, for each issuer.
resource "aws_iam_role" "github_deploy" {
  name = "github-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:acme/deploy:*" }
      }
    }]
  })
}

resource "aws_iam_role" "gitlab_deploy" {
  name = "gitlab-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/gitlab.com" }
      Condition = {
        StringLike = { "gitlab.com:sub" = "project_path:acme/platform/infra:ref_type:branch:ref:*" }
      }
    }]
  })
}

resource "aws_iam_role" "terraform_cloud" {
  name = "terraform-cloud"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/app.terraform.io" }
      Condition = {
        StringEquals = { "app.terraform.io:aud" = "aws.workload.identity" }
        StringLike   = { "app.terraform.io:sub" = "organization:acme:project:platform:workspace:network-*:run_phase:*" }
      }
    }]
  })
}

# IRSA for one service account; the issuer comes from the cluster module's output.
data "aws_iam_policy_document" "irsa" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [module.eks.oidc_provider_arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${module.eks.oidc_provider}:sub"
      values   = ["system:serviceaccount:kube-system:ebs-csi-controller-sa"]
    }
    condition {
      test     = "StringEquals"
      variable = "${module.eks.oidc_provider}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "irsa" {
  name               = "ebs-csi"
  assume_role_policy = data.aws_iam_policy_document.irsa.json
}

# Subjects from a variable are not known here, and a dynamic condition exists only with them.
data "aws_iam_policy_document" "oidc" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::111122223333:oidc-provider/${var.provider_url}"]
    }
    dynamic "condition" {
      for_each = length(var.subjects) > 0 ? [1] : []
      content {
        test     = "StringLike"
        variable = "${var.provider_url}:sub"
        values   = var.subjects
      }
    }
  }
}

variable "provider_url" {
  type = string
}

variable "subjects" {
  type    = list(string)
  default = []
}

resource "aws_iam_role" "oidc" {
  name               = "oidc"
  assume_role_policy = data.aws_iam_policy_document.oidc.json
}

# With StringEquals a '*' is a literal character, not a wildcard.
resource "aws_iam_role" "literal" {
  name = "literal"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:sub" = "repo:acme/*" }
      }
    }]
  })
}
