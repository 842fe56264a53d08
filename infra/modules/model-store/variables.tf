variable "bucket_name" {
  description = "Globally unique name of the model-store bucket."
  type        = string
}

variable "access_log_bucket_id" {
  description = "Name of the bucket that receives S3 server access logs for the model store."
  type        = string
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which a superseded (noncurrent) object version is deleted."
  type        = number
  default     = 90
}

variable "noncurrent_versions_to_keep" {
  description = "Number of newest noncurrent versions per object that are never expired by the lifecycle rule."
  type        = number
  default     = 3
}

variable "model_tiering_after_days" {
  description = "Days after upload when model objects move to S3 Intelligent-Tiering."
  type        = number
  default     = 30
}

variable "kms_rotation_period_in_days" {
  description = "Days between automatic rotations of the model-store KMS key (90-2560)."
  type        = number
  default     = 365
}

variable "force_destroy" {
  description = "Allow Terraform to delete the bucket while it still holds objects (use only for throw-away environments)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to the bucket and key."
  type        = map(string)
  default     = {}
}
