resource "aws_iam_role" "task" {
  name               = "task"
  assume_role_policy = data.aws_iam_policy_document.ecs_trust.json

  inline_policy {
    name = "everything"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    })
  }
}

resource "aws_ecs_task_definition" "api" {
  family                = "api"
  execution_role_arn    = aws_iam_role.exec.arn
  task_role_arn         = aws_iam_role.task.arn # expect: IMP-AWS-031
  container_definitions = file("${path.module}/api.json")
}
