data "aws_iam_policy_document" "queue" {
  statement {
    actions   = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
    resources = [aws_sqs_queue.jobs.arn]
  }

  statement {
    actions   = ["ec2:DescribeInstances", "sts:GetCallerIdentity"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "queue" {
  name   = "queue-reader"
  policy = data.aws_iam_policy_document.queue.json
}
