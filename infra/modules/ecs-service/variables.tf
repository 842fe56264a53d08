################################################################################
# Identity and image
################################################################################

variable "name" {
  description = "Short service name (recommend, text, ...). Used as ECS service name, container name and Service Connect DNS name."
  type        = string
}

variable "name_prefix" {
  description = "Prefix for AWS resource names, usually <project>-<environment>."
  type        = string
}

variable "image" {
  description = "Full container image reference (<repository-url>:<tag>)."
  type        = string
}

variable "ecr_repository_arn" {
  description = "ARN of the ECR repository the image is pulled from; the execution role may pull only from it."
  type        = string
}

################################################################################
# Placement and size
################################################################################

variable "cluster_name" {
  description = "Name of the ECS cluster."
  type        = string
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster."
  type        = string
}

variable "compute" {
  description = "\"fargate\" for Fargate capacity providers or \"ec2\" for an EC2 (GPU) capacity provider."
  type        = string
  default     = "fargate"

  validation {
    condition     = contains(["fargate", "ec2"], var.compute)
    error_message = "compute must be fargate or ec2."
  }
}

variable "capacity_provider_strategy" {
  description = "Capacity provider strategy of the service (e.g. FARGATE / FARGATE_SPOT weights, or the GPU capacity provider)."
  type = list(object({
    capacity_provider = string
    weight            = number
    base              = optional(number, 0)
  }))
}

variable "cpu" {
  description = "Task CPU units (1024 = 1 vCPU)."
  type        = number
}

variable "memory" {
  description = "Task memory in MiB."
  type        = number
}

variable "gpu_count" {
  description = "GPUs reserved for the container through resourceRequirements (EC2 only; 0 for CPU services)."
  type        = number
  default     = 0

  validation {
    condition     = var.gpu_count >= 0
    error_message = "gpu_count cannot be negative."
  }
}

variable "ephemeral_storage_gib" {
  description = "Fargate ephemeral storage in GiB (21-200); must hold the image and the model pulled from S3."
  type        = number
  default     = 30
}

variable "container_port" {
  description = "Port the BentoML server listens on."
  type        = number
  default     = 3000
}

################################################################################
# Health
################################################################################

variable "health_check_path" {
  description = "Liveness endpoint of the container health check: ECS replaces a task that fails it, so it must not wait for the model (a first load that fails retries with back-off). The ALB target group checks /readyz, so traffic waits for the model."
  type        = string
  default     = "/livez"
}

variable "health_check_start_period" {
  description = "Seconds a new task gets to pull its model from S3 and load it before failed health checks count (container start period, capped at 300 s by ECS, plus the service grace period)."
  type        = number
  default     = 300
}

variable "health_check_interval" {
  description = "Seconds between container health checks."
  type        = number
  default     = 30
}

variable "health_check_retries" {
  description = "Consecutive failed container health checks before a task is replaced."
  type        = number
  default     = 3
}

################################################################################
# Configuration
################################################################################

variable "environment" {
  description = "Plain environment variables of the container (no secrets)."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variable name to SSM parameter ARN; resolved by ECS at task start."
  type        = map(string)
  default     = {}
}

variable "secrets_manager_secrets" {
  description = "Environment variable name to a JSON key of a Secrets Manager secret (e.g. ADSERVE_FEEDBACK_DSN); resolved by ECS at task start."
  type = map(object({
    secret_arn = string
    json_key   = string
  }))
  default = {}
}

variable "secrets_kms_key_arn" {
  description = "KMS key encrypting the secrets; the execution role may decrypt with it through SSM and Secrets Manager only."
  type        = string
  default     = null
}

################################################################################
# Data access
################################################################################

variable "model_bucket_arn" {
  description = "ARN of the model-store bucket."
  type        = string
}

variable "model_names" {
  description = "Model names this service loads; the task role may read only models/<name>/* for these."
  type        = list(string)
  default     = []
}

variable "model_kms_key_arn" {
  description = "KMS key encrypting the model store; the task role may use it only through S3."
  type        = string
}

variable "feedback_s3_prefix" {
  description = "Key prefix (e.g. \"feedback/\") the task may write to in the model-store bucket; null for read-only services."
  type        = string
  default     = null
}

variable "catalog_log_s3_prefix" {
  description = "Key prefix (e.g. \"catalog-additions/\") of the recommend service's catalog-additions log in the model-store bucket: the task lists, reads and writes it; null for services without one."
  type        = string
  default     = null
}


################################################################################
# Network and routing
################################################################################

variable "vpc_id" {
  description = "VPC of the task ENIs."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR of the VPC, used for egress to other services and EFS."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the task ENIs."
  type        = list(string)
}

variable "ingress_security_group_ids" {
  description = "Security groups allowed to reach the container port, keyed by a label used in the rule description (e.g. alb, service-clients)."
  type        = map(string)
  default     = {}
}

variable "additional_security_group_ids" {
  description = "Extra security groups attached to the task ENIs (e.g. membership groups for Service Connect clients or EFS)."
  type        = list(string)
  default     = []
}

variable "allow_service_egress" {
  description = "Allow egress on the container port to the VPC (needed by services that call other services)."
  type        = bool
  default     = false
}

variable "target_group_arn" {
  description = "ALB target group the tasks register in."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the target group (CloudWatch dimension TargetGroup)."
  type        = string
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension LoadBalancer)."
  type        = string
}

variable "service_connect_namespace_arn" {
  description = "Service Connect namespace ARN."
  type        = string
}

variable "service_connect_server" {
  description = "Publish the service in Service Connect as http://<name>:<port> for other services."
  type        = bool
  default     = true
}

variable "service_connect_request_timeout_seconds" {
  description = "Per-request timeout of the Service Connect proxy for calls to this service."
  type        = number
  default     = 300
}

################################################################################
# Scaling
################################################################################

variable "desired_count" {
  description = "Tasks started when the service is created; autoscaling owns the count afterwards."
  type        = number
  default     = 1
}

variable "min_capacity" {
  description = "Minimum number of tasks (ignored and set to 0 when scale_to_zero = true)."
  type        = number
  default     = 1
}

variable "max_capacity" {
  description = "Maximum number of tasks."
  type        = number
  default     = 4
}

variable "concurrency_per_replica" {
  description = "Concurrency per replica: concurrent requests one task sustains at its latency target, from the load tests. With mean_latency_seconds it sets the ALBRequestCountPerTarget target (concurrency x 60 / latency requests per minute)."
  type        = number
}

variable "mean_latency_seconds" {
  description = "Mean request latency in seconds at that concurrency, from the same load test."
  type        = number

  validation {
    condition     = var.mean_latency_seconds > 0
    error_message = "mean_latency_seconds must be positive."
  }
}

variable "cpu_target_utilization" {
  description = "Target average CPU utilization (percent) for the CPU target-tracking policy."
  type        = number
  default     = 60
}

variable "scale_in_cooldown_seconds" {
  description = "Cooldown after a scale-in activity."
  type        = number
  default     = 300
}

variable "scale_out_cooldown_seconds" {
  description = "Cooldown after a scale-out activity."
  type        = number
  default     = 60
}

variable "inflight_metrics" {
  description = "Enable the CloudWatch agent sidecar that publishes BentoML's in-flight request gauge, and a target-tracking policy on in-flight requests per replica. null disables both."
  type = object({
    target_per_replica      = number
    namespace               = optional(string, "Adserve/BentoML")
    agent_image             = optional(string, "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest")
    scrape_interval_seconds = optional(number, 30)
  })
  default = null
}

variable "scale_to_zero" {
  description = "Allow the service to scale to zero tasks when idle, with step scaling on ALB request alarms to wake it (see the cold-start cost in infra/README.md)."
  type        = bool
  default     = false
}

variable "scale_to_zero_idle_minutes" {
  description = "Minutes without requests before a scale-to-zero service stops its tasks."
  type        = number
  default     = 30
}

################################################################################
# Operations
################################################################################

variable "log_retention_days" {
  description = "Retention of the service log group in days."
  type        = number
  default     = 365
}

variable "log_kms_key_arn" {
  description = "KMS key encrypting the service log groups."
  type        = string
}

variable "enable_execute_command" {
  description = "Enable ECS Exec (interactive shells in running tasks)."
  type        = bool
  default     = false
}

variable "execute_command_kms_key_arn" {
  description = "KMS key of the cluster's ECS Exec configuration (task role may decrypt session data with it)."
  type        = string
  default     = null
}

variable "execute_command_log_group_arn" {
  description = "Log group receiving ECS Exec session logs."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to all resources of the service."
  type        = map(string)
  default     = {}
}
