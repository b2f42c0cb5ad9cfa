output "enabled" {
  description = "Whether the hourly-billed streaming resources exist (the stop lifecycle switch)."
  value       = var.enabled
}

output "kms_key_arn" {
  description = "ARN of the streams customer managed key (always present, also when streaming is off). Grant kms:GenerateDataKey (producers) / kms:Decrypt (consumers, Firehose) on it in IAM."
  value       = aws_kms_key.streams.arn
}

output "kms_key_id" {
  description = "Key id of the streams customer managed key."
  value       = aws_kms_key.streams.key_id
}

output "kms_alias_name" {
  description = "Alias of the streams key (alias/<prefix>-streams)."
  value       = aws_kms_alias.streams.name
}

output "kms_alias_arn" {
  description = "ARN of the streams key alias."
  value       = aws_kms_alias.streams.arn
}

output "trades_stream_name" {
  description = "Name of the trades stream (<prefix>-trades), or null when streaming is off."
  value       = try(aws_kinesis_stream.this["trades"].name, null)
}

output "trades_stream_arn" {
  description = "ARN of the trades stream, or null when streaming is off."
  value       = try(aws_kinesis_stream.this["trades"].arn, null)
}

output "dead_letter_stream_name" {
  description = "Name of the dead-letter stream (<prefix>-dead-letter), or null when streaming is off."
  value       = try(aws_kinesis_stream.this["dead_letter"].name, null)
}

output "dead_letter_stream_arn" {
  description = "ARN of the dead-letter stream, or null when streaming is off."
  value       = try(aws_kinesis_stream.this["dead_letter"].arn, null)
}

output "stream_names" {
  description = "Stream names the module creates when enabled (known even when streaming is off; for SSM parameters and IAM ARNs built from names)."
  value       = { for k, s in local.streams : k => s.name }
}

output "firehose_delivery_stream_name" {
  description = "Name of the Firehose delivery stream, or null when streaming is off."
  value       = one(aws_kinesis_firehose_delivery_stream.raw[*].name)
}

output "firehose_delivery_stream_arn" {
  description = "ARN of the Firehose delivery stream, or null when streaming is off."
  value       = one(aws_kinesis_firehose_delivery_stream.raw[*].arn)
}

output "firehose_log_group_name" {
  description = "CloudWatch log group of Firehose delivery errors (kept when streaming is off)."
  value       = aws_cloudwatch_log_group.firehose.name
}

output "firehose_log_group_arn" {
  description = "ARN of the Firehose error log group (grant logs:PutLogEvents on \"<arn>:*\" to the Firehose role)."
  value       = aws_cloudwatch_log_group.firehose.arn
}

output "raw_prefix" {
  description = "Firehose object key prefix in the raw bucket (hour partitions by arrival time, UTC)."
  value       = local.raw_prefix
}

output "raw_error_prefix" {
  description = "Firehose error output prefix in the raw bucket."
  value       = local.raw_error_prefix
}

output "alarm_arns" {
  description = "Map of alarm name to ARN (empty when streaming is off)."
  value = merge(
    { for a in aws_cloudwatch_metric_alarm.stream : a.alarm_name => a.arn },
    { for a in aws_cloudwatch_metric_alarm.firehose_freshness : a.alarm_name => a.arn },
  )
}
