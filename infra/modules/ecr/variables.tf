variable "name_prefix" {
  description = "Prefix of every repository name (<name_prefix>/<bento>)."
  type        = string
}

variable "repository_names" {
  description = "Bento names; one repository is created for each."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "ARN of the KMS key used to encrypt images at rest."
  type        = string
}

variable "max_image_count" {
  description = "Number of most recent images kept per repository; older ones expire. Keep it above the number of releases you may need to roll back to."
  type        = number
  default     = 30
}

variable "untagged_image_expiry_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 7
}

variable "force_delete" {
  description = "Allow Terraform to delete repositories that still contain images."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to the repositories."
  type        = map(string)
  default     = {}
}
