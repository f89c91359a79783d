{
  "Version": "2012-10-17",
  "Statement": [
    %{ for b in buckets ~}
    {
      "Effect": "Allow",
      "Action": "s3:*",
      "Resource": "*"
    },
    %{ endfor ~}
    { "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*" }
  ]
}
