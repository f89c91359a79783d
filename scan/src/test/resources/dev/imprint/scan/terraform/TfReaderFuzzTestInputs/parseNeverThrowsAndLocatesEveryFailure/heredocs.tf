resource "google_compute_instance" "vm" {
  metadata_startup_script = <<-EOT
    #!/bin/bash
    echo "${var.greeting}" > /etc/motd
    %{ for u in var.users ~}
    useradd ${u}
    %{ endfor ~}
  EOT
  description = <<EOF2
plain heredoc with "quotes" and ${unclosed
EOF2
}
