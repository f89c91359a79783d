source "amazon-ebs" "base" {
  region        = "eu-west-1"
  source_ami    = "ami-0c55b159cbfafe1f0" # expect: IMP-PACKER-005
  instance_type = "t3.micro"
  ssh_username  = "ubuntu"
  ami_name      = "app-{{timestamp}}"
}

build {
  sources = ["source.amazon-ebs.base"]
}
