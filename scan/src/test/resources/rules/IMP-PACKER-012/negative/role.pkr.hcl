source "amazon-ebs" "app" {
  region        = "eu-west-1"
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
  ami_name      = "app-{{timestamp}}"

  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/packer-build"
    session_name = "packer"
  }

  source_ami_filter {
    filters     = { name = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*" }
    owners      = ["099720109477"]
    most_recent = true
  }
}

source "amazon-ebs" "docs" {
  access_key    = "AKIAIOSFODNN7EXAMPLE"
  secret_key    = var.aws_secret_key
  region        = "eu-west-1"
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
  ami_name      = "docs-{{timestamp}}"
  source_ami_filter {
    filters     = { name = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*" }
    owners      = ["099720109477"]
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.app", "source.amazon-ebs.docs"]
}
