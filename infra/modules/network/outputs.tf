output "vpc_id" {
  description = "ID of the VPC the platform runs in."
  value       = local.vpc_id
}

output "vpc_cidr_block" {
  description = "CIDR block of the VPC."
  value       = local.vpc_cidr_block
}

output "private_subnet_ids" {
  description = "Private subnet IDs (tasks, GPU instances, EFS mount targets)."
  value       = local.private_subnet_ids
}

output "public_subnet_ids" {
  description = "Public subnet IDs (ALB)."
  value       = local.public_subnet_ids
}

output "vpc_endpoint_ids" {
  description = "Map of endpoint key to VPC endpoint ID."
  value       = { for k, e in module.endpoints.endpoints : k => e.id }
}
