source "amazon-ebs" "ubuntu" {
  region        = "eu-west-1"
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
  ami_name      = "app-{{timestamp}}"

  source_ami_filter { # expect: IMP-PACKER-005
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.ubuntu"]
}
