data "aws_iam_policy_document" "queue" {
  statement {
    actions   = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl"] # expect: IMP-AWS-013
    resources = ["*"]
  }
}

resource "aws_iam_policy" "queue" {
  name   = "queue-reader"
  policy = data.aws_iam_policy_document.queue.json
}
