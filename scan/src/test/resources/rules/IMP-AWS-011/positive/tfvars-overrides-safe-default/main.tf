# The default is scoped, but terraform.tfvars (loaded by Terraform by itself) sets "*".
variable "actions" {
  type    = list(string)
  default = ["s3:GetObject"]
}

variable "resources" {
  type    = list(string)
  default = ["arn:aws:s3:::reports/*"]
}

resource "aws_iam_policy" "ops" {
  name = "ops"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = var.actions, Resource = var.resources }] # expect: IMP-AWS-011
  })
}
