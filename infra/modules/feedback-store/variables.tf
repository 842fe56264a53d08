variable "name" {
  description = "Name of the database cluster and prefix of its resources."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the database (at least two zones)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key encrypting storage, Performance Insights, the DSN secret and the backup vault."
  type        = string
}

variable "engine_version" {
  description = "Aurora PostgreSQL version (family aurora-postgresql16)."
  type        = string
  default     = "16.4"
}

variable "min_capacity_acu" {
  description = "Smallest Serverless v2 capacity (ACU)."
  type        = number
  default     = 0.5
}

variable "max_capacity_acu" {
  description = "Largest Serverless v2 capacity (ACU)."
  type        = number
  default     = 8
}

variable "instance_count" {
  description = "Serverless v2 instances: 1 writer, plus readers in other zones for a fast failover."
  type        = number
  default     = 2
}

variable "backup_retention_days" {
  description = "Automated backups (point-in-time recovery) kept this many days."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "backup_vault_retention_days" {
  description = "Daily AWS Backup snapshots kept this many days."
  type        = number
  default     = 35
}

variable "deletion_protection" {
  description = "Refuse to delete the cluster (turn off only to tear an environment down)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to the database resources."
  type        = map(string)
  default     = {}
}
