output "autoscaling_group_arn" {
  description = "ARN of the GPU autoscaling group."
  value       = aws_autoscaling_group.this.arn
}

output "autoscaling_group_name" {
  description = "Name of the GPU autoscaling group."
  value       = aws_autoscaling_group.this.name
}

output "instance_role_arn" {
  description = "ARN of the container instance IAM role."
  value       = aws_iam_role.instance.arn
}

output "security_group_id" {
  description = "Security group of the container instances."
  value       = aws_security_group.instance.id
}

output "ami_id" {
  description = "AMI used by the launch template."
  value       = local.ami_id
}
