resource "kubernetes_secret" "db" {
  metadata {
    name      = "db"
    namespace = "shop"
  }

  data = {
    username = "shop"
    password = "n8Vq2Lx7Tz4K" # expect: IMP-TF-002
  }
}
