# GPU fleet for the ECS cluster: an autoscaling group of GPU instances running
# the ECS GPU-optimized AMI (resolved through the public SSM parameter). The
# cluster module turns the group into a capacity provider with managed scaling
# and managed termination protection, so ECS sets the desired capacity and
# instances are protected from scale-in while they run tasks.

data "aws_partition" "current" {}

data "aws_ssm_parameter" "ami" {
  count = var.ami_id == null ? 1 : 0
  name  = var.ami_ssm_parameter
}

locals {
  ami_id = var.ami_id != null ? var.ami_id : data.aws_ssm_parameter.ami[0].insecure_value

  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    cat <<'CONFIG' >> /etc/ecs/ecs.config
    ECS_CLUSTER=${var.cluster_name}
    ECS_ENABLE_GPU_SUPPORT=true
    ECS_AWSVPC_BLOCK_IMDS=true
    ECS_ENABLE_SPOT_INSTANCE_DRAINING=true
    ECS_CONTAINER_STOP_TIMEOUT=120s
    ECS_IMAGE_PULL_BEHAVIOR=prefer-cached
    ECS_ENABLE_CONTAINER_METADATA=true
    CONFIG
  EOT
}

resource "aws_iam_role" "instance" {
  name_prefix = "${var.name}-"
  description = "ECS container instance role for ${var.name}"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { Service = "ec2.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "ecs" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_role_policy_attachment" "ssm" {
  count = var.enable_ssm_session_manager ? 1 : 0

  role       = aws_iam_role.instance.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "this" {
  name_prefix = "${var.name}-"
  role        = aws_iam_role.instance.name
  tags        = var.tags
}

# Container instances only make outbound calls (ECS control plane, ECR, logs).
# Tasks use awsvpc networking and get their own ENI and security group, so no
# ingress is opened on the instance itself.
resource "aws_security_group" "instance" {
  name_prefix = "${var.name}-instance-"
  description = "GPU container instances: outbound HTTPS only"
  vpc_id      = var.vpc_id

  egress {
    description = "HTTPS to AWS APIs (ECS, ECR, CloudWatch) through NAT or VPC endpoints"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(var.tags, { Name = "${var.name}-instance" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_launch_template" "this" {
  name_prefix = "${var.name}-"
  description = "ECS GPU-optimized AMI for ${var.cluster_name}"

  image_id      = local.ami_id
  instance_type = var.instance_types[0]
  user_data     = base64encode(local.user_data)
  ebs_optimized = true

  iam_instance_profile {
    arn = aws_iam_instance_profile.this.arn
  }

  vpc_security_group_ids = [aws_security_group.instance.id]

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  monitoring {
    enabled = true
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = var.root_volume_size_gib
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = var.name })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(var.tags, { Name = var.name })
  }

  tags = var.tags
}

resource "aws_autoscaling_group" "this" {
  name_prefix         = "${var.name}-"
  vpc_zone_identifier = var.subnet_ids

  min_size         = var.min_size
  max_size         = var.max_size
  desired_capacity = var.min_size

  # Required by ECS managed termination protection.
  protect_from_scale_in = true

  health_check_type         = "EC2"
  health_check_grace_period = 300
  capacity_rebalance        = var.spot_percentage > 0
  default_instance_warmup   = 300

  mixed_instances_policy {
    instances_distribution {
      on_demand_base_capacity                  = var.on_demand_base_capacity
      on_demand_percentage_above_base_capacity = 100 - var.spot_percentage
      spot_allocation_strategy                 = "price-capacity-optimized"
    }

    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.this.id
        version            = aws_launch_template.this.latest_version
      }

      dynamic "override" {
        for_each = var.instance_types

        content {
          instance_type = override.value
        }
      }
    }
  }

  # Marks the group as managed by the ECS capacity provider.
  tag {
    key                 = "AmazonECSManaged"
    value               = "true"
    propagate_at_launch = true
  }

  tag {
    key                 = "Name"
    value               = var.name
    propagate_at_launch = true
  }

  dynamic "tag" {
    for_each = var.tags

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }

  lifecycle {
    # ECS managed scaling owns the desired capacity.
    ignore_changes = [desired_capacity]
  }
}
