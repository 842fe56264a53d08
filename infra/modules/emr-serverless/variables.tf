variable "name" {
  description = "Name prefix of the application, role, key and bucket (for example adserve-prod)."
  type        = string
}

variable "bucket_name" {
  description = "Globally unique name of the lake bucket (raw input, job code, the Parquet lake, job logs)."
  type        = string
}

variable "access_log_bucket_id" {
  description = "Name of the bucket that receives S3 server access logs for the lake bucket."
  type        = string
}

variable "lake_prefix" {
  description = "Prefix of the Parquet lake in the bucket; the job role may write only here (and to its log prefix)."
  type        = string
  default     = "lake"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*$", var.lake_prefix))
    error_message = "lake_prefix is one path segment of lower-case letters, digits, '-' or '_'."
  }
}

variable "release_label" {
  description = "EMR release of the Spark application (Spark 3.5 or later)."
  type        = string
  default     = "emr-7.5.0"
}

variable "max_vcpu" {
  description = "Upper bound of the application's total vCPU (caps the cost of one run)."
  type        = number
  default     = 64
}

variable "max_memory_gb" {
  description = "Upper bound of the application's total memory in GB."
  type        = number
  default     = 256
}

variable "idle_timeout_minutes" {
  description = "Minutes without a job after which the application stops (no charge while stopped)."
  type        = number
  default     = 15
}

variable "raw_expiration_days" {
  description = "Days after which raw input objects under raw/ expire (the lake keeps the cleaned rows)."
  type        = number
  default     = 90
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which a superseded lake object version is deleted."
  type        = number
  default     = 30
}

variable "job_log_retention_days" {
  description = "Days the job run logs under logs/ are kept (at least a year, like every platform log)."
  type        = number
  default     = 365

  validation {
    condition     = var.job_log_retention_days >= 365
    error_message = "job_log_retention_days must be at least 365."
  }
}

variable "kms_rotation_period_in_days" {
  description = "Days between automatic rotations of the lake KMS key (90-2560)."
  type        = number
  default     = 365
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete a non-empty lake bucket (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
