resource "aws_launch_template" "app" {
  name_prefix = "app-"
  image_id    = "ami-0abc1234def567890"

  metadata_options {
    http_tokens = "required"
  }

  user_data = base64encode(<<-EOT
    #!/bin/bash
    export API_TOKEN=$(aws ssm get-parameter --name /app/token --with-decryption --query Parameter.Value --output text)
    /opt/app/start.sh
  EOT
  )
}
