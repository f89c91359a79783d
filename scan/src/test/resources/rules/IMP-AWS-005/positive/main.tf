provider "aws" {
  region     = "us-east-1"
  access_key = "AKIA4QWERTYUIOPASDFG" # expect: IMP-AWS-005
  secret_key = "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" # expect: IMP-AWS-005
}
