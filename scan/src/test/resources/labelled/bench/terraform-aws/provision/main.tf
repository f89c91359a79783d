resource "aws_instance" "db_client" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.db_client.id]

  metadata_options {
    http_tokens = "required"
  }

  connection {
    type        = "ssh"
    user        = "ubuntu"
    host        = self.private_ip
    private_key = file(var.ssh_key_path)
  }

  provisioner "remote-exec" {
    inline = [
      "sudo apt-get update -y && sudo apt-get install -y mysql-client",
      "mysql -h ${aws_db_instance.orders.address} -uadmin -p${var.db_password} -e 'select 1'",
      "mysql -h ${aws_db_instance.orders.address} -uadmin -pOrd3rsAdm1n < /tmp/schema.sql",
      "curl -fsSL https://packages.example.org/gpg.key | sudo apt-key add -",
    ]
  }
}

resource "null_resource" "agent" {
  provisioner "local-exec" {
    command = "curl -sSL https://agent.example.net/install.sh | bash -s -- --site eu1"
  }
}

resource "null_resource" "seed" {
  provisioner "local-exec" {
    command     = "psql -h ${aws_db_instance.orders.address} -U admin -f seed.sql"
    environment = {
      PGPASSWORD = var.db_password
    }
  }
}
