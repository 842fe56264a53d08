variable "name" {
  description = "Name prefix for the GPU fleet resources."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster the instances join."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the instances."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the instances are launched in."
  type        = list(string)
}

variable "instance_types" {
  description = "GPU instance types, in order of preference (the first is the launch template default). All must have at least as many GPUs, vCPUs and memory as the largest GPU task."
  type        = list(string)
  default     = ["g6.xlarge", "g5.xlarge"]

  validation {
    condition     = length(var.instance_types) > 0
    error_message = "Give at least one instance type."
  }
}

variable "min_size" {
  description = "Minimum number of GPU instances. 0 lets the fleet scale to zero when no GPU task runs."
  type        = number
  default     = 0
}

variable "max_size" {
  description = "Maximum number of GPU instances."
  type        = number
  default     = 2
}

variable "on_demand_base_capacity" {
  description = "Number of instances that are always on-demand before spot_percentage applies."
  type        = number
  default     = 0
}

variable "spot_percentage" {
  description = "Percentage of instances above the on-demand base that are Spot (0 = all on-demand)."
  type        = number
  default     = 0

  validation {
    condition     = var.spot_percentage >= 0 && var.spot_percentage <= 100
    error_message = "spot_percentage must be between 0 and 100."
  }
}

variable "ami_ssm_parameter" {
  description = "Public SSM parameter holding the ECS GPU-optimized AMI ID."
  type        = string
  default     = "/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id"
}

variable "ami_id" {
  description = "Pin a specific AMI instead of reading ami_ssm_parameter (null = latest recommended)."
  type        = string
  default     = null
}

variable "root_volume_size_gib" {
  description = "Root volume size in GiB; holds container images (the creative image with CUDA is large) and the pulled model."
  type        = number
  default     = 150
}

variable "enable_ssm_session_manager" {
  description = "Attach AmazonSSMManagedInstanceCore so operators can open Session Manager shells on instances."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to the fleet resources and propagated to instances."
  type        = map(string)
  default     = {}
}
