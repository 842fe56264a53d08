provider "aws" {
  region              = var.aws_region
  allowed_account_ids = length(var.allowed_account_ids) > 0 ? var.allowed_account_ids : null

  default_tags {
    tags = {
      ManagedBy = "terraform"
      Stack     = "${var.project}-dev"
    }
  }
}

provider "random" {}

module "stack" {
  source = "../../stack"

  project     = var.project
  environment = "dev"
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

  # dev: cost first. One NAT gateway, no interface endpoints, Fargate Spot,
  # GPU fleet drains to zero, throw-away buckets and registries.
  single_nat_gateway          = true
  enable_interface_endpoints  = false
  use_fargate_spot            = true
  gpu_min_instances           = 0
  gpu_on_demand_base_capacity = 0
  gpu_spot_percentage         = 0
  scale_to_zero_idle_minutes  = 20
  enable_waf                  = false
  alb_deletion_protection     = false
  force_destroy_buckets       = true
  ecr_force_delete            = true
  enable_execute_command      = true
  container_insights          = "enabled"
}
