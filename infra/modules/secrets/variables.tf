variable "name_prefix" {
  description = "Parameter path prefix; parameters are created as /<name_prefix>/<name>."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the KMS key encrypting the SecureString parameters."
  type        = string
}

variable "tags" {
  description = "Tags applied to the parameters."
  type        = map(string)
  default     = {}
}
