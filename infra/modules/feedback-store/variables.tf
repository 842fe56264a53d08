variable "name" {
  description = "Name of the file system and prefix of its security groups."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the mount targets."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets that get a mount target (one per zone)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key encrypting the file system."
  type        = string
}

variable "posix_uid" {
  description = "UID the access point enforces; matches the bento image's non-root user."
  type        = number
  default     = 1034
}

variable "posix_gid" {
  description = "GID the access point enforces."
  type        = number
  default     = 1034
}

variable "tags" {
  description = "Tags applied to the file system resources."
  type        = map(string)
  default     = {}
}
