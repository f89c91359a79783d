source "vsphere-iso" "rhel" {
  vcenter_server = "vcenter.acme.internal"
  username       = "packer@vsphere.local"
  password       = "Vc3nter!Build2024" # expect: IMP-PACKER-010
  ssh_username   = "root"
  ssh_password   = "R00t#Temp2024" # expect: IMP-PACKER-010
  iso_paths      = ["[datastore1] iso/rhel-9.iso"]
}

build {
  sources = ["source.vsphere-iso.rhel"]
}
