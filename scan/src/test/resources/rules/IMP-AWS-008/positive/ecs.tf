resource "aws_ecs_task_definition" "legacy" {
  family                = "legacy"
  execution_role_arn    = aws_iam_role.exec.arn
  task_role_arn         = aws_iam_role.legacy.arn
  # expect-next: IMP-AWS-008
  container_definitions = <<-JSON
    [
      {
        "name": "legacy",
        "image": "legacy:1.4.2",
        "environment": [
          {"name": "DATABASE_PASSWORD", "value": "mW4!xR8qZ2vK7pL3"}
        ]
      }
    ]
  JSON
}
