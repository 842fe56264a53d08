output "alb_dns_name" {
  description = "DNS name of the ALB (point your domain's CNAME or alias here)."
  value       = module.edge.alb_dns_name
}

output "base_url" {
  description = "HTTPS base URL of the platform."
  value       = module.edge.base_url
}

output "endpoint_urls" {
  description = "Map of service name to the full URLs of its API paths."
  value       = module.edge.endpoint_urls
}

output "model_bucket" {
  description = "Name of the model-store bucket (scripts/publish_models.sh reads it)."
  value       = module.model_store.bucket_id
}

output "model_store_uri" {
  description = "Value of ADSERVE_MODEL_STORE for this environment."
  value       = module.model_store.model_store_uri
}

output "ecr_repository_urls" {
  description = "Map of service name to ECR repository URL (scripts/containerize_push.sh reads it)."
  value       = module.ecr.repository_urls
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.cluster.cluster_name
}

output "service_names" {
  description = "Map of service name to ECS service name, for the services deployed so far."
  value       = { for svc, m in module.service : svc => m.service_name }
}

output "log_groups" {
  description = "Map of service name to CloudWatch log group."
  value       = { for svc, m in module.service : svc => m.log_group_name }
}

output "requests_per_target_per_minute" {
  description = "ALBRequestCountPerTarget targets derived from concurrency per replica and latency."
  value       = { for svc, m in module.service : svc => m.requests_per_target_per_minute }
}

output "api_keys_parameter_name" {
  description = "SSM parameter holding ADSERVE_API_KEYS (rotate with aws ssm put-parameter --overwrite)."
  value       = module.secrets.api_keys_parameter_name
}

output "pii_hmac_key_parameter_name" {
  description = "SSM parameter holding ADSERVE_PII_HMAC_KEY."
  value       = module.secrets.pii_hmac_key_parameter_name
}

output "gpu_autoscaling_group_name" {
  description = "Autoscaling group of the GPU capacity provider."
  value       = module.gpu_capacity.autoscaling_group_name
}

output "vpc_id" {
  description = "VPC of the platform."
  value       = module.network.vpc_id
}

output "data_lake" {
  description = "EMR Serverless application id, job role, lake URI and bucket for scripts/submit_spark.sh (null when enable_data_lake is false)."
  value = var.enable_data_lake ? {
    application_id = module.data_lake[0].application_id
    job_role_arn   = module.data_lake[0].job_role_arn
    lake_uri       = module.data_lake[0].lake_uri
    bucket         = module.data_lake[0].bucket_id
  } : null
}
