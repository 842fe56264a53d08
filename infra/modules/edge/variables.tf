variable "name" {
  description = "Name of the load balancer (at most 32 characters) and prefix of the WAF resources."
  type        = string

  validation {
    condition     = length(var.name) <= 32
    error_message = "An ALB name has at most 32 characters."
  }
}

variable "vpc_id" {
  description = "VPC of the load balancer and target groups."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR of the VPC; the ALB may only send traffic there, on the target port."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets (at least two zones) for the internet-facing ALB."
  type        = list(string)
}

variable "services" {
  description = "Services behind the ALB: API paths routed to each (exact paths or ALB wildcards) and the target group health check path."
  type = map(object({
    paths             = list(string)
    health_check_path = optional(string, "/readyz")
  }))
}

variable "target_port" {
  description = "Container port the target groups forward to."
  type        = number
  default     = 3000
}

variable "certificate_arn" {
  description = "ARN of the ACM certificate for the HTTPS listener (in the same region as the ALB)."
  type        = string
}

variable "ssl_policy" {
  description = "TLS negotiation policy of the HTTPS listener (TLS 1.3 with TLS 1.2 fallback by default)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "ingress_cidr_blocks" {
  description = "IPv4 CIDRs allowed to reach ports 80 and 443."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "idle_timeout_seconds" {
  description = "ALB idle timeout; long enough for streamed descriptions and image generation."
  type        = number
  default     = 300
}

variable "deregistration_delay_seconds" {
  description = "Time the ALB lets in-flight requests finish on a deregistering task."
  type        = number
  default     = 60
}

variable "deletion_protection" {
  description = "Protect the ALB from deletion."
  type        = bool
  default     = true
}

variable "access_logs_bucket_id" {
  description = "Bucket receiving ALB access logs (SSE-S3, with the ELB log delivery policy)."
  type        = string
}

variable "enable_waf" {
  description = "Attach a WAFv2 web ACL (AWS managed common, known-bad-inputs and IP reputation rules, per-IP rate limit)."
  type        = bool
  default     = false
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests per client IP per 5 minutes before the WAF blocks it."
  type        = number
  default     = 2000
}

variable "log_retention_days" {
  description = "Retention of the WAF log group in days."
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "KMS key encrypting the WAF log group."
  type        = string
}

variable "domain_name" {
  description = "DNS name served by the certificate (e.g. api.example.com); used for the endpoint URLs and the optional Route 53 record."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Hosted zone in which to create an alias record for domain_name (null = manage DNS elsewhere)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to the edge resources."
  type        = map(string)
  default     = {}
}
