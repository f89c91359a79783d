resource "aws_ecr_repository" "app" {
  name                 = "app"
  image_tag_mutability = "MUTABLE"
}

resource "aws_ecr_repository" "base" {
  name                 = "base"
  image_tag_mutability = "IMMUTABLE"
}
