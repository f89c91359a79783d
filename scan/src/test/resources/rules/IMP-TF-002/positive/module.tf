module "monitoring" {
  source  = "./modules/monitoring"
  api_key = "c3f1a9b07e5d4c2b8a6f0e1d9c7b5a31" # expect: IMP-TF-002
}
