resource "aws_ecs_task_definition" "api" {
  family             = "api"
  execution_role_arn = aws_iam_role.exec.arn
  task_role_arn      = aws_iam_role.api.arn

  container_definitions = jsonencode([ # expect: IMP-AWS-008
    {
      name  = "api"
      image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api@sha256:4f1c2a9e8b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a"
      environment = [
        { name = "LOG_LEVEL", value = "info" },
        { name = "STRIPE_API_KEY", value = "rk_live_9sKd72HfQp3Lx8Zw" }
      ]
    }
  ])
}
