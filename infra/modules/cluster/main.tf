# ECS cluster (terraform-aws-modules/ecs cluster submodule) with:
#   - Fargate and Fargate Spot capacity providers for the CPU services,
#   - one EC2 capacity provider per autoscaling group passed in (the GPU fleet),
#     with managed scaling and managed termination protection,
#   - a Cloud Map HTTP namespace used by ECS Service Connect for
#     service-to-service calls (http://<service>:3000).

resource "aws_service_discovery_http_namespace" "this" {
  name        = var.service_connect_namespace
  description = "Service Connect namespace for ${var.name}"
  tags        = var.tags
}

module "ecs_cluster" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact release (version = "5.12.1") as the platform standard requires; registry releases are immutable, a Git commit source would bypass the registry.
  source  = "terraform-aws-modules/ecs/aws//modules/cluster"
  version = "5.12.1"

  cluster_name = var.name

  cluster_settings = [
    {
      name  = "containerInsights"
      value = var.container_insights
    },
  ]

  cluster_configuration = {
    execute_command_configuration = {
      kms_key_id = var.kms_key_arn
      logging    = "OVERRIDE"
      log_configuration = {
        # Same name as the log group the cluster module creates.
        cloud_watch_log_group_name     = "/aws/ecs/${var.name}"
        cloud_watch_encryption_enabled = true
      }
    }
  }

  cloudwatch_log_group_retention_in_days = var.log_retention_days
  cloudwatch_log_group_kms_key_id        = var.kms_key_arn

  cluster_service_connect_defaults = {
    namespace = aws_service_discovery_http_namespace.this.arn
  }

  default_capacity_provider_use_fargate = true
  fargate_capacity_providers = {
    FARGATE = {
      default_capacity_provider_strategy = {
        base   = 0
        weight = 100
      }
    }
    FARGATE_SPOT = {
      default_capacity_provider_strategy = {
        weight = 0
      }
    }
  }

  autoscaling_capacity_providers = {
    for name, cp in var.ec2_capacity_providers : name => {
      auto_scaling_group_arn = cp.auto_scaling_group_arn

      # Instances running tasks are protected from scale-in; ECS removes the
      # protection once an instance is empty. Requires managed scaling.
      managed_termination_protection = "ENABLED"

      managed_scaling = {
        status                    = "ENABLED"
        target_capacity           = cp.target_capacity
        minimum_scaling_step_size = 1
        maximum_scaling_step_size = cp.maximum_scaling_step_size
        instance_warmup_period    = cp.instance_warmup_period
      }

      tags = var.tags
    }
  }

  tags = var.tags
}
