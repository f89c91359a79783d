resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = aws_iam_role.orders.arn

  environment {
    variables = {
      DB_PASSWORD = "changeme"
      API_TOKEN   = "${var.api_token}"
    }
  }
}
