terraform {
  backend "s3" {
    bucket     = "acme-tfstate"
    key        = "prod/terraform.tfstate"
    region     = "eu-west-1"
    access_key = "AKIA7HJKLQWERTZUIOPA" # expect: IMP-AWS-005
    secret_key = "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" # expect: IMP-AWS-005
  }
}
