variable "name" {
  description = "Name of the key; also used for the alias (alias/<name>)."
  type        = string
}

variable "rotation_period_in_days" {
  description = "Days between automatic rotations of the key material (90-2560)."
  type        = number
  default     = 365
}

variable "deletion_window_in_days" {
  description = "Waiting period before a scheduled key deletion completes (7-30 days)."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags applied to the key."
  type        = map(string)
  default     = {}
}
