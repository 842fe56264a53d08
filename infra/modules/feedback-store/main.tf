# The feedback event store of the campaign service (ADSERVE_FEEDBACK_DSN): Aurora
# PostgreSQL Serverless v2 in the private subnets, encrypted with the platform key,
# TLS required, automated backups plus an AWS Backup plan, IAM authentication and
# query logging. The DSN (with the generated master password) is a Secrets Manager
# secret that ECS injects into the tasks; nothing else holds it. Only members of the
# client security group reach port 5432.
#
# Many campaign tasks write at once (two during every rolling deploy); PostgreSQL
# makes that safe where an SQLite file on a network file system was not.

data "aws_partition" "current" {}

locals {
  port        = 5432
  database    = "feedback"
  master_user = "adserve"
}

resource "random_password" "master" {
  length  = 40
  special = false
}

resource "aws_db_subnet_group" "this" {
  name_prefix = "${var.name}-"
  description = "Private subnets of the ${var.name} database"
  subnet_ids  = var.subnet_ids
  tags        = merge(var.tags, { Name = var.name })
}

resource "aws_rds_cluster_parameter_group" "this" {
  name_prefix = "${var.name}-"
  family      = "aurora-postgresql16"
  description = "TLS only, statement logging for ${var.name}"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_rds_cluster" "this" {
  cluster_identifier_prefix = "${var.name}-"
  engine                    = "aurora-postgresql"
  engine_mode               = "provisioned"
  engine_version            = var.engine_version
  database_name             = local.database
  master_username           = local.master_user
  master_password           = random_password.master.result
  port                      = local.port

  db_subnet_group_name            = aws_db_subnet_group.this.name
  vpc_security_group_ids          = [aws_security_group.database.id]
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.this.name

  storage_encrypted                   = true
  kms_key_id                          = var.kms_key_arn
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql"]

  backup_retention_period      = var.backup_retention_days
  preferred_backup_window      = "03:00-04:00"
  preferred_maintenance_window = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot        = true
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = false
  final_snapshot_identifier    = "${var.name}-final"

  serverlessv2_scaling_configuration {
    min_capacity = var.min_capacity_acu
    max_capacity = var.max_capacity_acu
  }

  tags = merge(var.tags, { Name = var.name })

  lifecycle {
    ignore_changes = [final_snapshot_identifier]
  }
}

resource "aws_rds_cluster_instance" "this" {
  count = var.instance_count

  identifier_prefix    = "${var.name}-${count.index}-"
  cluster_identifier   = aws_rds_cluster.this.id
  engine               = aws_rds_cluster.this.engine
  engine_version       = aws_rds_cluster.this.engine_version
  instance_class       = "db.serverless"
  db_subnet_group_name = aws_db_subnet_group.this.name
  publicly_accessible  = false

  auto_minor_version_upgrade            = true
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.kms_key_arn
  performance_insights_retention_period = 7
  monitoring_interval                   = 60
  monitoring_role_arn                   = aws_iam_role.monitoring.arn
  copy_tags_to_snapshot                 = true

  tags = merge(var.tags, { Name = "${var.name}-${count.index}" })
}

################################################################################
# Enhanced monitoring
################################################################################

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name_prefix        = "${substr(var.name, 0, 24)}-mon-"
  description        = "RDS enhanced monitoring of ${var.name}"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

################################################################################
# The DSN secret
################################################################################

resource "aws_secretsmanager_secret" "dsn" {
  #checkov:skip=CKV2_AWS_57:The secret holds the DSN built from the Terraform-generated master password; it is rotated together with the password (terraform apply -replace=module.feedback_store.random_password.master, infra/README.md), not by a rotation Lambda.
  name_prefix             = "${var.name}-dsn-"
  description             = "ADSERVE_FEEDBACK_DSN of the campaign tasks (JSON key dsn)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 7
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "dsn" {
  secret_id = aws_secretsmanager_secret.dsn.id
  secret_string = jsonencode({
    dsn = format(
      "postgresql://%s:%s@%s:%d/%s?sslmode=require",
      local.master_user,
      random_password.master.result,
      aws_rds_cluster.this.endpoint,
      local.port,
      local.database,
    )
  })
}

################################################################################
# Network: members of the client group reach the database
################################################################################

# Membership group: attach it to the tasks that may connect to the database.
resource "aws_security_group" "client" {
  #checkov:skip=CKV2_AWS_5:Membership group without rules; it is attached to the campaign tasks through the ecs-service module (additional_security_group_ids), which checkov cannot follow across modules.
  name_prefix = "${var.name}-client-"
  description = "Members may connect to the ${var.name} database"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-client" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "database" {
  name_prefix = "${var.name}-db-"
  description = "PostgreSQL from ${var.name} clients"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-database" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "postgres" {
  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from members of the client group"
  referenced_security_group_id = aws_security_group.client.id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

resource "aws_vpc_security_group_egress_rule" "client_postgres" {
  security_group_id            = aws_security_group.client.id
  description                  = "PostgreSQL to the ${var.name} database"
  referenced_security_group_id = aws_security_group.database.id
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
}

################################################################################
# AWS Backup: daily snapshots kept beyond the cluster's own retention
################################################################################

resource "aws_backup_vault" "this" {
  name        = "${var.name}-backups"
  kms_key_arn = var.kms_key_arn
  tags        = var.tags
}

resource "aws_backup_plan" "this" {
  name = "${var.name}-daily"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.this.name
    schedule          = "cron(0 5 * * ? *)"

    lifecycle {
      delete_after = var.backup_vault_retention_days
    }
  }

  tags = var.tags
}

data "aws_iam_policy_document" "backup_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "backup" {
  name_prefix        = "${substr(var.name, 0, 24)}-bkp-"
  description        = "AWS Backup of ${var.name}"
  assume_role_policy = data.aws_iam_policy_document.backup_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "backup" {
  role       = aws_iam_role.backup.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
}

resource "aws_backup_selection" "this" {
  name         = "${var.name}-cluster"
  plan_id      = aws_backup_plan.this.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = [aws_rds_cluster.this.arn]
}
