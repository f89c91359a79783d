locals {
  script = <<EOT
echo never closed
${${${${
