variable "project" {
  description = "Project name, first part of every resource name."
  type        = string
  default     = "adserve"
}

variable "aws_region" {
  description = "AWS region of the environment."
  type        = string
  default     = "eu-west-1"
}

variable "allowed_account_ids" {
  description = "AWS account IDs this environment may be applied to (guards against the wrong credentials); empty allows any."
  type        = list(string)
  default     = []
}

variable "certificate_arn" {
  description = "ACM certificate ARN (same region) for the HTTPS listener."
  type        = string
}

variable "domain_name" {
  description = "DNS name of the API, matching the certificate (used for endpoint URLs)."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Route 53 zone in which to create an alias record for domain_name; null if DNS is managed elsewhere."
  type        = string
  default     = null
}

variable "image_tags" {
  description = "Image tag (bento version) per service; written by scripts/deploy.sh to deploy.auto.tfvars.json. Services without a tag are not deployed yet."
  type        = map(string)
  default     = {}
}

variable "model_aliases" {
  description = "Alias or version per model name (e.g. { \"creative-diffusion\" = \"production\" }); written by scripts/deploy.sh."
  type        = map(string)
  default     = {}
}

variable "service_overrides" {
  description = "Per-service numeric overrides of the service catalog (see infra/stack/variables.tf)."
  type        = map(map(number))
  default = {
    recommend = { min_capacity = 2, max_capacity = 12 }
    text      = { min_capacity = 2, max_capacity = 10 }
    vision    = { min_capacity = 2, max_capacity = 10 }
    campaign  = { min_capacity = 2, max_capacity = 8 }
    creative  = { min_capacity = 1, max_capacity = 4 }
  }
}

variable "scale_to_zero_services" {
  description = "Services that scale to zero tasks when idle."
  type        = list(string)
  default     = []
}

variable "gpu_instance_types" {
  description = "GPU instance types for the creative service, in order of preference."
  type        = list(string)
  default     = ["g6.xlarge", "g5.xlarge"]
}

variable "gpu_max_instances" {
  description = "Maximum number of GPU instances."
  type        = number
  default     = 4
}

variable "alb_ingress_cidr_blocks" {
  description = "CIDRs allowed to reach the ALB on 80/443."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "create_vpc" {
  description = "Create a VPC; set to false and fill vpc_id and the subnet lists to use an existing one."
  type        = bool
  default     = true
}

variable "vpc_cidr" {
  description = "CIDR of the created VPC."
  type        = string
  default     = "10.50.0.0/16"
}

variable "azs" {
  description = "Availability zones of the created VPC; must belong to aws_region."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

variable "vpc_id" {
  description = "Existing VPC ID (create_vpc = false)."
  type        = string
  default     = null
}

variable "private_subnet_ids" {
  description = "Existing private subnet IDs (create_vpc = false)."
  type        = list(string)
  default     = []
}

variable "public_subnet_ids" {
  description = "Existing public subnet IDs (create_vpc = false)."
  type        = list(string)
  default     = []
}

variable "private_route_table_ids" {
  description = "Existing private route table IDs for the S3 gateway endpoint (create_vpc = false)."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}
