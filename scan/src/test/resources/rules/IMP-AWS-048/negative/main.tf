resource "aws_ecr_repository" "api" {
  name                 = "api"
  image_tag_mutability = "IMMUTABLE"
}

resource "aws_ecr_repository" "cache" {
  name                 = "cache"
  image_tag_mutability = "IMMUTABLE_WITH_EXCLUSION"

  image_tag_mutability_exclusion_filter {
    filter      = "latest"
    filter_type = "WILDCARD"
  }
}

# The module's own default is IMMUTABLE.
module "ecr" {
  source          = "terraform-aws-modules/ecr/aws"
  repository_name = "frontend"
}

# A public repository has no tag mutability setting.
resource "aws_ecrpublic_repository" "tools" {
  repository_name = "tools"
}
