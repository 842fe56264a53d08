output "bucket_id" {
  description = "Name of the model-store bucket."
  value       = module.bucket.s3_bucket_id
}

output "bucket_arn" {
  description = "ARN of the model-store bucket."
  value       = module.bucket.s3_bucket_arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the bucket."
  value       = aws_kms_key.this.arn
}

output "model_store_uri" {
  description = "Value for ADSERVE_MODEL_STORE (s3://<bucket>/models)."
  value       = "s3://${module.bucket.s3_bucket_id}/models"
}
