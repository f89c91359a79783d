resource "aws_lambda_permission" "anyone" {
  statement_id  = "AllowAnyone"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.hook.function_name
  principal     = "*" # expect: IMP-AWS-034
}
