resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = aws_iam_role.eks.arn

  vpc_config { # expect: IMP-AWS-043
    subnet_ids = var.subnet_ids
  }
}
