output "api_keys_parameter_arn" {
  description = "ARN of the SSM parameter holding ADSERVE_API_KEYS."
  value       = aws_ssm_parameter.api_keys.arn
}

output "api_keys_parameter_name" {
  description = "Name of the SSM parameter holding ADSERVE_API_KEYS."
  value       = aws_ssm_parameter.api_keys.name
}

output "pii_hmac_key_parameter_arn" {
  description = "ARN of the SSM parameter holding ADSERVE_PII_HMAC_KEY."
  value       = aws_ssm_parameter.pii_hmac_key.arn
}

output "pii_hmac_key_parameter_name" {
  description = "Name of the SSM parameter holding ADSERVE_PII_HMAC_KEY."
  value       = aws_ssm_parameter.pii_hmac_key.name
}
