resource "null_resource" "schema" {
  provisioner "local-exec" {
    command = <<EOF
cd /tmp/
mysql -h db.internal -uadmin1 -pRoboShop1 < schema.sql # expect: IMP-TF-002
EOF
  }
}

resource "aws_instance" "app" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"

  provisioner "remote-exec" {
    inline = [
      "sshpass -p 'Qp4mZt8w' scp /tmp/app.tar deploy@10.0.0.5:", # expect: IMP-TF-002
    ]
  }
}
