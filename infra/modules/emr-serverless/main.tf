# Data at scale: the lake pipeline (services/data/spark) as EMR Serverless Spark job runs.
#   s3://<bucket>/raw/...            raw transactions (CSV or Parquet), uploaded by the platform team
#   s3://<bucket>/jobs/...           the job's code (entry.py + package zip), uploaded by scripts/submit_spark.sh
#   s3://<bucket>/<lake_prefix>/...  the Parquet lake (interactions by date, items, users, manifest.json, _SUCCESS)
#   s3://<bucket>/logs/...           Spark driver and executor logs of each run
#   s3://<bucket>/secrets/...        the pseudonymization key the job reads (--hmac-key-uri)

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  bucket_arn = "arn:${local.partition}:s3:::${var.bucket_name}"
}

resource "aws_kms_key" "lake" {
  description             = "${var.name}: data lake (raw input, cleaned Parquet, job code and logs)"
  enable_key_rotation     = true
  rotation_period_in_days = var.kms_rotation_period_in_days
  deletion_window_in_days = 30

  # Only the account may administer or use the key; the job role receives
  # kms:Decrypt/GenerateDataKey on this key through its own policy, via S3 only.
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

resource "aws_kms_alias" "lake" {
  name          = "alias/${var.bucket_name}"
  target_key_id = aws_kms_key.lake.key_id
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
        kms_master_key_id = aws_kms_key.lake.arn
      }
      bucket_key_enabled = true
    }
  }

  attach_deny_insecure_transport_policy = true
  attach_require_latest_tls_policy      = true

  logging = {
    target_bucket = var.access_log_bucket_id
    target_prefix = "s3/${var.bucket_name}/"
  }

  lifecycle_rule = [
    {
      # Raw input is cleaned into the lake; the raw copies expire.
      id      = "raw-expiration"
      enabled = true
      filter = {
        prefix = "raw/"
      }
      expiration = {
        days = var.raw_expiration_days
      }
      noncurrent_version_expiration = {
        days = 7
      }
    },
    {
      # Each run rewrites the lake; the superseded files of earlier runs expire.
      id      = "lake-noncurrent-versions"
      enabled = true
      filter = {
        prefix = "${var.lake_prefix}/"
      }
      transition = [
        {
          days          = 30
          storage_class = "INTELLIGENT_TIERING"
        },
      ]
      noncurrent_version_expiration = {
        days = var.noncurrent_version_expiration_days
      }
      expiration = {
        expired_object_delete_marker = true
      }
    },
    {
      id      = "job-logs"
      enabled = true
      filter = {
        prefix = "logs/"
      }
      expiration = {
        days = var.job_log_retention_days
      }
      noncurrent_version_expiration = {
        days = 1
      }
    },
    {
      id                                     = "abort-incomplete-multipart-uploads"
      enabled                                = true
      abort_incomplete_multipart_upload_days = 7
    },
  ]

  tags = var.tags
}

resource "aws_emrserverless_application" "spark" {
  name          = "${var.name}-data-lake"
  release_label = var.release_label
  type          = "spark"
  architecture  = "ARM64"

  maximum_capacity {
    cpu    = "${var.max_vcpu} vCPU"
    memory = "${var.max_memory_gb} GB"
  }

  auto_start_configuration {
    enabled = true
  }

  auto_stop_configuration {
    enabled              = true
    idle_timeout_minutes = var.idle_timeout_minutes
  }

  tags = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["emr-serverless.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:emr-serverless:${data.aws_region.current.name}:${local.account_id}:/applications/*"]
    }
  }
}

resource "aws_iam_role" "job" {
  name               = "${var.name}-data-lake-job"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "job" {
  statement {
    sid       = "ReadInputCodeAndKey"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket_arn}/raw/*", "${local.bucket_arn}/jobs/*", "${local.bucket_arn}/secrets/*"]
  }

  statement {
    sid       = "WriteOnlyTheLakeAndLogs"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = ["${local.bucket_arn}/${var.lake_prefix}/*", "${local.bucket_arn}/logs/*"]
  }

  statement {
    sid       = "ListOnlyThosePrefixes"
    actions   = ["s3:ListBucket", "s3:ListBucketMultipartUploads"]
    resources = [local.bucket_arn]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["raw/*", "jobs/*", "${var.lake_prefix}", "${var.lake_prefix}/*", "logs/*"]
    }
  }

  statement {
    sid       = "LakeKeyThroughS3"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.lake.arn]
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "job" {
  name   = "lake-prefix-only"
  role   = aws_iam_role.job.id
  policy = data.aws_iam_policy_document.job.json
}
