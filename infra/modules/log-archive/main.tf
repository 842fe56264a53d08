# Central bucket for S3 server access logs (model store) and ALB access logs.
# S3 server access logging and ALB log delivery only support SSE-S3 on the
# target bucket, so this bucket uses AES256 rather than the platform KMS key.

data "aws_caller_identity" "current" {}

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
        sse_algorithm = "AES256"
      }
    }
  }

  attach_deny_insecure_transport_policy = true
  attach_require_latest_tls_policy      = true

  # Log delivery permissions: ALB (both the legacy regional ELB account and the
  # log delivery service principal) and S3 server access logging.
  attach_elb_log_delivery_policy             = true
  attach_lb_log_delivery_policy              = true
  attach_access_log_delivery_policy          = true
  access_log_delivery_policy_source_accounts = [data.aws_caller_identity.current.account_id]
  access_log_delivery_policy_source_buckets  = var.source_bucket_arns

  lifecycle_rule = [
    {
      # No filter: applies to every object in the bucket.
      id      = "expire-access-logs"
      enabled = true

      transition = [
        {
          days          = 30
          storage_class = "STANDARD_IA"
        },
      ]

      expiration = {
        days = var.retention_days
      }

      noncurrent_version_expiration = {
        days = 30
      }

      abort_incomplete_multipart_upload_days = 7
    },
  ]

  tags = var.tags
}
