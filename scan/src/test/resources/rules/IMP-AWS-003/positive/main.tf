provider "aws" {
  region  = "eu-west-1"
  profile = "root" # expect: IMP-AWS-003
}
