output "base_url" {
  description = "HTTPS base URL of the environment."
  value       = module.stack.base_url
}

output "endpoint_urls" {
  description = "Map of service name to the full URLs of its API paths."
  value       = module.stack.endpoint_urls
}

output "alb_dns_name" {
  description = "DNS name of the ALB."
  value       = module.stack.alb_dns_name
}

output "model_bucket" {
  description = "Model-store bucket (read by scripts/publish_models.sh)."
  value       = module.stack.model_bucket
}

output "model_store_uri" {
  description = "ADSERVE_MODEL_STORE of this environment."
  value       = module.stack.model_store_uri
}

output "ecr_repository_urls" {
  description = "ECR repository URL per service (read by scripts/containerize_push.sh)."
  value       = module.stack.ecr_repository_urls
}

output "cluster_name" {
  description = "ECS cluster name (used by scripts/deploy.sh --restart)."
  value       = module.stack.cluster_name
}

output "service_names" {
  description = "ECS service name per deployed service."
  value       = module.stack.service_names
}

output "log_groups" {
  description = "CloudWatch log group per deployed service."
  value       = module.stack.log_groups
}

output "requests_per_target_per_minute" {
  description = "ALBRequestCountPerTarget target per service."
  value       = module.stack.requests_per_target_per_minute
}

output "api_keys_parameter_name" {
  description = "SSM parameter holding the API keys."
  value       = module.stack.api_keys_parameter_name
}

output "pii_hmac_key_parameter_name" {
  description = "SSM parameter holding the PII HMAC key."
  value       = module.stack.pii_hmac_key_parameter_name
}

output "gpu_autoscaling_group_name" {
  description = "Autoscaling group of the GPU fleet."
  value       = module.stack.gpu_autoscaling_group_name
}

output "data_lake" {
  description = "EMR Serverless application, job role, lake URI and bucket for scripts/submit_spark.sh (null unless enable_data_lake)."
  value       = module.stack.data_lake
}
