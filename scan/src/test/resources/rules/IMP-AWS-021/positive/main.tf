data "aws_iam_policy_document" "vendor_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::444455556666:root"] # expect: IMP-AWS-021
    }
  }
}

resource "aws_iam_role" "vendor" {
  name               = "vendor-audit"
  assume_role_policy = data.aws_iam_policy_document.vendor_trust.json
}
