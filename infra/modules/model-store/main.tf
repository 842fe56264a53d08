# Model store: versioned, SSE-KMS encrypted bucket holding
#   models/<model-name>/<version>.bentomodel (+ .sha256 manifests)
#   models/<model-name>/aliases/<alias>      (object whose body is a version)
#   feedback/...                             (campaign event logs shipped from the service)

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
}

resource "aws_kms_key" "this" {
  description             = "${var.bucket_name}: model artifacts and feedback events"
  enable_key_rotation     = true
  rotation_period_in_days = var.kms_rotation_period_in_days
  deletion_window_in_days = 30

  # Only the account may administer or use the key; task roles receive
  # kms:Decrypt on this key ARN through their own IAM policies (see
  # modules/ecs-service), restricted to calls made through S3.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.bucket_name}"
  target_key_id = aws_kms_key.this.key_id
}

module "bucket" {
  #checkov:skip=CKV_TF_1:Registry module pinned to an exact release (version = "4.11.0") as the platform standard requires; registry releases are immutable, a Git commit source would bypass the registry.
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.11.0"

  bucket        = var.bucket_name
  force_destroy = var.force_destroy

  control_object_ownership = true
  object_ownership         = "BucketOwnerEnforced"

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true

  versioning = {
    enabled = true
  }

  server_side_encryption_configuration = {
    rule = {
      apply_server_side_encryption_by_default = {
        sse_algorithm     = "aws:kms"
        kms_master_key_id = aws_kms_key.this.arn
      }
      bucket_key_enabled = true
    }
  }

  # Bucket policy: deny any request not made over TLS (aws:SecureTransport =
  # false) and any request using TLS older than 1.2.
  attach_deny_insecure_transport_policy = true
  attach_require_latest_tls_policy      = true

  logging = {
    target_bucket = var.access_log_bucket_id
    target_prefix = "s3/${var.bucket_name}/"
  }

  lifecycle_rule = [
    {
      # Superseded object versions: an alias object that was moved, or a model
      # version that was re-published or deleted. Keep the newest few for
      # rollback, move the rest to infrequent access, then expire them.
      id      = "model-noncurrent-versions"
      enabled = true
      filter = {
        prefix = "models/"
      }

      noncurrent_version_transition = [
        {
          days          = 30
          storage_class = "STANDARD_IA"
        },
      ]

      noncurrent_version_expiration = {
        days                      = var.noncurrent_version_expiration_days
        newer_noncurrent_versions = var.noncurrent_versions_to_keep
      }

      expiration = {
        expired_object_delete_marker = true
      }
    },
    {
      # Old model versions that nothing reads any more drift to cheaper tiers
      # automatically; they stay available for a rollback (alias move).
      id      = "model-versions-intelligent-tiering"
      enabled = true
      filter = {
        prefix = "models/"
      }

      transition = [
        {
          days          = var.model_tiering_after_days
          storage_class = "INTELLIGENT_TIERING"
        },
      ]
    },
    {
      id      = "feedback-archive"
      enabled = true
      filter = {
        prefix = "feedback/"
      }

      transition = [
        {
          days          = 30
          storage_class = "STANDARD_IA"
        },
        {
          days          = 180
          storage_class = "GLACIER_IR"
        },
      ]

      noncurrent_version_expiration = {
        days = 30
      }
    },
    {
      # No filter: applies to every object in the bucket.
      id                                     = "abort-incomplete-multipart-uploads"
      enabled                                = true
      abort_incomplete_multipart_upload_days = 7
    },
  ]

  tags = var.tags
}
