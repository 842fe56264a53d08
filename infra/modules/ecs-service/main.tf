# One BentoML service on ECS: task definition, service (behind the ALB target
# group and registered in Service Connect), IAM roles, log group, security
# group and autoscaling (ALB requests per target, CPU, optional in-flight
# requests from BentoML's Prometheus metrics, optional scale to zero).

data "aws_region" "current" {}

locals {
  full_name = "${var.name_prefix}-${var.name}"
  region    = data.aws_region.current.name
  on_ec2    = var.compute == "ec2"

  # ECS limits a container health check start period to 300 s. Longer model
  # pulls (GPU) are covered by the service's health check grace period, which
  # also suspends container health checks after a task starts.
  container_start_period = min(var.health_check_start_period, 300)
  grace_period           = var.health_check_start_period + var.health_check_interval * var.health_check_retries

  # ALBRequestCountPerTarget is requests per target per minute. It is derived
  # from the load-tested concurrency per replica with Little's law:
  # throughput = concurrency / latency.
  requests_per_target_per_minute = ceil(var.concurrency_per_replica * 60 / var.mean_latency_seconds)

  metrics_enabled    = var.inflight_metrics != null
  samples_per_minute = local.metrics_enabled ? 60 / var.inflight_metrics.scrape_interval_seconds : 1

  model_object_arns = [for m in var.model_names : "${var.model_bucket_arn}/models/${m}/*"]
  model_prefixes    = flatten([for m in var.model_names : ["models/${m}/", "models/${m}/*"]])
  writes_s3         = var.feedback_s3_prefix != null || var.catalog_log_s3_prefix != null

  health_check_command = "python -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:${var.container_port}${var.health_check_path}', timeout=4)\" || exit 1"

  app_container = merge(
    {
      name      = var.name
      image     = var.image
      essential = true

      portMappings = [
        {
          name          = "http"
          containerPort = var.container_port
          hostPort      = var.container_port
          protocol      = "tcp"
          appProtocol   = "http"
        },
      ]

      environment = [for k in sort(keys(var.environment)) : { name = k, value = var.environment[k] }]
      secrets = concat(
        [for k in sort(keys(var.secrets)) : { name = k, valueFrom = var.secrets[k] }],
        [for k in sort(keys(var.secrets_manager_secrets)) : { name = k, valueFrom = "${var.secrets_manager_secrets[k].secret_arn}:${var.secrets_manager_secrets[k].json_key}::" }],
      )

      healthCheck = {
        command     = ["CMD-SHELL", local.health_check_command]
        interval    = var.health_check_interval
        timeout     = 5
        retries     = var.health_check_retries
        startPeriod = local.container_start_period
      }

      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = local.region
          awslogs-stream-prefix = var.name
          mode                  = "non-blocking"
          max-buffer-size       = "25m"
        }
      }

      ulimits = [
        {
          name      = "nofile"
          softLimit = 65536
          hardLimit = 65536
        },
      ]

      stopTimeout            = 120
      readonlyRootFilesystem = false
      privileged             = false
    },
    var.gpu_count > 0 ? {
      resourceRequirements = [
        {
          type  = "GPU"
          value = tostring(var.gpu_count)
        },
      ]
    } : {},
  )

  # CloudWatch agent sidecar: scrapes BentoML's /metrics on localhost and
  # publishes the in-flight request gauge as an embedded-metric-format metric,
  # dimensioned by cluster and service, for the in-flight scaling policy.
  prometheus_config = local.metrics_enabled ? yamlencode({
    global = {
      scrape_interval = "${var.inflight_metrics.scrape_interval_seconds}s"
      scrape_timeout  = "10s"
    }
    scrape_configs = [
      {
        job_name     = "bentoml"
        metrics_path = "/metrics"
        static_configs = [
          {
            targets = ["127.0.0.1:${var.container_port}"]
            labels = {
              ClusterName = var.cluster_name
              ServiceName = var.name
            }
          },
        ]
      },
    ]
  }) : ""

  cloudwatch_agent_config = local.metrics_enabled ? jsonencode({
    logs = {
      force_flush_interval = 5
      metrics_collected = {
        prometheus = {
          log_group_name         = aws_cloudwatch_log_group.metrics[0].name
          prometheus_config_path = "env:PROMETHEUS_CONFIG_CONTENT"
          emf_processor = {
            metric_namespace = var.inflight_metrics.namespace
            metric_declaration = [
              {
                source_labels    = ["job"]
                label_matcher    = "^bentoml$"
                dimensions       = [["ClusterName", "ServiceName"]]
                metric_selectors = ["^bentoml_service_request_in_progress$"]
              },
            ]
          }
        }
      }
    }
  }) : ""

  metrics_container = local.metrics_enabled ? [
    {
      name              = "metrics-agent"
      image             = var.inflight_metrics.agent_image
      essential         = false
      memoryReservation = 128

      environment = [
        { name = "CW_CONFIG_CONTENT", value = local.cloudwatch_agent_config },
        { name = "PROMETHEUS_CONFIG_CONTENT", value = local.prometheus_config },
      ]

      dependsOn = [
        {
          containerName = var.name
          condition     = "START"
        },
      ]

      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "metrics-agent"
          mode                  = "non-blocking"
        }
      }

      readonlyRootFilesystem = false
      privileged             = false
    },
  ] : []
}

################################################################################
# Logs
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name_prefix}/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_log_group" "metrics" {
  count = local.metrics_enabled ? 1 : 0

  name              = "/ecs/${var.name_prefix}/${var.name}/prometheus"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

################################################################################
# IAM: execution role (image pull, logs, secrets) and task role (own models)
################################################################################

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name_prefix        = substr("${local.full_name}-exec-", 0, 38)
  description        = "ECS execution role for ${local.full_name}: image pull, logs, secrets"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "execution" {
  # GetAuthorizationToken has no resource-level permissions; it only returns a
  # registry login token. Pulls are limited to this service's repository below.
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPullOwnRepository"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = length(var.secrets) > 0 ? [1] : []

    content {
      sid       = "ReadOwnSecrets"
      actions   = ["ssm:GetParameters"]
      resources = sort(distinct(values(var.secrets)))
    }
  }

  dynamic "statement" {
    for_each = length(var.secrets_manager_secrets) > 0 ? [1] : []

    content {
      sid       = "ReadOwnSecretsManagerSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = sort(distinct([for s in values(var.secrets_manager_secrets) : s.secret_arn]))
    }
  }

  dynamic "statement" {
    for_each = length(var.secrets_manager_secrets) > 0 ? [1] : []

    content {
      sid       = "DecryptSecretsThroughSecretsManager"
      actions   = ["kms:Decrypt"]
      resources = [var.secrets_kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.secrets) > 0 ? [1] : []

    content {
      sid       = "DecryptSecretsThroughSsm"
      actions   = ["kms:Decrypt"]
      resources = [var.secrets_kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["ssm.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role" "task" {
  name_prefix        = substr("${local.full_name}-task-", 0, 38)
  description        = "ECS task role for ${local.full_name}: read its own models"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "task" {
  dynamic "statement" {
    for_each = length(var.model_names) > 0 ? [1] : []

    content {
      sid       = "ReadOwnModels"
      actions   = ["s3:GetObject", "s3:GetObjectVersion"]
      resources = local.model_object_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.model_names) > 0 ? [1] : []

    content {
      sid       = "ListOwnModelPrefixes"
      actions   = ["s3:ListBucket"]
      resources = [var.model_bucket_arn]

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = local.model_prefixes
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.model_names) > 0 || local.writes_s3 ? [1] : []

    content {
      sid       = "UseModelStoreKeyThroughS3"
      actions   = local.writes_s3 ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"]
      resources = [var.model_kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.feedback_s3_prefix != null ? [1] : []

    content {
      sid       = "WriteFeedbackEvents"
      actions   = ["s3:PutObject"]
      resources = ["${var.model_bucket_arn}/${var.feedback_s3_prefix}*"]
    }
  }

  dynamic "statement" {
    for_each = var.catalog_log_s3_prefix != null ? [1] : []

    content {
      sid       = "ReadWriteCatalogLog"
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = ["${var.model_bucket_arn}/${var.catalog_log_s3_prefix}*"]
    }
  }

  dynamic "statement" {
    for_each = var.catalog_log_s3_prefix != null ? [1] : []

    content {
      sid       = "ListCatalogLog"
      actions   = ["s3:ListBucket"]
      resources = [var.model_bucket_arn]

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = [var.catalog_log_s3_prefix, "${var.catalog_log_s3_prefix}*"]
      }
    }
  }

  dynamic "statement" {
    for_each = local.metrics_enabled ? [1] : []

    content {
      sid = "PublishPrometheusMetrics"
      actions = [
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
      ]
      resources = [
        aws_cloudwatch_log_group.metrics[0].arn,
        "${aws_cloudwatch_log_group.metrics[0].arn}:*",
      ]
    }
  }

  # ECS Exec (aws ecs execute-command); the ssmmessages actions have no
  # resource-level permissions.
  dynamic "statement" {
    for_each = var.enable_execute_command ? [1] : []

    content {
      sid = "EcsExec"
      actions = [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ]
      resources = ["*"]
    }
  }

  # ECS Exec sessions are encrypted with the cluster's KMS key and logged to
  # the cluster log group.
  dynamic "statement" {
    for_each = var.enable_execute_command && var.execute_command_kms_key_arn != null ? [1] : []

    content {
      sid       = "EcsExecSessionKey"
      actions   = ["kms:Decrypt"]
      resources = [var.execute_command_kms_key_arn]
    }
  }

  dynamic "statement" {
    for_each = var.enable_execute_command && var.execute_command_log_group_arn != null ? [1] : []

    content {
      sid       = "EcsExecSessionLogs"
      actions   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
      resources = ["${var.execute_command_log_group_arn}:*"]
    }
  }

  dynamic "statement" {
    for_each = var.enable_execute_command && var.execute_command_log_group_arn != null ? [1] : []

    content {
      sid       = "EcsExecFindLogGroup"
      actions   = ["logs:DescribeLogGroups"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "task" {
  count = length(var.model_names) > 0 || local.writes_s3 || local.metrics_enabled || var.enable_execute_command ? 1 : 0

  name   = "task"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

################################################################################
# Network: the task ENI only accepts port 3000 from the given security groups
################################################################################

resource "aws_security_group" "this" {
  name_prefix = "${local.full_name}-"
  description = "Tasks of ${local.full_name}"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = local.full_name })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "app" {
  for_each = var.ingress_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "Port ${var.container_port} from ${each.key}"
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs (S3, ECR, CloudWatch, SSM) through NAT or VPC endpoints"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "service_connect" {
  count = var.allow_service_egress ? 1 : 0

  security_group_id = aws_security_group.this.id
  description       = "Service Connect calls to other services in the VPC"
  cidr_ipv4         = var.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = var.container_port
  to_port           = var.container_port
}


################################################################################
# Task definition and service
################################################################################

resource "aws_ecs_task_definition" "this" {
  #checkov:skip=CKV_AWS_336:BentoML writes the model pulled from S3 into its local model store under BENTOML_HOME and uses /tmp for Prometheus multiprocess files, so the root filesystem must stay writable; the container runs as the non-root bentoml user and privileged mode is off.
  family                   = local.full_name
  requires_compatibilities = [local.on_ec2 ? "EC2" : "FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  dynamic "ephemeral_storage" {
    for_each = local.on_ec2 ? [] : [1]

    content {
      size_in_gib = var.ephemeral_storage_gib
    }
  }

  container_definitions = jsonencode(concat([local.app_container], local.metrics_container))

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = var.desired_count

  enable_execute_command  = var.enable_execute_command
  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"

  health_check_grace_period_seconds  = local.grace_period
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      weight            = capacity_provider_strategy.value.weight
      base              = capacity_provider_strategy.value.base
    }
  }

  dynamic "ordered_placement_strategy" {
    for_each = local.on_ec2 ? [1] : []

    content {
      type  = "spread"
      field = "attribute:ecs.availability-zone"
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = concat([aws_security_group.this.id], var.additional_security_group_ids)
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = var.name
    container_port   = var.container_port
  }

  service_connect_configuration {
    enabled   = true
    namespace = var.service_connect_namespace_arn

    # Servers are reachable as http://<name>:<port> from other services in the
    # namespace; clients (campaign) resolve those names through the proxy.
    dynamic "service" {
      for_each = var.service_connect_server ? [1] : []

      content {
        port_name      = "http"
        discovery_name = var.name

        client_alias {
          port     = var.container_port
          dns_name = var.name
        }

        # The proxy's default per-request timeout (15 s) is shorter than image
        # generation; allow long requests.
        timeout {
          per_request_timeout_seconds = var.service_connect_request_timeout_seconds
        }
      }
    }

    log_configuration {
      log_driver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.this.name
        awslogs-region        = local.region
        awslogs-stream-prefix = "service-connect"
      }
    }
  }

  lifecycle {
    # Autoscaling owns the desired count after creation.
    ignore_changes = [desired_count]
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.execution, aws_iam_role_policy.task]
}

################################################################################
# Autoscaling
################################################################################

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  min_capacity       = var.scale_to_zero ? 0 : var.min_capacity
  max_capacity       = var.max_capacity
  tags               = var.tags
}

# Primary signal: requests per replica per minute, from the load-tested
# concurrency per replica (see local.requests_per_target_per_minute).
resource "aws_appautoscaling_policy" "requests" {
  name               = "${local.full_name}-alb-requests-per-target"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = local.requests_per_target_per_minute
    scale_in_cooldown  = var.scale_in_cooldown_seconds
    scale_out_cooldown = var.scale_out_cooldown_seconds

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${local.full_name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_utilization
    scale_in_cooldown  = var.scale_in_cooldown_seconds
    scale_out_cooldown = var.scale_out_cooldown_seconds

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# GPU services: CPU is a poor signal while the GPU is busy, so also track
# in-flight requests per replica (BentoML gauge bentoml_service_request_in_progress,
# summed over endpoints and scrapes, divided by scrapes per minute and tasks).
resource "aws_appautoscaling_policy" "inflight" {
  count = local.metrics_enabled ? 1 : 0

  name               = "${local.full_name}-inflight-per-replica"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.inflight_metrics.target_per_replica
    scale_in_cooldown  = var.scale_in_cooldown_seconds
    scale_out_cooldown = var.scale_out_cooldown_seconds

    customized_metric_specification {
      metrics {
        id          = "inflight"
        label       = "Sum of in-flight request samples"
        return_data = false

        metric_stat {
          stat = "Sum"

          metric {
            namespace   = var.inflight_metrics.namespace
            metric_name = "bentoml_service_request_in_progress"

            dimensions {
              name  = "ClusterName"
              value = var.cluster_name
            }

            dimensions {
              name  = "ServiceName"
              value = var.name
            }
          }
        }
      }

      metrics {
        id          = "tasks"
        label       = "Running tasks"
        return_data = false

        metric_stat {
          stat = "Average"

          metric {
            namespace   = "ECS/ContainerInsights"
            metric_name = "RunningTaskCount"

            dimensions {
              name  = "ClusterName"
              value = var.cluster_name
            }

            dimensions {
              name  = "ServiceName"
              value = var.name
            }
          }
        }
      }

      metrics {
        id          = "per_replica"
        label       = "In-flight requests per replica"
        expression  = "inflight / (${local.samples_per_minute} * IF(tasks > 0, tasks, 1))"
        return_data = true
      }
    }
  }
}

################################################################################
# Optional scale to zero
#
# Target tracking never scales out from zero (with no targets there is no
# per-target metric). Two step-scaling policies driven by CloudWatch alarms
# handle the edges instead:
#   wake: requests arrive (routed to the target group, or rejected by the ALB
#         with 503 because the group is empty) while the desired count is 0
#         -> set the desired count to 1;
#   idle: no request for scale_to_zero_idle_minutes while tasks run
#         -> set the desired count to 0.
# Requests during a cold start get 503 from the ALB until a task is healthy.
################################################################################

resource "aws_appautoscaling_policy" "wake" {
  count = var.scale_to_zero ? 1 : 0

  name               = "${local.full_name}-wake-from-zero"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ExactCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 1
    }
  }
}

resource "aws_appautoscaling_policy" "idle" {
  count = var.scale_to_zero ? 1 : 0

  name               = "${local.full_name}-idle-to-zero"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  resource_id        = aws_appautoscaling_target.this.resource_id

  step_scaling_policy_configuration {
    adjustment_type         = "ExactCapacity"
    cooldown                = 300
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 0
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "wake" {
  count = var.scale_to_zero ? 1 : 0

  alarm_name          = "${local.full_name}-wake-from-zero"
  alarm_description   = "Requests for ${var.name} while its desired count is 0: start one task."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 1
  datapoints_to_alarm = 1
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.wake[0].arn]

  metric_query {
    id          = "requests"
    return_data = false

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      period      = 60
      stat        = "Sum"
      dimensions = {
        LoadBalancer = var.alb_arn_suffix
        TargetGroup  = var.target_group_arn_suffix
      }
    }
  }

  metric_query {
    id          = "rejected"
    return_data = false

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_503_Count"
      period      = 60
      stat        = "Sum"
      dimensions = {
        LoadBalancer = var.alb_arn_suffix
      }
    }
  }

  metric_query {
    id          = "desired"
    return_data = false

    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "DesiredTaskCount"
      period      = 60
      stat        = "Maximum"
      dimensions = {
        ClusterName = var.cluster_name
        ServiceName = var.name
      }
    }
  }

  metric_query {
    id          = "wake"
    label       = "Requests while scaled to zero"
    expression  = "IF((FILL(requests, 0) + FILL(rejected, 0)) > 0 AND FILL(desired, 0) == 0, 1, 0)"
    return_data = true
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "idle" {
  count = var.scale_to_zero ? 1 : 0

  alarm_name          = "${local.full_name}-idle-to-zero"
  alarm_description   = "No requests for ${var.name} for ${var.scale_to_zero_idle_minutes} minutes: stop all tasks."
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = var.scale_to_zero_idle_minutes
  datapoints_to_alarm = var.scale_to_zero_idle_minutes
  threshold           = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_appautoscaling_policy.idle[0].arn]

  metric_query {
    id          = "requests"
    return_data = false

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      period      = 60
      stat        = "Sum"
      dimensions = {
        LoadBalancer = var.alb_arn_suffix
        TargetGroup  = var.target_group_arn_suffix
      }
    }
  }

  metric_query {
    id          = "rejected"
    return_data = false

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_503_Count"
      period      = 60
      stat        = "Sum"
      dimensions = {
        LoadBalancer = var.alb_arn_suffix
      }
    }
  }

  metric_query {
    id          = "desired"
    return_data = false

    metric {
      namespace   = "ECS/ContainerInsights"
      metric_name = "DesiredTaskCount"
      period      = 60
      stat        = "Maximum"
      dimensions = {
        ClusterName = var.cluster_name
        ServiceName = var.name
      }
    }
  }

  metric_query {
    id          = "idle"
    label       = "Idle while running"
    expression  = "IF((FILL(requests, 0) + FILL(rejected, 0)) == 0 AND FILL(desired, 0) > 0, 1, 0)"
    return_data = true
  }

  tags = var.tags
}
