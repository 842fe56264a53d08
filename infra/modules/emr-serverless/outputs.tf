output "application_id" {
  description = "EMR Serverless application id (scripts/submit_spark.sh --application-id)."
  value       = aws_emrserverless_application.spark.id
}

output "job_role_arn" {
  description = "Job execution role (scripts/submit_spark.sh --role-arn): reads raw/ and jobs/, writes only the lake prefix and logs/."
  value       = aws_iam_role.job.arn
}

output "bucket_id" {
  description = "Name of the lake bucket."
  value       = module.bucket.s3_bucket_id
}

output "bucket_arn" {
  description = "ARN of the lake bucket."
  value       = module.bucket.s3_bucket_arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the lake bucket."
  value       = aws_kms_key.lake.arn
}

output "lake_uri" {
  description = "Value for ADSERVE_DATA_LAKE and recommend train --lake."
  value       = "s3://${module.bucket.s3_bucket_id}/${var.lake_prefix}"
}
