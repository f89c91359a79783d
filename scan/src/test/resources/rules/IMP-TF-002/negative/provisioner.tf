resource "null_resource" "schema" {
  provisioner "local-exec" {
    command = "mysql -h ${aws_db_instance.db.address} -uadmin -p${var.db_password} < schema.sql"
  }
  provisioner "local-exec" {
    command = "PGPASSWORD=$DB_PASSWORD psql -h db.internal -U app -f schema.sql"
  }
}
