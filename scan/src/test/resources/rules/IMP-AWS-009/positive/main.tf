data "aws_ssm_parameter" "deploy_token" {
  name = "/ci/deploy-token"
}

data "http" "notify" {
  url = "http://hooks.example.net/deploy"

  request_headers = { # expect: IMP-AWS-009
    Authorization = "Bearer ${data.aws_ssm_parameter.deploy_token.value}"
  }
}
