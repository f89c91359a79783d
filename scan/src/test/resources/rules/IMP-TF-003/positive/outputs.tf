output "db_password" {
  value = random_password.db.result # expect: IMP-TF-003
}

output "kubeconfig" {
  value = azurerm_kubernetes_cluster.main.kube_config_raw # expect: IMP-TF-003
}
