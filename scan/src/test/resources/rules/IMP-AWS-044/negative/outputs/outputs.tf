output "shared_security_group_id" {
  value = aws_security_group.shared.id
}
