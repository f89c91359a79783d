resource "azurerm_linux_web_app" "w" {
  site_config {
    application_stack {
      docker_image_name = "nginx:1.27"
    }
    ip_restriction {
      headers {
        x_forwarded_for = ["10.0.0.0/8"]
      }
    }
  }
  dynamic "connection_string" {
    for_each = var.conns
    content {
      name  = connection_string.key
      value = connection_string.value
    }
  }
}
