data "amazon-ami" "ubuntu" { # expect: IMP-PACKER-005
  region = "eu-west-1"
  filters = {
    name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
    virtualization-type = "hvm"
  }
  most_recent = true
}

source "amazon-ebs" "app" {
  region        = "eu-west-1"
  source_ami    = data.amazon-ami.ubuntu.id
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
  ami_name      = "app-{{timestamp}}"
}

build {
  sources = ["source.amazon-ebs.app"]
}
