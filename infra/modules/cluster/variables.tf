variable "name" {
  description = "Name of the ECS cluster."
  type        = string
}

variable "service_connect_namespace" {
  description = "Name of the Cloud Map HTTP namespace used by Service Connect."
  type        = string
}

variable "ec2_capacity_providers" {
  description = "EC2 capacity providers to create, keyed by capacity provider name. Each points at an autoscaling group whose instances join this cluster."
  type = map(object({
    auto_scaling_group_arn    = string
    target_capacity           = optional(number, 100)
    maximum_scaling_step_size = optional(number, 2)
    instance_warmup_period    = optional(number, 300)
  }))
  default = {}
}

variable "container_insights" {
  description = "Container Insights setting: \"enhanced\", \"enabled\" or \"disabled\". The scale-to-zero alarms and GPU in-flight scaling read Container Insights task counts, so keep it on."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enhanced", "enabled", "disabled"], var.container_insights)
    error_message = "container_insights must be enhanced, enabled or disabled."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN for ECS Exec session encryption and the cluster log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention in days of the cluster (ECS Exec) log group."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags applied to the cluster resources."
  type        = map(string)
  default     = {}
}
