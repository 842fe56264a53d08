# Durable, shared directory for the campaign service's feedback event log
# (ADSERVE_FEEDBACK_DIR): an encrypted EFS file system with mount targets in the
# private subnets and one access point that pins the POSIX identity of the
# bento user. Only members of the client security group can mount it, only
# over TLS and only through the access point.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

resource "aws_efs_file_system" "this" {
  creation_token   = var.name
  encrypted        = true
  kms_key_id       = var.kms_key_arn
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_efs_backup_policy" "this" {
  file_system_id = aws_efs_file_system.this.id

  backup_policy {
    status = "ENABLED"
  }
}

resource "aws_efs_access_point" "this" {
  file_system_id = aws_efs_file_system.this.id

  posix_user {
    uid = var.posix_uid
    gid = var.posix_gid
  }

  root_directory {
    path = "/feedback"

    creation_info {
      owner_uid   = var.posix_uid
      owner_gid   = var.posix_gid
      permissions = "0750"
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-feedback" })
}

resource "aws_efs_file_system_policy" "this" {
  file_system_id = aws_efs_file_system.this.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyWithoutTls"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "*"
        Resource  = aws_efs_file_system.this.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "MountThroughAccessPointOnly"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
        Resource  = aws_efs_file_system.this.arn
        Condition = {
          StringEquals = { "elasticfilesystem:AccessPointArn" = aws_efs_access_point.this.arn }
          Bool         = { "elasticfilesystem:AccessedViaMountTarget" = "true" }
        }
      },
    ]
  })
}

# Membership group: attach it to the tasks that may mount the file system.
resource "aws_security_group" "client" {
  #checkov:skip=CKV2_AWS_5:Membership group without rules; it is attached to the campaign tasks through the ecs-service module (additional_security_group_ids), which checkov cannot follow across modules.
  name_prefix = "${var.name}-client-"
  description = "Members may mount the ${var.name} file system"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-client" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "mount_target" {
  name_prefix = "${var.name}-mount-"
  description = "NFS from ${var.name} clients to the EFS mount targets"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-mount-target" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "nfs" {
  security_group_id            = aws_security_group.mount_target.id
  description                  = "NFS from members of the client group"
  referenced_security_group_id = aws_security_group.client.id
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
}

resource "aws_efs_mount_target" "this" {
  count = length(var.subnet_ids)

  file_system_id  = aws_efs_file_system.this.id
  subnet_id       = var.subnet_ids[count.index]
  security_groups = [aws_security_group.mount_target.id]
}
