data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AppAdmin"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:role/app"] # expect: IMP-AWS-033
    }
  }
}

resource "aws_kms_key_policy" "data" {
  key_id = aws_kms_key.data.id
  policy = data.aws_iam_policy_document.key.json
}
