provider "aws" {
  region              = var.aws_region
  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null

  default_tags {
    tags = {
      ManagedBy = "terraform"
      Stack     = "${var.project}-prod"
    }
  }
}

provider "random" {}

module "stack" {
  source = "../../stack"

  project     = var.project
  environment = "prod"
  tags        = var.tags

  # Releases (scripts/deploy.sh)
  image_tags    = var.image_tags
  model_aliases = var.model_aliases

  # Edge
  certificate_arn         = var.certificate_arn
  domain_name             = var.domain_name
  route53_zone_id         = var.route53_zone_id
  alb_ingress_cidr_blocks = var.alb_ingress_cidr_blocks

  # Network
  create_vpc              = var.create_vpc
  vpc_cidr                = var.vpc_cidr
  azs                     = var.azs
  vpc_id                  = var.vpc_id
  private_subnet_ids      = var.private_subnet_ids
  public_subnet_ids       = var.public_subnet_ids
  private_route_table_ids = var.private_route_table_ids

  # Services and GPU fleet
  capability_paths       = var.capability_paths
  service_overrides      = var.service_overrides
  scale_to_zero_services = var.scale_to_zero_services
  gpu_instance_types     = var.gpu_instance_types
  gpu_max_instances      = var.gpu_max_instances

  # prod: availability first. Three zones with a NAT gateway each, interface
  # endpoints, on-demand capacity, WAF and deletion protection.
  single_nat_gateway          = false
  enable_interface_endpoints  = true
  use_fargate_spot            = false
  gpu_min_instances           = 1
  gpu_on_demand_base_capacity = 1
  gpu_spot_percentage         = 0
  scale_to_zero_idle_minutes  = 60
  enable_waf                  = true
  alb_deletion_protection     = true
  force_destroy_buckets       = false
  ecr_force_delete            = false
  enable_execute_command      = false
  container_insights          = "enhanced"
}
