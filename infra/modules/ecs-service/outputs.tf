output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "task_definition_arn" {
  description = "ARN of the current task definition revision."
  value       = aws_ecs_task_definition.this.arn
}

output "task_role_arn" {
  description = "ARN of the task role (model read access)."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "ARN of the execution role (image pull, logs, secrets)."
  value       = aws_iam_role.execution.arn
}

output "security_group_id" {
  description = "Security group of the task ENIs."
  value       = aws_security_group.this.id
}

output "log_group_name" {
  description = "CloudWatch log group of the service."
  value       = aws_cloudwatch_log_group.this.name
}

output "requests_per_target_per_minute" {
  description = "Target value of the ALBRequestCountPerTarget policy derived from concurrency per replica and latency."
  value       = local.requests_per_target_per_minute
}

output "autoscaling_resource_id" {
  description = "Application Auto Scaling resource ID of the service."
  value       = aws_appautoscaling_target.this.resource_id
}
