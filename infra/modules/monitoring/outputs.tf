output "sns_topic_arn" {
  description = "Alarm topic: pass to the kinesis and emr-serverless modules (alarm_sns_topic_arn) and to any other alarm named <prefix>-*."
  value       = aws_sns_topic.alarms.arn
}

output "sns_topic_name" {
  description = "Name of the alarm topic."
  value       = aws_sns_topic.alarms.name
}

output "kms_key_arn" {
  description = "Customer managed key that encrypts the alarm topic (principals that publish from IAM need kms:GenerateDataKey*/kms:Decrypt on it)."
  value       = aws_kms_key.alarms.arn
}

output "kms_alias_name" {
  description = "Alias of the alarm topic key (alias/<prefix>-alarms)."
  value       = aws_kms_alias.alarms.name
}

output "dashboard_name" {
  description = "CloudWatch dashboard name."
  value       = aws_cloudwatch_dashboard.overview.dashboard_name
}

output "dashboard_arn" {
  description = "CloudWatch dashboard ARN."
  value       = aws_cloudwatch_dashboard.overview.dashboard_arn
}

output "dashboard_url" {
  description = "Console URL of the dashboard."
  value       = "https://${var.region}.console.aws.amazon.com/cloudwatch/home?region=${var.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.overview.dashboard_name}"
}

output "budget_name" {
  description = "AWS Budgets monthly cost budget."
  value       = aws_budgets_budget.monthly.name
}

output "budget_alert_thresholds_usd" {
  description = "Actual-spend thresholds (USD) that notify the alarm topic."
  value       = var.budget_alert_thresholds_usd
}

output "email_subscription_arn" {
  description = "ARN of the e-mail subscription (\"pending confirmation\" until the mail is accepted), or null."
  value       = one(aws_sns_topic_subscription.email[*].arn)
}

output "alarm_arns" {
  description = "Map of alarm name to ARN for the alarms this module owns (DynamoDB throttling, Lambda errors)."
  value = merge(
    { for a in aws_cloudwatch_metric_alarm.dynamodb_throttles : a.alarm_name => a.arn },
    { for a in aws_cloudwatch_metric_alarm.lambda_errors : a.alarm_name => a.arn },
  )
}
