# A C++ Lambda function on an OS-only runtime: the function, its log group (created first, so
# Lambda never creates an unencrypted one without retention) and, optionally, its trigger: a
# Kinesis event source mapping or an S3 ObjectCreated notification.

data "aws_caller_identity" "current" {}

locals {
  log_group_name = "/aws/lambda/${var.function_name}"
  has_package    = var.package_path != null
  # The provider reads the file only at apply; a missing file leaves the hash unset here (the root
  # module's check "lambda_packages_built" warns about it at plan time).
  package_exists = local.has_package && try(fileexists(var.package_path), false)
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Dev stack: 14-day retention by default (configurable); a year of debug logs is cost without use here.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:No VPC by design (docs/ARCHITECTURE.md): the functions call only AWS APIs; a VPC would need NAT or interface endpoints that cost more than the whole budget.
  #checkov:skip=CKV_AWS_272:Code signing needs AWS Signer and an S3-staged signed package; the package is built and deployed by CI from the reviewed repository (residual risk in docs/SECURITY-REVIEW.md).
  function_name                  = var.function_name
  description                    = var.description
  role                           = var.role_arn
  filename                       = var.package_path
  source_code_hash               = local.package_exists ? filebase64sha256(var.package_path) : null
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = var.kms_key_arn

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  dynamic "environment" {
    for_each = length(var.environment_variables) > 0 ? [1] : []

    content {
      variables = var.environment_variables
    }
  }

  dynamic "dead_letter_config" {
    for_each = var.dead_letter_target_arn == null ? [] : [var.dead_letter_target_arn]

    content {
      target_arn = dead_letter_config.value
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = local.has_package
      error_message = "No deployment package for ${var.function_name}: set its *_package variable to the .zip built from the C++ handler (the package must hold an executable named bootstrap)."
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Trigger: Kinesis event source mapping (speed layer)
# ---------------------------------------------------------------------------------------------

resource "aws_lambda_event_source_mapping" "kinesis" {
  count = var.kinesis_event_source == null ? 0 : 1

  function_name                      = aws_lambda_function.this.arn
  event_source_arn                   = var.kinesis_event_source.stream_arn
  starting_position                  = var.kinesis_event_source.starting_position
  batch_size                         = var.kinesis_event_source.batch_size
  maximum_batching_window_in_seconds = var.kinesis_event_source.maximum_batching_window_in_seconds
  bisect_batch_on_function_error     = var.kinesis_event_source.bisect_batch_on_function_error
  maximum_retry_attempts             = var.kinesis_event_source.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.kinesis_event_source.maximum_record_age_in_seconds
  parallelization_factor             = var.kinesis_event_source.parallelization_factor
  function_response_types            = var.kinesis_event_source.function_response_types

  destination_config {
    on_failure {
      destination_arn = var.kinesis_event_source.on_failure_destination_arn
    }
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Trigger: S3 ObjectCreated notification (score-loader)
# ---------------------------------------------------------------------------------------------

resource "aws_lambda_permission" "s3" {
  count = var.s3_notification == null ? 0 : 1

  statement_id   = "AllowS3Invoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = var.s3_notification.bucket_arn
  source_account = data.aws_caller_identity.current.account_id
}

resource "aws_s3_bucket_notification" "this" {
  count = var.s3_notification == null ? 0 : 1

  bucket = var.s3_notification.bucket_name

  lambda_function {
    lambda_function_arn = aws_lambda_function.this.arn
    events              = var.s3_notification.events
    filter_prefix       = var.s3_notification.filter_prefix
    filter_suffix       = var.s3_notification.filter_suffix
  }

  depends_on = [aws_lambda_permission.s3]
}
