output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.ecs_cluster.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster, known once its capacity providers are associated (services referencing it wait for them)."
  value       = module.ecs_cluster.arn

  depends_on = [module.ecs_cluster]
}

output "service_connect_namespace_arn" {
  description = "ARN of the Service Connect (Cloud Map HTTP) namespace."
  value       = aws_service_discovery_http_namespace.this.arn
}

output "service_connect_namespace_name" {
  description = "Name of the Service Connect namespace."
  value       = aws_service_discovery_http_namespace.this.name
}

output "capacity_provider_names" {
  description = "Capacity providers associated with the cluster (available once this output is known, so services can depend on it)."
  value       = distinct(flatten([for cp in values(module.ecs_cluster.cluster_capacity_providers) : cp.capacity_providers]))
}

output "execute_command_log_group_arn" {
  description = "Log group receiving ECS Exec session logs."
  value       = module.ecs_cluster.cloudwatch_log_group_arn
}
