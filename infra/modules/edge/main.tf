# Internet-facing edge: an ALB (terraform-aws-modules/alb) with an HTTPS
# listener (ACM certificate, TLS 1.2/1.3 policy), HTTP redirected to HTTPS,
# one target group per service (health check on /readyz) and path-based rules
# routing each service's API paths. Optionally a WAFv2 web ACL with AWS managed
# rule groups and a per-IP rate limit, and a Route 53 alias record.

locals {
  service_names = sort(keys(var.services))

  # An ALB rule accepts at most five condition values, so long path lists are
  # split into several rules with consecutive priorities.
  path_rules = merge([
    for svc in local.service_names : {
      for idx, chunk in chunklist(var.services[svc].paths, 5) : "${svc}-${idx}" => {
        service  = svc
        paths    = chunk
        priority = 100 + index(local.service_names, svc) * 10 + idx
      }
    }
  ]...)

  base_url = var.domain_name != null ? "https://${var.domain_name}" : "https://${module.alb.dns_name}"
}

module "alb" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact release (version = "9.16.0") as the platform standard requires; registry releases are immutable, a Git commit source would bypass the registry.
  source  = "terraform-aws-modules/alb/aws"
  version = "9.16.0"

  name               = var.name
  load_balancer_type = "application"
  internal           = false
  vpc_id             = var.vpc_id
  subnets            = var.public_subnet_ids

  enable_deletion_protection = var.deletion_protection
  drop_invalid_header_fields = true
  idle_timeout               = var.idle_timeout_seconds
  # Refuse ambiguous requests (both Content-Length and Transfer-Encoding, and the other
  # request-smuggling shapes) at the edge; the services refuse them too.
  desync_mitigation_mode = "strictest"

  # Only 80 (redirect) and 443 are reachable from outside; the ALB itself may
  # only talk to the tasks' container port inside the VPC.
  security_group_ingress_rules = merge(
    {
      for i, cidr in var.ingress_cidr_blocks : "https-${i}" => {
        description = "HTTPS from clients"
        ip_protocol = "tcp"
        from_port   = 443
        to_port     = 443
        cidr_ipv4   = cidr
      }
    },
    {
      for i, cidr in var.ingress_cidr_blocks : "http-${i}" => {
        description = "HTTP from clients, redirected to HTTPS"
        ip_protocol = "tcp"
        from_port   = 80
        to_port     = 80
        cidr_ipv4   = cidr
      }
    },
  )
  security_group_egress_rules = {
    services = {
      description = "Service tasks inside the VPC"
      ip_protocol = "tcp"
      from_port   = var.target_port
      to_port     = var.target_port
      cidr_ipv4   = var.vpc_cidr_block
    }
  }

  access_logs = {
    bucket = var.access_logs_bucket_id
    prefix = "alb/${var.name}"
  }

  listeners = {
    http-redirect = {
      port     = 80
      protocol = "HTTP"
      redirect = {
        port        = "443"
        protocol    = "HTTPS"
        status_code = "HTTP_301"
      }
    }

    https = {
      port            = 443
      protocol        = "HTTPS"
      certificate_arn = var.certificate_arn
      ssl_policy      = var.ssl_policy

      fixed_response = {
        content_type = "application/json"
        message_body = "{\"error\":\"not found\"}"
        status_code  = "404"
      }

      rules = {
        for key, rule in local.path_rules : key => {
          priority = rule.priority
          actions = [
            {
              type             = "forward"
              target_group_key = rule.service
            },
          ]
          conditions = [
            {
              path_pattern = {
                values = rule.paths
              }
            },
          ]
        }
      }
    }
  }

  target_groups = {
    for svc in local.service_names : svc => {
      name_prefix                   = "${substr(svc, 0, 5)}-"
      protocol                      = "HTTP"
      port                          = var.target_port
      target_type                   = "ip"
      deregistration_delay          = var.deregistration_delay_seconds
      load_balancing_algorithm_type = "least_outstanding_requests"

      health_check = {
        enabled             = true
        path                = var.services[svc].health_check_path
        port                = "traffic-port"
        protocol            = "HTTP"
        matcher             = "200"
        interval            = 15
        timeout             = 5
        healthy_threshold   = 2
        unhealthy_threshold = 3
      }

      # ECS registers task IPs itself.
      create_attachment = false

      tags = { Service = svc }
    }
  }

  associate_web_acl = var.enable_waf
  web_acl_arn       = var.enable_waf ? aws_wafv2_web_acl.this[0].arn : null

  tags = var.tags
}

################################################################################
# WAF (optional)
################################################################################

resource "aws_wafv2_web_acl" "this" {
  count = var.enable_waf ? 1 : 0

  name        = "${var.name}-web-acl"
  description = "Managed protections and rate limiting for ${var.name}"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "aws-common-rule-set"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"

        # Image endpoints (/classify, /style_transfer, /enhance, ...) accept
        # request bodies far above the rule's 8 KB limit.
        rule_action_override {
          name = "SizeRestrictions_BODY"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-aws-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-ip-reputation"
    priority = 30

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAmazonIpReputationList"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-ip-reputation"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 40

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit_per_5_minutes
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-web-acl"
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

resource "aws_cloudwatch_log_group" "waf" {
  count = var.enable_waf ? 1 : 0

  # WAF requires the aws-waf-logs- prefix.
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  count = var.enable_waf ? 1 : 0

  resource_arn            = aws_wafv2_web_acl.this[0].arn
  log_destination_configs = [aws_cloudwatch_log_group.waf[0].arn]

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  redacted_fields {
    single_header {
      name = "x-api-key"
    }
  }
}

################################################################################
# DNS (optional)
################################################################################

resource "aws_route53_record" "this" {
  count = var.domain_name != null && var.route53_zone_id != null ? 1 : 0

  zone_id = var.route53_zone_id
  name    = var.domain_name
  type    = "A"

  alias {
    name                   = module.alb.dns_name
    zone_id                = module.alb.zone_id
    evaluate_target_health = true
  }
}
