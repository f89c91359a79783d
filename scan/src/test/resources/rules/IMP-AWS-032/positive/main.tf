resource "aws_ecs_task_definition" "worker" {
  family                = "worker"
  execution_role_arn    = aws_iam_role.ecs.arn
  task_role_arn         = aws_iam_role.ecs.arn # expect: IMP-AWS-032
  container_definitions = file("${path.module}/worker.json")
}
