################################################################################
# General
################################################################################

variable "project" {
  description = "Project name, first part of every resource name."
  type        = string
  default     = "adserve"
}

variable "environment" {
  description = "Environment name (dev, prod, ...), second part of every resource name."
  type        = string
}

variable "tags" {
  description = "Extra tags for all resources (Project and Environment are always added)."
  type        = map(string)
  default     = {}
}

################################################################################
# Releases
################################################################################

variable "image_tags" {
  description = "Image tag (bento version) per service, e.g. { recommend = \"abc123\" }. A service without a tag is not deployed yet. Written by scripts/deploy.sh into deploy.auto.tfvars.json."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.image_tags) : contains(["recommend", "text", "vision", "creative", "campaign"], k)])
    error_message = "image_tags keys must be service names: recommend, text, vision, creative, campaign."
  }
}

variable "model_aliases" {
  description = "Alias or version per model name, e.g. { \"recommend-lightfm\" = \"production\" }; becomes ADSERVE_<NAME>_MODEL=<model>:<alias>. Moving an alias in S3 needs only a new deployment; changing this map creates a new task definition."
  type        = map(string)
  default     = {}
}

variable "default_model_alias" {
  description = "Alias used for models missing from model_aliases."
  type        = string
  default     = "production"
}

################################################################################
# Services
################################################################################

variable "service_overrides" {
  description = "Per-service numeric overrides of the service catalog in main.tf, e.g. { text = { cpu = 8192, memory = 32768, max_capacity = 10 } }. Keys: cpu, memory, gpu_count, ephemeral_storage_gib, health_check_start_period, desired_count, min_capacity, max_capacity, concurrency_per_replica, mean_latency_seconds, cpu_target_utilization, inflight_target_per_replica."
  type        = map(map(number))
  default     = {}

  validation {
    condition = alltrue(flatten([
      for svc, o in var.service_overrides : [
        for k in keys(o) : contains([
          "cpu", "memory", "gpu_count", "ephemeral_storage_gib", "health_check_start_period",
          "desired_count", "min_capacity", "max_capacity", "concurrency_per_replica",
          "mean_latency_seconds", "cpu_target_utilization", "inflight_target_per_replica",
        ], k)
      ]
    ]))
    error_message = "Unknown key in service_overrides (see the variable description for the allowed keys)."
  }
}

variable "scale_to_zero_services" {
  description = "Services allowed to scale to zero tasks when idle (step scaling on ALB request alarms wakes them; expect a cold start, see infra/README.md)."
  type        = list(string)
  default     = []
}

variable "scale_to_zero_idle_minutes" {
  description = "Minutes without requests before a scale-to-zero service stops its tasks."
  type        = number
  default     = 30
}

variable "use_fargate_spot" {
  description = "Run CPU services mostly on Fargate Spot (one on-demand task as base). Cheaper; Spot tasks can be interrupted with two minutes' notice."
  type        = bool
  default     = false
}

variable "enable_execute_command" {
  description = "Enable ECS Exec on all services."
  type        = bool
  default     = false
}

variable "container_insights" {
  description = "Container Insights setting of the cluster (enhanced, enabled or disabled). Scale to zero and GPU in-flight scaling read its task counts."
  type        = string
  default     = "enabled"
}

variable "log_retention_days" {
  description = "Retention of service, WAF, flow-log and cluster log groups in days."
  type        = number
  default     = 365
}

################################################################################
# GPU fleet
################################################################################

variable "gpu_instance_types" {
  description = "GPU instance types for the creative service's capacity provider, in order of preference."
  type        = list(string)
  default     = ["g6.xlarge", "g5.xlarge"]
}

variable "gpu_min_instances" {
  description = "Minimum GPU instances (0 lets the fleet drain completely when no GPU task runs)."
  type        = number
  default     = 0
}

variable "gpu_max_instances" {
  description = "Maximum GPU instances."
  type        = number
  default     = 2
}

variable "gpu_on_demand_base_capacity" {
  description = "GPU instances that are always on-demand."
  type        = number
  default     = 0
}

variable "gpu_spot_percentage" {
  description = "Percentage of GPU instances above the on-demand base that are Spot."
  type        = number
  default     = 0
}

variable "gpu_root_volume_size_gib" {
  description = "Root volume size of GPU instances in GiB."
  type        = number
  default     = 150
}

################################################################################
# Network
################################################################################

variable "create_vpc" {
  description = "Create a VPC. Set to false and give vpc_id and subnet IDs to use an existing network."
  type        = bool
  default     = true
}

variable "vpc_cidr" {
  description = "CIDR of the created VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "azs" {
  description = "Availability zone names of the created VPC (two to four, e.g. [\"eu-west-1a\", \"eu-west-1b\"])."
  type        = list(string)
  default     = []
}

variable "single_nat_gateway" {
  description = "One NAT gateway shared by all zones (cheaper) instead of one per zone."
  type        = bool
  default     = true
}

variable "vpc_id" {
  description = "Existing VPC ID (create_vpc = false)."
  type        = string
  default     = null
}

variable "private_subnet_ids" {
  description = "Existing private subnet IDs (create_vpc = false)."
  type        = list(string)
  default     = []
}

variable "public_subnet_ids" {
  description = "Existing public subnet IDs for the ALB (create_vpc = false)."
  type        = list(string)
  default     = []
}

variable "private_route_table_ids" {
  description = "Route tables of existing private subnets for the S3 gateway endpoint (create_vpc = false)."
  type        = list(string)
  default     = []
}

variable "enable_interface_endpoints" {
  description = "Create interface VPC endpoints for ECR, CloudWatch Logs, SSM, ECS and STS."
  type        = bool
  default     = false
}

################################################################################
# Edge
################################################################################

variable "certificate_arn" {
  description = "ACM certificate ARN for the HTTPS listener."
  type        = string
}

variable "domain_name" {
  description = "DNS name of the API (matching the certificate), used in endpoint URLs."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Route 53 zone in which to create an alias for domain_name (null = DNS managed elsewhere)."
  type        = string
  default     = null
}

variable "alb_ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "alb_ingress_cidr_blocks" {
  description = "CIDRs allowed to reach the ALB on 80/443."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "alb_idle_timeout_seconds" {
  description = "ALB idle timeout in seconds."
  type        = number
  default     = 300
}

variable "alb_deletion_protection" {
  description = "Protect the ALB from deletion."
  type        = bool
  default     = true
}

variable "enable_waf" {
  description = "Attach a WAFv2 web ACL to the ALB."
  type        = bool
  default     = false
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Per-IP request limit per 5 minutes enforced by the WAF."
  type        = number
  default     = 2000
}

################################################################################
# Storage
################################################################################

variable "model_bucket_name" {
  description = "Name of the model-store bucket (null = <project>-<environment>-models-<account id>)."
  type        = string
  default     = null
}

variable "access_log_bucket_name" {
  description = "Name of the access-log bucket (null = <project>-<environment>-access-logs-<account id>)."
  type        = string
  default     = null
}

variable "access_log_retention_days" {
  description = "Days after which S3 and ALB access logs expire."
  type        = number
  default     = 365
}

variable "model_noncurrent_version_expiration_days" {
  description = "Days after which superseded model-store object versions expire."
  type        = number
  default     = 90
}

variable "model_noncurrent_versions_to_keep" {
  description = "Newest superseded versions per object kept regardless of age."
  type        = number
  default     = 3
}

variable "force_destroy_buckets" {
  description = "Allow destroying buckets that still hold objects (throw-away environments only)."
  type        = bool
  default     = false
}

variable "ecr_max_image_count" {
  description = "Images kept per ECR repository."
  type        = number
  default     = 30
}

variable "ecr_force_delete" {
  description = "Allow destroying ECR repositories that still hold images."
  type        = bool
  default     = false
}

variable "feedback_db_min_acu" {
  description = "Smallest Aurora Serverless v2 capacity of the feedback store (ACU)."
  type        = number
  default     = 0.5
}

variable "feedback_db_max_acu" {
  description = "Largest Aurora Serverless v2 capacity of the feedback store (ACU)."
  type        = number
  default     = 8
}

variable "feedback_db_backup_retention_days" {
  description = "Point-in-time recovery window of the feedback store (days, 7-35)."
  type        = number
  default     = 14
}

variable "feedback_db_deletion_protection" {
  description = "Refuse to delete the feedback database (turn off only to tear an environment down)."
  type        = bool
  default     = true
}

variable "feedback_ship_every_s" {
  description = "Campaign tasks ship feedback to the Parquet lake this often (one shipper at a time, a database lease); 0 = off."
  type        = number
  default     = 300
}

variable "enable_data_lake" {
  description = "Create the data lake: an EMR Serverless Spark application, its lake bucket (KMS, lifecycle) and a job role limited to the lake prefix."
  type        = bool
  default     = false
}

variable "lake_bucket_name" {
  description = "Name of the lake bucket (default <project>-<environment>-lake-<account id>)."
  type        = string
  default     = null
}

variable "data_lake_max_vcpu" {
  description = "Upper bound of the EMR Serverless application's vCPU."
  type        = number
  default     = 64
}

variable "data_lake_max_memory_gb" {
  description = "Upper bound of the EMR Serverless application's memory in GB."
  type        = number
  default     = 256
}
