resource "aws_instance" "worker" {
  ami                  = "ami-0abc1234def567890"
  instance_type        = "t3.small"
  iam_instance_profile = aws_iam_instance_profile.worker.name

  # expect-next: IMP-AWS-007
  user_data = <<-EOF
    #!/bin/bash
    DB_PASSWORD="Pz8#kQ2mW7rX4vN1"
    echo "starting worker"
  EOF
}
