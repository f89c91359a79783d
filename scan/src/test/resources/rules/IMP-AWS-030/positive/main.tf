resource "aws_launch_template" "nodes" {
  name_prefix = "nodes-"
  image_id    = "ami-0abc1234def567890"

  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 3 # expect: IMP-AWS-030
  }
}
