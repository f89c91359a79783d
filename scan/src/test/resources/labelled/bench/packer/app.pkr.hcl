variable "db_password" {
  type      = string
  sensitive = true
}

variable "api_token" {
  type    = string
  default = "Zp4kR8wT2nVx7LqM"
}

source "amazon-ebs" "app" {
  region        = "eu-west-1"
  instance_type = "t3.small"
  ssh_username  = "ubuntu"
  ami_name      = "app-{{timestamp}}"
  source_ami_filter {
    filters = {
      name = "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"
    }
    owners      = ["099720109477"]
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.app"]

  provisioner "shell" {
    environment_vars = ["DB_PASSWORD=${var.db_password}"]
    inline = [
      "echo $DB_PASSWORD > /etc/app/db.conf",
      "echo \"password=${var.db_password}\" >> /etc/app/app.ini",
      "echo 'listen 8080' > /etc/app/server.conf",
    ]
  }

  provisioner "file" {
    source      = "files/id_rsa"
    destination = "/home/ubuntu/.ssh/id_rsa"
  }
}
