variable "vsphere_password" {
  type      = string
  sensitive = true
}

source "vsphere-iso" "rhel" {
  vcenter_server = "vcenter.acme.internal"
  username       = "packer@vsphere.local"
  password       = var.vsphere_password
  ssh_username   = "root"
  ssh_password   = vault("secret/data/packer", "root_password")
  iso_paths      = ["[datastore1] iso/rhel-9.iso"]
}

source "virtualbox-iso" "dev" {
  ssh_username = "vagrant"
  ssh_password = "vagrant"
  iso_url      = "https://releases.ubuntu.com/22.04/ubuntu-22.04.4-live-server-amd64.iso"
}

build {
  sources = ["source.vsphere-iso.rhel", "source.virtualbox-iso.dev"]
}
