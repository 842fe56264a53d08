variable "name" {
  description = "Name prefix for the VPC and its resources."
  type        = string
}

variable "create_vpc" {
  description = "Create a new VPC. Set to false to use an existing VPC given by vpc_id and the subnet ID variables."
  type        = bool
  default     = true
}

variable "vpc_cidr" {
  description = "CIDR block of the new VPC (ignored when create_vpc = false). Private subnets are /20s, public subnets /24s carved from it."
  type        = string
  default     = "10.40.0.0/16"
}

variable "azs" {
  description = "Availability zone names of the new VPC, one private and one public subnet each (e.g. [\"eu-west-1a\", \"eu-west-1b\"]). Listed explicitly so the set never changes when AWS adds a zone."
  type        = list(string)
  default     = []

  validation {
    condition     = !var.create_vpc || (length(var.azs) >= 2 && length(var.azs) <= 4)
    error_message = "A new VPC needs two to four availability zones in azs (an ALB needs at least two)."
  }
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway for all zones (cheaper, not zone-redundant) instead of one per zone."
  type        = bool
  default     = true
}

variable "enable_flow_log" {
  description = "Send VPC flow logs to a KMS-encrypted CloudWatch log group (new VPC only)."
  type        = bool
  default     = true
}

variable "vpc_id" {
  description = "ID of an existing VPC (used when create_vpc = false)."
  type        = string
  default     = null
}

variable "private_subnet_ids" {
  description = "Existing private subnet IDs for tasks and GPU instances (used when create_vpc = false). They need outbound access (NAT or VPC endpoints)."
  type        = list(string)
  default     = []
}

variable "public_subnet_ids" {
  description = "Existing public subnet IDs for the internet-facing ALB (used when create_vpc = false)."
  type        = list(string)
  default     = []
}

variable "private_route_table_ids" {
  description = "Route tables of the existing private subnets, for the S3 gateway endpoint (used when create_vpc = false; empty skips the endpoint)."
  type        = list(string)
  default     = []
}

variable "enable_interface_endpoints" {
  description = "Create interface VPC endpoints (ECR, CloudWatch Logs, SSM, ECS, STS). Each costs an hourly fee per zone; they remove NAT data charges for image pulls and logs."
  type        = bool
  default     = false
}

variable "interface_endpoint_services" {
  description = "AWS services that get an interface endpoint when enable_interface_endpoints = true."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "ssm", "ssmmessages", "ecs", "ecs-agent", "ecs-telemetry", "sts"]
}

variable "log_retention_days" {
  description = "Retention of the VPC flow-log group in days."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "KMS key ARN encrypting the flow-log group."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to all network resources."
  type        = map(string)
  default     = {}
}
