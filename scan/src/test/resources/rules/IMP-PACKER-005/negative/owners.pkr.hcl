source "amazon-ebs" "ubuntu" {
  region        = "eu-west-1"
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
  ami_name      = "app-{{timestamp}}"

  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      virtualization-type = "hvm"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
}

source "amazon-ebs" "from_var" {
  region        = "eu-west-1"
  source_ami    = var.base_ami
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
  ami_name      = "app-{{timestamp}}"
}

build {
  sources = ["source.amazon-ebs.ubuntu", "source.amazon-ebs.from_var"]
}
