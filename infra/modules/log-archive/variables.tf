variable "bucket_name" {
  description = "Globally unique name of the access-log bucket."
  type        = string
}

variable "source_bucket_arns" {
  description = "ARNs of the buckets allowed to deliver S3 server access logs into this bucket."
  type        = list(string)
  default     = []
}

variable "retention_days" {
  description = "Days after which access-log objects expire."
  type        = number
  default     = 365
}

variable "force_destroy" {
  description = "Allow Terraform to delete the bucket while it still holds objects (use only for throw-away environments)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to the bucket."
  type        = map(string)
  default     = {}
}
