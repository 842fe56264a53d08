output "bucket_id" {
  description = "Name of the access-log bucket."
  value       = module.bucket.s3_bucket_id
}

output "bucket_arn" {
  description = "ARN of the access-log bucket."
  value       = module.bucket.s3_bucket_arn
}
