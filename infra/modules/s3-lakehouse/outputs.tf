output "bucket_names" {
  description = "Map of bucket role (raw, processed, checkpoints, athena_results) to bucket name."
  value       = { for k, b in aws_s3_bucket.this : k => b.bucket }
}

output "bucket_arns" {
  description = "Map of bucket role (raw, processed, checkpoints, athena_results) to bucket ARN."
  value       = { for k, b in aws_s3_bucket.this : k => b.arn }
}

output "raw_bucket_name" {
  description = "Raw landing bucket (Firehose destination; EMR Serverless logs under emr-logs/)."
  value       = aws_s3_bucket.this["raw"].bucket
}

output "raw_bucket_arn" {
  description = "ARN of the raw landing bucket."
  value       = aws_s3_bucket.this["raw"].arn
}

output "processed_bucket_name" {
  description = "Processed bucket: Iceberg warehouse (warehouse/), score snapshots (publish/whale_scores/), job artifacts (artifacts/)."
  value       = aws_s3_bucket.this["processed"].bucket
}

output "processed_bucket_arn" {
  description = "ARN of the processed (Iceberg) bucket."
  value       = aws_s3_bucket.this["processed"].arn
}

output "checkpoint_bucket_name" {
  description = "Spark checkpoint bucket."
  value       = aws_s3_bucket.this["checkpoints"].bucket
}

output "checkpoint_bucket_arn" {
  description = "ARN of the Spark checkpoint bucket."
  value       = aws_s3_bucket.this["checkpoints"].arn
}

output "athena_results_bucket_name" {
  description = "Athena query results bucket."
  value       = aws_s3_bucket.this["athena_results"].bucket
}

output "athena_results_bucket_arn" {
  description = "ARN of the Athena query results bucket."
  value       = aws_s3_bucket.this["athena_results"].arn
}

output "athena_results_s3_uri" {
  description = "Output location for an Athena workgroup (s3://<athena-results>/results/). Workgroups should use SSE_S3 result encryption (the bucket policy rejects any other SSE header)."
  value       = "s3://${aws_s3_bucket.this["athena_results"].bucket}/results/"
}

output "warehouse_s3_uri" {
  description = "Iceberg warehouse root for the Glue catalog and Spark (spark.sql.catalog.<name>.warehouse)."
  value       = "s3://${aws_s3_bucket.this["processed"].bucket}/warehouse/"
}

output "artifacts_s3_uri" {
  description = "Where job code and dependencies are uploaded (s3://<processed>/artifacts/)."
  value       = "s3://${aws_s3_bucket.this["processed"].bucket}/artifacts/"
}

output "score_snapshot_prefix" {
  description = "Key prefix in the processed bucket where Spark writes score snapshots (data contract)."
  value       = local.score_snapshot_prefix
}

output "score_snapshot_suffix" {
  description = "Object key suffix of score snapshots (filter of the score-loader notification)."
  value       = local.score_snapshot_suffix
}

output "emr_log_uri" {
  description = "Suggested S3 location for EMR Serverless job logs (raw bucket, expires with the raw lifecycle)."
  value       = "s3://${aws_s3_bucket.this["raw"].bucket}/emr-logs/"
}

output "access_log_bucket_name" {
  description = "Access-log bucket name, or null when access_logging_enabled is false."
  value       = one(aws_s3_bucket.access_logs[*].bucket)
}

output "access_log_bucket_arn" {
  description = "Access-log bucket ARN, or null when access_logging_enabled is false."
  value       = one(aws_s3_bucket.access_logs[*].arn)
}

output "score_loader_notification_id" {
  description = "Id of the processed bucket notification, or null when this module does not manage it."
  value       = one(aws_s3_bucket_notification.score_loader[*].id)
}
