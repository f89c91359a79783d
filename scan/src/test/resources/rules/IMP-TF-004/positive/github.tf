provider "github" {
  owner = "acme"
  token = "ghp_R8x2Kq9LmN4vT7pZ1wY6sB3cD5fG0hJ2kA8e" # expect: IMP-TF-004
}
