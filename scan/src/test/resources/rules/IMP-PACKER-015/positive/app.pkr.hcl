variable "db_password" {
  type      = string
  sensitive = true
}

source "amazon-ebs" "app" {
  ami_name      = "app-{{timestamp}}"
  instance_type = "t3.micro"
  source_ami_filter {
    filters     = { name = "ubuntu/images/*ubuntu-noble-24.04-amd64-server-*" }
    owners      = ["099720109477"]
    most_recent = true
  }
}

build {
  sources = ["source.amazon-ebs.app"]
  provisioner "shell" {
    environment_vars = ["DB_PASSWORD=${var.db_password}"]
    inline = [
      "sudo mkdir -p /etc/app",
      "echo \"password=$DB_PASSWORD\" | sudo tee /etc/app/db.conf" # expect: IMP-PACKER-015
    ]
  }
}
