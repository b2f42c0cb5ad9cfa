# Coat Tail Capital: composition of the modules. Data flow (docs/ARCHITECTURE.md):
#
#   producer -> Kinesis trades -+-> speed-layer Lambda -> DynamoDB alerts ----------------+
#                               +-> Firehose -> S3 raw -> Spark on EMR Serverless          |
#                                                         -> Iceberg (Glue, S3 processed)  +-> API
#                                                         -> S3 publish/whale_scores/      |
#                                                            -> score-loader Lambda -> DynamoDB scores
#
# var.streaming_enabled = false removes everything billed by the hour while idle (streams,
# Firehose, event source mapping, stream alarms); storage, serving and outputs stay.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  name_prefix = "${var.project}-${var.environment}"
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition

  default_tags = merge(var.extra_tags, {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = var.managed_by
    CostCenter  = var.cost_center
  })

  # Stream ARNs from the contract names: known whether streaming is on or off, so IAM and SSM do
  # not change when the pipeline is stopped or started.
  stream_arn_head        = "arn:${local.partition}:kinesis:${var.region}:${local.account_id}:stream/"
  trades_stream_arn      = "${local.stream_arn_head}${module.kinesis.stream_names.trades}"
  dead_letter_stream_arn = "${local.stream_arn_head}${module.kinesis.stream_names.dead_letter}"

  # Every function and API name, derived here once and passed to the modules that create or
  # reference them (lambda, iam, api, monitoring).
  function_names = {
    speed_layer  = "${local.name_prefix}-speed-layer"
    api          = "${local.name_prefix}-api"
    score_loader = "${local.name_prefix}-score-loader"
  }
  api_name       = "${local.name_prefix}-api"
  api_stage_name = "v1"

  # What the C++ functions find in their environment: where the rest of the configuration is.
  lambda_environment = {
    COATTAIL_CONFIG_PATH       = local.ssm_prefix
    COATTAIL_ALERTS_TABLE      = module.alerts_store.alerts_table_name
    COATTAIL_SCORES_TABLE      = module.alerts_store.scores_table_name
    COATTAIL_METRICS_NAMESPACE = local.metrics_namespace
  }
  metrics_namespace = "CoatTail"

  lambda_packages = {
    speed_layer  = var.speed_layer_package
    api          = var.api_package
    score_loader = var.score_loader_package
  }
}

# ---------------------------------------------------------------------------------------------
# Storage and catalog
# ---------------------------------------------------------------------------------------------

module "s3_lakehouse" {
  source = "./modules/s3-lakehouse"

  name_prefix   = local.name_prefix
  account_id    = local.account_id
  force_destroy = var.s3_force_destroy
  # The score-loader's notification is managed by the lambda module (one per bucket).
  score_loader_notification_enabled = false
}

module "glue" {
  source = "./modules/glue"

  name_prefix           = local.name_prefix
  processed_bucket_name = module.s3_lakehouse.processed_bucket_name
}

# ---------------------------------------------------------------------------------------------
# Streaming ingest (hourly-billed parts switched by streaming_enabled)
# ---------------------------------------------------------------------------------------------

module "kinesis" {
  source = "./modules/kinesis"

  name_prefix         = local.name_prefix
  region              = var.region
  enabled             = var.streaming_enabled
  alarm_sns_topic_arn = module.monitoring.sns_topic_arn
  firehose_role_arn   = module.iam.firehose_role_arn
  raw_bucket_arn      = module.s3_lakehouse.raw_bucket_arn
}

# ---------------------------------------------------------------------------------------------
# Batch layer: PySpark on EMR Serverless (idle application costs nothing)
# ---------------------------------------------------------------------------------------------

module "emr_serverless" {
  source = "./modules/emr-serverless"

  name_prefix         = local.name_prefix
  architecture        = var.emr_architecture
  kms_key_arn         = module.kinesis.kms_key_arn
  s3_log_uri          = module.s3_lakehouse.emr_log_uri
  alarm_sns_topic_arn = module.monitoring.sns_topic_arn
}

# ---------------------------------------------------------------------------------------------
# Serving store and IAM
# ---------------------------------------------------------------------------------------------

module "alerts_store" {
  source = "./modules/alerts-store"

  name_prefix = local.name_prefix
  region      = var.region
  log_group_name_patterns = [
    "/aws/lambda/${local.name_prefix}-*",
    "/aws/apigateway/${local.name_prefix}-*",
    "API-Gateway-Execution-Logs_*",
  ]
}

module "iam" {
  source = "./modules/iam"

  name_prefix    = local.name_prefix
  function_names = local.function_names
  project        = var.project
  region         = var.region

  trades_stream_arn      = local.trades_stream_arn
  dead_letter_stream_arn = local.dead_letter_stream_arn
  streams_kms_key_arn    = module.kinesis.kms_key_arn
  app_kms_key_arn        = module.alerts_store.kms_key_arn
  emr_kms_key_arns       = [module.kinesis.kms_key_arn]

  raw_bucket_arn        = module.s3_lakehouse.raw_bucket_arn
  processed_bucket_arn  = module.s3_lakehouse.processed_bucket_arn
  checkpoint_bucket_arn = module.s3_lakehouse.checkpoint_bucket_arn
  score_snapshot_prefix = module.s3_lakehouse.score_snapshot_prefix

  alerts_table_arn     = module.alerts_store.alerts_table_arn
  scores_table_arn     = module.alerts_store.scores_table_arn
  speed_layer_dlq_arn  = module.alerts_store.speed_layer_dlq_arn
  score_loader_dlq_arn = module.alerts_store.score_loader_dlq_arn

  glue_database_name      = module.glue.database_name
  emr_log_group_name      = module.emr_serverless.log_group_name
  firehose_log_group_name = module.kinesis.firehose_log_group_name
  ssm_parameter_prefix    = local.ssm_prefix
  metrics_namespace       = local.metrics_namespace

  producer_trusted_principal_arns = var.producer_trusted_principal_arns
  producer_require_mfa            = var.producer_require_mfa

  github_repository           = var.github_repository
  create_github_oidc_provider = var.create_github_oidc_provider
  github_oidc_provider_arn    = var.github_oidc_provider_arn
  state_bucket_name           = coalesce(var.state_bucket_name, "${var.project}-tfstate-${local.account_id}")
  lock_table_name             = coalesce(var.lock_table_name, "${var.project}-tflock")
}

# ---------------------------------------------------------------------------------------------
# Speed layer and serving: C++ Lambda functions
# ---------------------------------------------------------------------------------------------

module "speed_layer" {
  source = "./modules/lambda"

  function_name                  = local.function_names.speed_layer
  description                    = "Speed layer: trades stream -> smart-money alerts"
  package_path                   = var.speed_layer_package
  role_arn                       = module.iam.speed_layer_role_arn
  architecture                   = var.lambda_architecture
  memory_size                    = 256
  timeout                        = 60
  reserved_concurrent_executions = var.lambda_reserved_concurrency.speed_layer
  kms_key_arn                    = module.alerts_store.kms_key_arn
  log_retention_days             = var.log_retention_days
  environment_variables          = local.lambda_environment

  # Only while streaming: deleted together with the stream.
  kinesis_event_source = var.streaming_enabled ? {
    stream_arn                    = module.kinesis.trades_stream_arn
    on_failure_destination_arn    = module.alerts_store.speed_layer_dlq_arn
    starting_position             = var.speed_layer_starting_position
    batch_size                    = var.speed_layer_batch_size
    maximum_retry_attempts        = var.speed_layer_maximum_retry_attempts
    maximum_record_age_in_seconds = var.speed_layer_maximum_record_age_seconds
  } : null
}

module "api_function" {
  source = "./modules/lambda"

  function_name                  = local.function_names.api
  description                    = "Read API: scores and alerts from DynamoDB"
  package_path                   = var.api_package
  role_arn                       = module.iam.api_role_arn
  architecture                   = var.lambda_architecture
  memory_size                    = 256
  timeout                        = 10
  reserved_concurrent_executions = var.lambda_reserved_concurrency.api
  kms_key_arn                    = module.alerts_store.kms_key_arn
  log_retention_days             = var.log_retention_days
  environment_variables          = local.lambda_environment
}

module "score_loader" {
  source = "./modules/lambda"

  function_name                  = local.function_names.score_loader
  description                    = "Loads published score snapshots (S3) into the whale-scores table"
  package_path                   = var.score_loader_package
  role_arn                       = module.iam.score_loader_role_arn
  architecture                   = var.lambda_architecture
  memory_size                    = 512
  timeout                        = 300
  reserved_concurrent_executions = var.lambda_reserved_concurrency.score_loader
  kms_key_arn                    = module.alerts_store.kms_key_arn
  log_retention_days             = var.log_retention_days
  environment_variables          = local.lambda_environment
  dead_letter_target_arn         = module.alerts_store.score_loader_dlq_arn

  s3_notification = {
    bucket_name   = module.s3_lakehouse.processed_bucket_name
    bucket_arn    = module.s3_lakehouse.processed_bucket_arn
    filter_prefix = module.s3_lakehouse.score_snapshot_prefix
    filter_suffix = module.s3_lakehouse.score_snapshot_suffix
  }
}

# A plan needs no built handler: while a package file is missing a plan warns here, and an apply
# fails when the provider reads the missing file.
check "lambda_packages_built" {
  assert {
    condition     = alltrue([for k, p in local.lambda_packages : p != null && try(fileexists(p), false)])
    error_message = "Lambda package(s) not found: ${join(", ", [for k, p in local.lambda_packages : "${k}=${coalesce(p, "(unset)")}" if !(p != null && try(fileexists(p), false))])}. Build the C++ handlers before apply."
  }
}

module "api" {
  source = "./modules/api"

  api_name                = local.api_name
  stage_name              = local.api_stage_name
  lambda_function_name    = module.api_function.function_name
  lambda_invoke_arn       = module.api_function.invoke_arn
  throttling_rate_limit   = var.api_throttling_rate_limit
  throttling_burst_limit  = var.api_throttling_burst_limit
  quota_limit             = var.api_quota_per_day
  quota_period            = "DAY"
  log_retention_days      = var.log_retention_days
  kms_key_arn             = module.alerts_store.kms_key_arn
  manage_account_settings = var.api_manage_account_settings
  cloudwatch_role_arn     = module.iam.apigw_cloudwatch_role_arn
}

# ---------------------------------------------------------------------------------------------
# Monitoring and cost control
# ---------------------------------------------------------------------------------------------

module "monitoring" {
  source = "./modules/monitoring"

  name_prefix                 = local.name_prefix
  region                      = var.region
  alarm_email                 = var.alarm_email
  budget_limit_usd            = var.budget_limit_usd
  budget_alert_thresholds_usd = var.budget_alert_thresholds_usd

  trades_stream_name            = module.kinesis.trades_stream_name
  dead_letter_stream_name       = module.kinesis.dead_letter_stream_name
  firehose_delivery_stream_name = module.kinesis.firehose_delivery_stream_name
  emr_application_id            = module.emr_serverless.application_id
  dynamodb_table_names          = [module.alerts_store.alerts_table_name, module.alerts_store.scores_table_name]
  lambda_function_names         = values(local.function_names)
  api_gateway_name              = local.api_name
  api_gateway_stage_name        = local.api_stage_name
}
