resource "aws_iam_role" "gitlab_deploy" {
  name = "gitlab-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/gitlab.com" }
      Condition = {
        StringEquals = { "gitlab.com:aud" = "https://gitlab.com" }
        StringLike   = { "gitlab.com:sub" = "project_path:*:ref_type:branch:ref:main" } # expect: IMP-AWS-023
      }
    }]
  })
}

resource "aws_iam_role" "terraform_cloud" {
  name = "terraform-cloud"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "app.terraform.io:aud" = "aws.workload.identity" }
        StringLike   = { "app.terraform.io:sub" = "organization:*:project:*:workspace:*:run_phase:*" } # expect: IMP-AWS-023
      }
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/app.terraform.io" }
    }]
  })
}
