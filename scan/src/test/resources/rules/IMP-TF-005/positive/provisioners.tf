resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"

  provisioner "remote-exec" {
    inline = [
      "sudo apt-get update",
      "curl -fsSL https://get.docker.com | sudo sh", # expect: IMP-TF-005
    ]
  }
}

resource "null_resource" "agent" {
  provisioner "local-exec" {
    command = "bash <(curl -s https://agent.example.net/install.sh)" # expect: IMP-TF-005
  }
}

resource "terraform_data" "bootstrap" {
  provisioner "local-exec" {
    command = <<-EOT
      set -e
      wget -qO- https://tools.example.org/setup | bash -s -- --yes # expect: IMP-TF-005
    EOT
  }
}
