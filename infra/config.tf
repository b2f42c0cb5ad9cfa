# Root-level resources that belong to no service module: the runtime configuration in SSM
# Parameter Store and the Athena workgroup for ad-hoc queries over the Iceberg tables.

locals {
  ssm_prefix = "/${local.name_prefix}/config/"

  # Data contract: names of what the engine, the functions and the jobs use, plus the scoring
  # thresholds. Stream names are present while streaming is off too (the streams come back with
  # the same names).
  runtime_config = {
    trades_stream      = module.kinesis.stream_names.trades
    dead_letter_stream = module.kinesis.stream_names.dead_letter
    alerts_table       = module.alerts_store.alerts_table_name
    scores_table       = module.alerts_store.scores_table_name
    raw_bucket         = module.s3_lakehouse.raw_bucket_name
    processed_bucket   = module.s3_lakehouse.processed_bucket_name
    checkpoint_bucket  = module.s3_lakehouse.checkpoint_bucket_name
    glue_database      = module.glue.database_name
    alert_min_usd      = tostring(var.alert_min_usd)
    smart_money_q      = tostring(var.smart_money_q)
    min_resolved       = tostring(var.min_resolved)
    benchmark_token    = var.benchmark_token
  }
}

resource "aws_ssm_parameter" "config" {
  #checkov:skip=CKV2_AWS_34:Nothing here is secret (resource names and scoring thresholds); String keeps reads free of KMS calls. Secrets would be SecureString.
  for_each = local.runtime_config

  name        = "${local.ssm_prefix}${each.key}"
  description = "Coat Tail runtime configuration: ${each.key}"
  type        = "String"
  tier        = "Standard"
  value       = each.value
}

resource "aws_athena_workgroup" "analytics" {
  name          = "${local.name_prefix}-analytics"
  description   = "Ad-hoc SQL over the Iceberg lake (Glue database ${module.glue.database_name})"
  state         = "ENABLED"
  force_destroy = true # saved queries and history only; results live in the athena-results bucket

  configuration {
    enforce_workgroup_configuration    = true # clients cannot change location, encryption or limit
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    engine_version {
      selected_engine_version = "Athena engine version 3" # Iceberg tables need engine v3
    }

    result_configuration {
      output_location       = module.s3_lakehouse.athena_results_s3_uri
      expected_bucket_owner = local.account_id

      # The results bucket's policy accepts only SSE-S3 (AES256) encryption headers.
      encryption_configuration {
        encryption_option = "SSE_S3"
      }
    }
  }
}
