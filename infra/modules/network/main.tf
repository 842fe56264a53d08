# Network for the platform: either a new VPC (terraform-aws-modules/vpc) with
# public subnets for the ALB and private subnets for tasks and GPU instances, or
# an existing VPC passed in by subnet IDs. VPC endpoints keep S3 (gateway) and,
# optionally, ECR/CloudWatch/SSM/ECS traffic (interface) off the NAT gateways.

data "aws_vpc" "existing" {
  count = var.create_vpc ? 0 : 1
  id    = var.vpc_id
}

locals {
  vpc_id                  = var.create_vpc ? module.vpc.vpc_id : var.vpc_id
  vpc_cidr_block          = var.create_vpc ? module.vpc.vpc_cidr_block : data.aws_vpc.existing[0].cidr_block
  private_subnet_ids      = var.create_vpc ? module.vpc.private_subnets : var.private_subnet_ids
  public_subnet_ids       = var.create_vpc ? module.vpc.public_subnets : var.public_subnet_ids
  private_route_table_ids = var.create_vpc ? module.vpc.private_route_table_ids : var.private_route_table_ids

  interface_endpoints = var.enable_interface_endpoints ? var.interface_endpoint_services : []
}

module "vpc" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact release (version = "5.21.0") as the platform standard requires; registry releases are immutable, a Git commit source would bypass the registry.
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.21.0"

  create_vpc = var.create_vpc

  name = var.name
  cidr = var.vpc_cidr
  azs  = var.azs

  private_subnets = [for i in range(length(var.azs)) : cidrsubnet(var.vpc_cidr, 4, i)]
  public_subnets  = [for i in range(length(var.azs)) : cidrsubnet(var.vpc_cidr, 8, 200 + i)]

  enable_nat_gateway     = true
  single_nat_gateway     = var.single_nat_gateway
  one_nat_gateway_per_az = !var.single_nat_gateway

  enable_dns_hostnames    = true
  enable_dns_support      = true
  map_public_ip_on_launch = false

  # Take over the default security group and leave it without rules.
  manage_default_security_group  = true
  default_security_group_ingress = []
  default_security_group_egress  = []

  enable_flow_log                                 = var.enable_flow_log
  create_flow_log_cloudwatch_log_group            = var.enable_flow_log
  create_flow_log_cloudwatch_iam_role             = var.enable_flow_log
  flow_log_max_aggregation_interval               = 60
  flow_log_cloudwatch_log_group_retention_in_days = var.log_retention_days
  flow_log_cloudwatch_log_group_kms_key_id        = var.kms_key_arn

  tags = var.tags
}

module "endpoints" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact release (version = "5.21.0") as the platform standard requires; registry releases are immutable, a Git commit source would bypass the registry.
  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"
  version = "5.21.0"

  vpc_id = local.vpc_id

  create_security_group      = length(local.interface_endpoints) > 0
  security_group_name_prefix = "${var.name}-vpce-"
  security_group_description = "HTTPS from inside the VPC to the interface endpoints"
  security_group_rules = {
    ingress_https = {
      description = "HTTPS from the VPC"
      cidr_blocks = [local.vpc_cidr_block]
    }
  }

  subnet_ids = local.private_subnet_ids

  endpoints = merge(
    length(local.private_route_table_ids) > 0 ? {
      s3 = {
        service         = "s3"
        service_type    = "Gateway"
        route_table_ids = local.private_route_table_ids
        tags            = { Name = "${var.name}-s3" }
      }
    } : {},
    {
      for svc in local.interface_endpoints : replace(svc, ".", "-") => {
        service             = svc
        private_dns_enabled = true
        tags                = { Name = "${var.name}-${svc}" }
      }
    },
  )

  tags = var.tags
}
