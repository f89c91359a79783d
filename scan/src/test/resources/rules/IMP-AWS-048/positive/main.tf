resource "aws_ecr_repository" "api" { # expect: IMP-AWS-048
  name = "api"
}

resource "aws_ecr_repository" "worker" {
  name                 = "worker"
  image_tag_mutability = "MUTABLE" # expect: IMP-AWS-048
}

resource "aws_ecr_repository" "jobs" {
  name                 = "jobs"
  image_tag_mutability = "MUTABLE_WITH_EXCLUSION" # expect: IMP-AWS-048
}
