# Application secrets as SSM SecureString parameters encrypted with the platform
# key. Tasks receive them through the task definition `secrets` block (resolved
# by the ECS agent with the execution role), never as plain environment values.
#
# Terraform seeds each parameter with a random value on first apply and then
# ignores the value, so operators rotate keys with `aws ssm put-parameter
# --overwrite` (see infra/README.md) without Terraform reverting them.

resource "random_password" "api_key" {
  length  = 48
  special = false
}

resource "random_password" "pii_hmac_key" {
  length  = 64
  special = false
}

resource "aws_ssm_parameter" "api_keys" {
  name        = "/${var.name_prefix}/api-keys"
  description = "Comma-separated API keys accepted by the services (ADSERVE_API_KEYS)."
  type        = "SecureString"
  key_id      = var.kms_key_arn
  value       = random_password.api_key.result

  lifecycle {
    ignore_changes = [value]
  }

  tags = var.tags
}

resource "aws_ssm_parameter" "pii_hmac_key" {
  name        = "/${var.name_prefix}/pii-hmac-key"
  description = "HMAC key used to pseudonymise user identifiers (ADSERVE_PII_HMAC_KEY)."
  type        = "SecureString"
  key_id      = var.kms_key_arn
  value       = random_password.pii_hmac_key.result

  lifecycle {
    ignore_changes = [value]
  }

  tags = var.tags
}
