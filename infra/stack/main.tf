# Everything one environment needs, composed from the modules in ../modules.
# envs/dev and envs/prod call this module with their own settings.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  name       = "${var.project}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  tags       = merge(var.tags, { Project = var.project, Environment = var.environment })

  model_bucket_name      = coalesce(var.model_bucket_name, "${local.name}-models-${local.account_id}")
  access_log_bucket_name = coalesce(var.access_log_bucket_name, "${local.name}-access-logs-${local.account_id}")
  lake_bucket_name       = coalesce(var.lake_bucket_name, "${local.name}-lake-${local.account_id}")

  gpu_capacity_provider = "${local.name}-gpu"

  services = {
    for svc, base in local.service_catalog : svc => merge(base, lookup(var.service_overrides, svc, {}))
  }

  # A service is deployed once an image tag is set for it (scripts/deploy.sh
  # writes them), so the first apply can create registries before any image exists.
  deployed_services = {
    for svc, cfg in local.services : svc => cfg if lookup(var.image_tags, svc, null) != null
  }

  service_environment = {
    for svc, cfg in local.services : svc => merge(
      {
        ADSERVE_MODEL_STORE = module.model_store.model_store_uri
        ADSERVE_S3_REGION   = local.region
      },
      { for m in cfg.models : m.env => "${m.name}:${lookup(var.model_aliases, m.name, var.default_model_alias)}" },
      {
        for k, v in {
          BENTOML_RUNNER_MAP = jsonencode({ for dep in cfg.dependencies : local.service_class_names[dep] => "http://${dep}:3000" })
        } : k => v if length(cfg.dependencies) > 0
      },
      # The same addresses by name (ADSERVE_<SERVICE>_<DEPENDENCY>_URL), as scripts/start.sh sets them:
      # dependencies reached through the platform's client (vision from the campaign) read these.
      { for dep in cfg.dependencies : "ADSERVE_${upper(svc)}_${upper(dep)}_URL" => "http://${dep}:3000" },
      {
        for k, v in {
          ADSERVE_FEEDBACK_S3_URI       = "s3://${local.model_bucket_name}/feedback"
          ADSERVE_FEEDBACK_SHIP_EVERY_S = tostring(var.feedback_ship_every_s)
        } : k => v if cfg.feedback
      },
      cfg.catalog_log ? { ADSERVE_RECOMMEND_CATALOG_LOG = "s3://${local.model_bucket_name}/catalog-additions" } : {},
    )
  }

  fargate_strategy = var.use_fargate_spot ? [
    { capacity_provider = "FARGATE", weight = 1, base = 1 },
    { capacity_provider = "FARGATE_SPOT", weight = 3, base = 0 },
    ] : [
    { capacity_provider = "FARGATE", weight = 1, base = 0 },
  ]

  gpu_strategy = [
    { capacity_provider = local.gpu_capacity_provider, weight = 1, base = 0 },
  ]
}

################################################################################
# Keys, buckets, secrets, registries
################################################################################

module "platform_key" {
  source = "../modules/platform-key"

  name = local.name
  tags = local.tags
}

module "access_logs" {
  source = "../modules/log-archive"

  bucket_name = local.access_log_bucket_name
  source_bucket_arns = concat(
    ["arn:${data.aws_partition.current.partition}:s3:::${local.model_bucket_name}"],
    var.enable_data_lake ? ["arn:${data.aws_partition.current.partition}:s3:::${local.lake_bucket_name}"] : [],
  )
  retention_days = var.access_log_retention_days
  force_destroy  = var.force_destroy_buckets
  tags           = local.tags
}

module "model_store" {
  source = "../modules/model-store"

  bucket_name                        = local.model_bucket_name
  access_log_bucket_id               = module.access_logs.bucket_id
  noncurrent_version_expiration_days = var.model_noncurrent_version_expiration_days
  noncurrent_versions_to_keep        = var.model_noncurrent_versions_to_keep
  force_destroy                      = var.force_destroy_buckets
  tags                               = local.tags
}

# Data at scale (optional): the lake pipeline on EMR Serverless Spark, its lake bucket and job role.
module "data_lake" {
  source = "../modules/emr-serverless"
  count  = var.enable_data_lake ? 1 : 0

  name                 = local.name
  bucket_name          = local.lake_bucket_name
  access_log_bucket_id = module.access_logs.bucket_id
  max_vcpu             = var.data_lake_max_vcpu
  max_memory_gb        = var.data_lake_max_memory_gb
  force_destroy        = var.force_destroy_buckets
  tags                 = local.tags
}

module "secrets" {
  source = "../modules/secrets"

  name_prefix = local.name
  kms_key_arn = module.platform_key.key_arn
  tags        = local.tags
}

module "ecr" {
  source = "../modules/ecr"

  name_prefix      = local.name
  repository_names = keys(local.service_catalog)
  kms_key_arn      = module.platform_key.key_arn
  max_image_count  = var.ecr_max_image_count
  force_delete     = var.ecr_force_delete
  tags             = local.tags
}

################################################################################
# Network, edge, compute
################################################################################

module "network" {
  source = "../modules/network"

  name                       = local.name
  create_vpc                 = var.create_vpc
  vpc_cidr                   = var.vpc_cidr
  azs                        = var.azs
  single_nat_gateway         = var.single_nat_gateway
  vpc_id                     = var.vpc_id
  private_subnet_ids         = var.private_subnet_ids
  public_subnet_ids          = var.public_subnet_ids
  private_route_table_ids    = var.private_route_table_ids
  enable_interface_endpoints = var.enable_interface_endpoints
  log_retention_days         = var.log_retention_days
  kms_key_arn                = module.platform_key.key_arn
  tags                       = local.tags
}

module "edge" {
  source = "../modules/edge"

  name                         = local.name
  vpc_id                       = module.network.vpc_id
  vpc_cidr_block               = module.network.vpc_cidr_block
  public_subnet_ids            = module.network.public_subnet_ids
  services                     = { for svc, cfg in local.services : svc => { paths = cfg.paths } }
  certificate_arn              = var.certificate_arn
  ssl_policy                   = var.alb_ssl_policy
  ingress_cidr_blocks          = var.alb_ingress_cidr_blocks
  idle_timeout_seconds         = var.alb_idle_timeout_seconds
  deletion_protection          = var.alb_deletion_protection
  access_logs_bucket_id        = module.access_logs.bucket_id
  enable_waf                   = var.enable_waf
  waf_rate_limit_per_5_minutes = var.waf_rate_limit_per_5_minutes
  log_retention_days           = var.log_retention_days
  log_kms_key_arn              = module.platform_key.key_arn
  domain_name                  = var.domain_name
  route53_zone_id              = var.route53_zone_id
  tags                         = local.tags
}

module "gpu_capacity" {
  source = "../modules/gpu-capacity"

  name                    = local.gpu_capacity_provider
  cluster_name            = local.name
  vpc_id                  = module.network.vpc_id
  subnet_ids              = module.network.private_subnet_ids
  instance_types          = var.gpu_instance_types
  min_size                = var.gpu_min_instances
  max_size                = var.gpu_max_instances
  on_demand_base_capacity = var.gpu_on_demand_base_capacity
  spot_percentage         = var.gpu_spot_percentage
  root_volume_size_gib    = var.gpu_root_volume_size_gib
  tags                    = local.tags
}

module "cluster" {
  source = "../modules/cluster"

  name                      = local.name
  service_connect_namespace = "${local.name}.internal"
  container_insights        = var.container_insights
  kms_key_arn               = module.platform_key.key_arn
  log_retention_days        = var.log_retention_days

  ec2_capacity_providers = {
    (local.gpu_capacity_provider) = {
      auto_scaling_group_arn    = module.gpu_capacity.autoscaling_group_arn
      target_capacity           = 100
      maximum_scaling_step_size = var.gpu_max_instances
      instance_warmup_period    = 300
    }
  }

  tags = local.tags
}

module "feedback_store" {
  source = "../modules/feedback-store"

  name                  = "${local.name}-feedback"
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.private_subnet_ids
  kms_key_arn           = module.platform_key.key_arn
  min_capacity_acu      = var.feedback_db_min_acu
  max_capacity_acu      = var.feedback_db_max_acu
  backup_retention_days = var.feedback_db_backup_retention_days
  deletion_protection   = var.feedback_db_deletion_protection
  tags                  = local.tags
}

# Membership group for callers of other services over Service Connect
# (campaign). Services accept port 3000 from it and from the ALB only.
resource "aws_security_group" "service_clients" {
  #checkov:skip=CKV2_AWS_5:Membership group without rules; attached to the tasks of services that call other services through the ecs-service module (additional_security_group_ids), which checkov cannot follow across modules.
  name_prefix = "${local.name}-service-clients-"
  description = "Members may call other ${local.name} services on port 3000"
  vpc_id      = module.network.vpc_id
  tags        = merge(local.tags, { Name = "${local.name}-service-clients" })

  lifecycle {
    create_before_destroy = true
  }
}

################################################################################
# Services
################################################################################

module "service" {
  source   = "../modules/ecs-service"
  for_each = local.deployed_services

  name        = each.key
  name_prefix = local.name
  image       = "${module.ecr.repository_urls[each.key]}:${var.image_tags[each.key]}"

  ecr_repository_arn = module.ecr.repository_arns[each.key]
  cluster_name       = module.cluster.cluster_name
  cluster_arn        = module.cluster.cluster_arn

  compute                    = each.value.compute
  capacity_provider_strategy = each.value.compute == "ec2" ? local.gpu_strategy : local.fargate_strategy
  cpu                        = each.value.cpu
  memory                     = each.value.memory
  gpu_count                  = each.value.gpu_count
  ephemeral_storage_gib      = each.value.ephemeral_storage_gib

  health_check_path         = "/livez" # container liveness; the ALB target group checks /readyz
  health_check_start_period = each.value.health_check_start_period

  environment = local.service_environment[each.key]
  secrets = {
    ADSERVE_API_KEYS     = module.secrets.api_keys_parameter_arn
    ADSERVE_PII_HMAC_KEY = module.secrets.pii_hmac_key_parameter_arn
  }
  secrets_manager_secrets = each.value.feedback ? {
    ADSERVE_FEEDBACK_DSN = { secret_arn = module.feedback_store.dsn_secret_arn, json_key = "dsn" }
  } : {}
  secrets_kms_key_arn = module.platform_key.key_arn

  model_bucket_arn      = module.model_store.bucket_arn
  model_names           = [for m in each.value.models : m.name]
  model_kms_key_arn     = module.model_store.kms_key_arn
  feedback_s3_prefix    = each.value.feedback ? "feedback/" : null
  catalog_log_s3_prefix = each.value.catalog_log ? "catalog-additions/" : null

  vpc_id         = module.network.vpc_id
  vpc_cidr_block = module.network.vpc_cidr_block
  subnet_ids     = module.network.private_subnet_ids
  ingress_security_group_ids = {
    alb             = module.edge.security_group_id
    service-clients = aws_security_group.service_clients.id
  }
  additional_security_group_ids = concat(
    length(each.value.dependencies) > 0 ? [aws_security_group.service_clients.id] : [],
    each.value.feedback ? [module.feedback_store.client_security_group_id] : [],
  )
  allow_service_egress = length(each.value.dependencies) > 0

  target_group_arn              = module.edge.target_group_arns[each.key]
  target_group_arn_suffix       = module.edge.target_group_arn_suffixes[each.key]
  alb_arn_suffix                = module.edge.alb_arn_suffix
  service_connect_namespace_arn = module.cluster.service_connect_namespace_arn
  service_connect_server        = each.value.service_connect_server

  desired_count           = each.value.desired_count
  min_capacity            = each.value.min_capacity
  max_capacity            = each.value.max_capacity
  concurrency_per_replica = each.value.concurrency_per_replica
  mean_latency_seconds    = each.value.mean_latency_seconds
  cpu_target_utilization  = each.value.cpu_target_utilization
  inflight_metrics = each.value.inflight_target_per_replica != null ? {
    target_per_replica = each.value.inflight_target_per_replica
  } : null
  scale_to_zero              = contains(var.scale_to_zero_services, each.key)
  scale_to_zero_idle_minutes = var.scale_to_zero_idle_minutes

  log_retention_days            = var.log_retention_days
  log_kms_key_arn               = module.platform_key.key_arn
  enable_execute_command        = var.enable_execute_command
  execute_command_kms_key_arn   = module.platform_key.key_arn
  execute_command_log_group_arn = module.cluster.execute_command_log_group_arn
  tags                          = merge(local.tags, { Service = each.key })
}
