output "kms_key_arn" {
  description = "ARN of the customer managed key encrypting the tables, queues, Lambda environment and log groups."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "Alias of the customer managed key (alias/<prefix>-app)."
  value       = aws_kms_alias.this.name
}

output "alerts_table_name" {
  description = "Name of the alerts table."
  value       = aws_dynamodb_table.alerts.name
}

output "alerts_table_arn" {
  description = "ARN of the alerts table."
  value       = aws_dynamodb_table.alerts.arn
}

output "alerts_by_day_index_arn" {
  description = "ARN of the alerts table's by_day index."
  value       = "${aws_dynamodb_table.alerts.arn}/index/by_day"
}

output "scores_table_name" {
  description = "Name of the whale-scores table."
  value       = aws_dynamodb_table.whale_scores.name
}

output "scores_table_arn" {
  description = "ARN of the whale-scores table."
  value       = aws_dynamodb_table.whale_scores.arn
}

output "scores_leaderboard_index_arn" {
  description = "ARN of the whale-scores table's leaderboard index."
  value       = "${aws_dynamodb_table.whale_scores.arn}/index/leaderboard"
}

output "speed_layer_dlq_arn" {
  description = "ARN of the SQS queue that receives the speed layer's failed Kinesis batches (pointers)."
  value       = aws_sqs_queue.speed_layer_dlq.arn
}

output "speed_layer_dlq_url" {
  description = "URL of the speed layer's failure queue."
  value       = aws_sqs_queue.speed_layer_dlq.url
}

output "score_loader_dlq_arn" {
  description = "ARN of the score-loader's dead-letter queue."
  value       = aws_sqs_queue.score_loader_dlq.arn
}

output "score_loader_dlq_url" {
  description = "URL of the score-loader's dead-letter queue."
  value       = aws_sqs_queue.score_loader_dlq.url
}
