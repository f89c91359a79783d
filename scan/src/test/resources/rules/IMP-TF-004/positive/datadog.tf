provider "datadog" {
  api_key = "3b9f1c2d7e8a4b6c9d0e1f2a3b4c5d6e" # expect: IMP-TF-004
  app_key = var.datadog_app_key
}
