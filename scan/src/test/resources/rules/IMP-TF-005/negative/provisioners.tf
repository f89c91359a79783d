resource "aws_instance" "web" {
  ami           = "ami-0abcdef1234567890"
  instance_type = "t3.micro"

  provisioner "remote-exec" {
    inline = [
      "curl -fsSLo /tmp/i.sh https://get.example.com/v1.2.3/i.sh",
      "echo '3f85b7caad41a95462cf5b787d8a04604c8262cdcdf9a472b8c52ef83375fe15  /tmp/i.sh' | sha256sum -c -",
      "sh /tmp/i.sh",
      "curl -s https://api.example.com/v1/status | python3 -m json.tool",
      "curl -s https://example.com/key.gpg | sudo apt-key add -",
    ]
  }

  provisioner "local-exec" {
    command = "echo ${self.public_ip} >> hosts.txt"
  }
}
