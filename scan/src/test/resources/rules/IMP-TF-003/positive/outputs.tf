output "db_password" {
  value = random_password.db.result
}

output "kubeconfig" {
  value = azurerm_kubernetes_cluster.main.kube_config_raw
}
