resource "aws_launch_template" "app" {
  name_prefix = "app-"
  image_id    = "ami-0abc1234def567890"

  metadata_options {
    http_tokens = "required"
  }

  # expect-next: IMP-AWS-007
  user_data = base64encode(<<-EOT
    #!/bin/bash
    export API_TOKEN=tk_9fK2mQ7xZp4Lw8Rv3Nb6
    /opt/app/start.sh
  EOT
  )
}
