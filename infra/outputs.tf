# Every output evaluates with streaming off too (stream outputs become null, or use names).

output "name_prefix" {
  description = "Prefix of every resource name."
  value       = local.name_prefix
}

output "account_id" {
  description = "AWS account the stack is deployed in."
  value       = local.account_id
}

output "region" {
  description = "AWS region of the stack."
  value       = var.region
}

output "streaming_enabled" {
  description = "Whether the hourly-billed streaming resources exist."
  value       = var.streaming_enabled
}

# --- streaming ---------------------------------------------------------------------------------

output "trades_stream_name" {
  description = "Kinesis trades stream name (the name is fixed; the stream exists only while streaming_enabled)."
  value       = module.kinesis.stream_names.trades
}

output "trades_stream_arn" {
  description = "ARN of the trades stream, or null while streaming is off."
  value       = module.kinesis.trades_stream_arn
}

output "dead_letter_stream_name" {
  description = "Kinesis dead-letter stream name (exists only while streaming_enabled)."
  value       = module.kinesis.stream_names.dead_letter
}

output "dead_letter_stream_arn" {
  description = "ARN of the dead-letter stream, or null while streaming is off."
  value       = module.kinesis.dead_letter_stream_arn
}

output "firehose_delivery_stream_name" {
  description = "Firehose delivery stream into the raw bucket, or null while streaming is off."
  value       = module.kinesis.firehose_delivery_stream_name
}

output "streams_kms_key_arn" {
  description = "KMS key of the streams (alias/<prefix>-streams)."
  value       = module.kinesis.kms_key_arn
}

# --- lakehouse ---------------------------------------------------------------------------------

output "bucket_names" {
  description = "Bucket names by role: raw, processed, checkpoints, athena_results."
  value       = module.s3_lakehouse.bucket_names
}

output "warehouse_s3_uri" {
  description = "Iceberg warehouse root."
  value       = module.s3_lakehouse.warehouse_s3_uri
}

output "artifacts_s3_uri" {
  description = "Where Spark job code is uploaded."
  value       = module.s3_lakehouse.artifacts_s3_uri
}

output "glue_database_name" {
  description = "Glue database of the Iceberg tables."
  value       = module.glue.database_name
}

output "athena_workgroup_name" {
  description = "Athena workgroup for queries over the lake."
  value       = aws_athena_workgroup.analytics.name
}

output "emr_application_id" {
  description = "EMR Serverless application id (StartJobRun)."
  value       = module.emr_serverless.application_id
}

output "emr_execution_role_arn" {
  description = "Execution role of the Spark jobs (StartJobRun executionRoleArn)."
  value       = module.iam.emr_execution_role_arn
}

output "spark_submit_parameters" {
  description = "sparkSubmitParameters that fit the application's capacity cap."
  value       = module.emr_serverless.spark_submit_parameters
}

output "emr_configuration_overrides_json" {
  description = "StartJobRun configurationOverrides (monitoring configuration) as JSON."
  value       = module.emr_serverless.configuration_overrides_json
}

# --- serving -----------------------------------------------------------------------------------

output "alerts_table_name" {
  description = "DynamoDB alerts table."
  value       = module.alerts_store.alerts_table_name
}

output "alerts_table_arn" {
  description = "ARN of the alerts table."
  value       = module.alerts_store.alerts_table_arn
}

output "scores_table_name" {
  description = "DynamoDB whale-scores table."
  value       = module.alerts_store.scores_table_name
}

output "scores_table_arn" {
  description = "ARN of the whale-scores table."
  value       = module.alerts_store.scores_table_arn
}

output "speed_layer_dlq_url" {
  description = "SQS queue with pointers to the trade batches the speed layer gave up on."
  value       = module.alerts_store.speed_layer_dlq_url
}

output "lambda_function_arns" {
  description = "ARNs of the Lambda functions."
  value = {
    speed_layer  = module.speed_layer.function_arn
    api          = module.api_function.function_arn
    score_loader = module.score_loader.function_arn
  }
}

output "speed_layer_event_source_mapping_uuid" {
  description = "UUID of the speed layer's Kinesis mapping, or null while streaming is off."
  value       = module.speed_layer.event_source_mapping_uuid
}

output "api_invoke_url" {
  description = "Base URL of the read API (GET /scores, /alerts, /wallets/{address}, /wallets/{address}/alerts; header x-api-key)."
  value       = module.api.invoke_url
}

output "api_key_id" {
  description = "Id of the API key; its value: aws apigateway get-api-key --api-key <id> --include-value --query value --output text."
  value       = module.api.api_key_id
}

output "config_parameter_path" {
  description = "SSM path of the runtime configuration."
  value       = local.ssm_prefix
}

# --- access ------------------------------------------------------------------------------------

output "producer_role_arn" {
  description = "Role the producer assumes (locally: aws sts assume-role, with MFA by default)."
  value       = module.iam.producer_role_arn
}

output "producer_instance_profile_name" {
  description = "Instance profile for an EC2-hosted producer."
  value       = module.iam.producer_instance_profile_name
}

output "github_plan_role_arn" {
  description = "CI plan role (GitHub variable AWS_PLAN_ROLE_ARN), or null without github_repository."
  value       = module.iam.github_plan_role_arn
}

output "github_apply_role_arn" {
  description = "CI apply role (GitHub variable AWS_APPLY_ROLE_ARN), or null without github_repository."
  value       = module.iam.github_apply_role_arn
}

# --- monitoring --------------------------------------------------------------------------------

output "dashboard_url" {
  description = "CloudWatch dashboard."
  value       = module.monitoring.dashboard_url
}

output "alarm_topic_arn" {
  description = "SNS topic of alarms and budget alerts."
  value       = module.monitoring.sns_topic_arn
}

output "budget_name" {
  description = "AWS Budgets monthly cost budget."
  value       = module.monitoring.budget_name
}
