resource "aws_secretsmanager_secret" "db" { # expect: IMP-AWS-010
  name = "prod/db"
}
