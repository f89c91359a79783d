resource "aws_iam_role" "ops" {
  name                = "ops"
  assume_role_policy  = data.aws_iam_policy_document.ops_trust.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/PowerUserAccess"] # expect: IMP-AWS-014
}
