resource "aws_launch_template" "worker" {
  name_prefix = "worker-"
  image_id    = "ami-0123456789abcdef0"
  user_data   = "IyEvYmluL2Jhc2gKREJfUEFTU1dPUkQ9JChhd3Mgc3NtIGdldC1wYXJhbWV0ZXIgLS1uYW1lIC9vcmRlcnMvZGIgLS13aXRoLWRlY3J5cHRpb24gLS1xdWVyeSBQYXJhbWV0ZXIuVmFsdWUgLS1vdXRwdXQgdGV4dCkK"
}
