# A golden-image build that bakes its credentials into the AMI: a secret default, a password
# and an access key in the source, a deploy key copied in and never removed, an installer piped
# into a shell, and a base AMI picked by name from any account.
packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.3.0"
    }
  }
}

variable "db_password" {
  type    = string
  default = "Pg!Prod-2024-orders"
}

variable "registry_token" {
  type = string
}

source "amazon-ebs" "web" {
  region        = "eu-west-1"
  instance_type = "t3.medium"
  access_key    = "AKIAQ3EGRT5YLMN7WXPZ"
  secret_key    = "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"
  ssh_username  = "ubuntu"
  ami_name      = "web-{{timestamp}}"

  source_ami_filter {
    filters = {
      name                = "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*"
      virtualization-type = "hvm"
    }
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.web"]

  provisioner "file" {
    source      = "secrets/deploy_id_ed25519/id_ed25519"
    destination = "/home/ubuntu/.ssh/id_ed25519"
  }

  provisioner "shell" {
    environment_vars = [
      "APP_ENV=production",
      "DATABASE_PASSWORD=${var.db_password}",
      "REGISTRY_TOKEN=rt_9fK2mQ7vXc4LpZ8wN3sB",
    ]
    inline = [
      "curl -fsSL https://get.docker.com | sudo sh",
      "echo ${var.registry_token} | sudo docker login --username ci --password-stdin registry.acme.internal",
      "git clone git@github.com:acme/web.git /opt/web",
    ]
  }
}
