output "cluster_arn" {
  description = "ARN of the Aurora PostgreSQL cluster."
  value       = aws_rds_cluster.this.arn
}

output "endpoint" {
  description = "Writer endpoint of the cluster."
  value       = aws_rds_cluster.this.endpoint
}

output "dsn_secret_arn" {
  description = "ARN of the Secrets Manager secret whose JSON key dsn is ADSERVE_FEEDBACK_DSN."
  value       = aws_secretsmanager_secret.dsn.arn
}

output "client_security_group_id" {
  description = "Security group whose members may connect to the database."
  value       = aws_security_group.client.id
}
