source "amazon-ebs" "app" {
  access_key    = "AKIAZ7QX3LMN4PRS2TUV" # expect: IMP-PACKER-012
  secret_key    = "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" # expect: IMP-PACKER-012
  region        = "eu-west-1"
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
  ami_name      = "app-{{timestamp}}"

  source_ami_filter {
    filters     = { name = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*" }
    owners      = ["099720109477"]
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.app"]
}
