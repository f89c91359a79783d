terraform {
  backend "pg" {
    conn_str = "postgres://terraform:Wq8zT3vLk2Xp@db.internal.example:5432/tfstate" # expect: IMP-TF-004
  }
}
