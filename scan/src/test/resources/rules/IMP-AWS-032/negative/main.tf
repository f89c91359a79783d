resource "aws_ecs_task_definition" "worker" {
  family                = "worker"
  execution_role_arn    = aws_iam_role.ecs_exec.arn
  task_role_arn         = aws_iam_role.worker.arn
  container_definitions = file("${path.module}/worker.json")
}
