region         = "eu-west-1"
instance_type  = "t3.medium"
db_password    = "hunter22!"  # TODO move to the vault # expect: IMP-PACKER-014
registry_token = "Zq8vR2pL9wXk7Mn" # expect: IMP-PACKER-014
