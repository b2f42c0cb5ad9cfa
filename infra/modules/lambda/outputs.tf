output "function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "ARN API Gateway uses to invoke the function."
  value       = aws_lambda_function.this.invoke_arn
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the Kinesis event source mapping, or null when there is none (streaming off)."
  value       = try(one(aws_lambda_event_source_mapping.kinesis[*].uuid), null)
}

output "event_source_mapping_arn" {
  description = "ARN of the Kinesis event source mapping, or null when there is none (streaming off)."
  value       = try(one(aws_lambda_event_source_mapping.kinesis[*].arn), null)
}
