module "ecr" {
  source  = "terraform-aws-modules/ecr/aws"
  version = "~> 2.0"

  repository_name                 = "frontend"
  repository_image_tag_mutability = "MUTABLE" # expect: IMP-AWS-048
}
