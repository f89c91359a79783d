source "amazon-ebs" "app" {
  region               = "eu-west-1"
  instance_type        = "t3.micro"
  ssh_username         = "ubuntu"
  ssh_keypair_name     = "packer-builds"
  ssh_private_key_file = "~/.ssh/packer-builds.pem" # expect: IMP-PACKER-013
  ami_name             = "app-{{timestamp}}"

  source_ami_filter {
    filters     = { name = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*" }
    owners      = ["099720109477"]
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.app"]
}
