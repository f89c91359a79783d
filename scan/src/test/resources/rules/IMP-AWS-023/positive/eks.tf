# IRSA trust with only the audience checked: any service account in the cluster.
resource "aws_iam_role" "external_dns" {
  name = "external-dns"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5C1F6E2A9B8D7C4E3F2A1B0C9D8E7F6A" } # expect: IMP-AWS-023
      Condition = {
        StringEquals = { "oidc.eks.eu-west-1.amazonaws.com/id/5C1F6E2A9B8D7C4E3F2A1B0C9D8E7F6A:aud" = "sts.amazonaws.com" }
      }
    }]
  })
}

data "aws_iam_policy_document" "loader" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.eks.arn]
    }
    condition {
      test     = "StringLike"
      variable = "oidc.eks.eu-west-1.amazonaws.com/id/5C1F6E2A9B8D7C4E3F2A1B0C9D8E7F6A:sub"
      values   = ["system:serviceaccount:*:loader"] # expect: IMP-AWS-023
    }
  }
}

resource "aws_iam_openid_connect_provider" "eks" {
  url             = "https://oidc.eks.eu-west-1.amazonaws.com/id/5C1F6E2A9B8D7C4E3F2A1B0C9D8E7F6A"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}

resource "aws_iam_role" "loader" {
  name               = "loader"
  assume_role_policy = data.aws_iam_policy_document.loader.json
}
