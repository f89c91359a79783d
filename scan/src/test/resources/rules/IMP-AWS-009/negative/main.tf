data "aws_ssm_parameter" "deploy_token" {
  name = "/ci/deploy-token"
}

data "http" "health" {
  url = "https://status.example.net/health"

  request_headers = {
    Accept = "application/json"
  }
}
