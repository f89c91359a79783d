resource "aws_iam_role" "open" {
  name               = "open"
  assume_role_policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
      ]
    }
  EOF
}
