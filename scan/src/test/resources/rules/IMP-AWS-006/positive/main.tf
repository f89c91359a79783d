resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = aws_iam_role.orders.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"

  environment {
    variables = {
      DB_HOST     = "orders.cluster.internal"
      DB_PASSWORD = "Wq7!vR2pLx9#mZ4t" # expect: IMP-AWS-006
    }
  }
}
