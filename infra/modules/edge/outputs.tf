output "alb_arn" {
  description = "ARN of the load balancer."
  value       = module.alb.arn
}

output "alb_arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension)."
  value       = module.alb.arn_suffix
}

output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = module.alb.dns_name
}

output "alb_zone_id" {
  description = "Hosted zone ID of the load balancer, for alias records."
  value       = module.alb.zone_id
}

output "security_group_id" {
  description = "Security group of the load balancer."
  value       = module.alb.security_group_id
}

output "target_group_arns" {
  description = "Map of service name to target group ARN."
  value       = { for svc, tg in module.alb.target_groups : svc => tg.arn }
}

output "target_group_arn_suffixes" {
  description = "Map of service name to target group ARN suffix (CloudWatch dimension)."
  value       = { for svc, tg in module.alb.target_groups : svc => tg.arn_suffix }
}

output "base_url" {
  description = "HTTPS base URL of the platform."
  value       = local.base_url
}

output "endpoint_urls" {
  description = "Map of service name to the full URLs of its API paths."
  value       = { for svc, cfg in var.services : svc => [for p in cfg.paths : "${local.base_url}${p}"] }
}

output "web_acl_arn" {
  description = "ARN of the WAF web ACL (null when WAF is disabled)."
  value       = try(aws_wafv2_web_acl.this[0].arn, null)
}
