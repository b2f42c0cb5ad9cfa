mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-west-2:123456789012:function:crypto-pulse-analytics-dev-speed-layer"
      invoke_arn = "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:crypto-pulse-analytics-dev-speed-layer/invocations"
    }
  }
}

# These plans use a package path that does not exist: the provider reads the file only at apply, so a
# plan needs no built handler.
variables {
  function_name = "crypto-pulse-analytics-dev-speed-layer"
  package_path  = "build/lambda/speed-layer.zip"
  role_arn      = "arn:aws:iam::123456789012:role/crypto-pulse-analytics-dev-speed-layer"
  kms_key_arn   = "arn:aws:kms:us-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
  environment_variables = {
    ALERTS_TABLE = "crypto-pulse-analytics-dev-alerts"
  }
}

run "function_is_a_cpp_custom_runtime_on_arm64_with_tracing" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.runtime == "provided.al2023" && aws_lambda_function.this.handler == "bootstrap"
    error_message = "The function must use the provided.al2023 runtime with handler bootstrap."
  }

  assert {
    condition     = aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "The function must default to arm64."
  }

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "X-Ray tracing must be Active."
  }

  assert {
    condition     = aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "Environment variables must be encrypted with the CMK."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["ALERTS_TABLE"] == "crypto-pulse-analytics-dev-alerts"
    error_message = "Environment variables must reach the function."
  }

  assert {
    condition     = length(aws_lambda_function.this.dead_letter_config) == 0
    error_message = "No dead-letter config unless one is given."
  }
}

run "log_group_has_retention_and_cmk" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/crypto-pulse-analytics-dev-speed-layer"
    error_message = "The log group must be /aws/lambda/<function_name>."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 14 && aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn
    error_message = "The log group must keep 14 days by default and be encrypted with the CMK."
  }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_group == aws_cloudwatch_log_group.this.name
    error_message = "The function must log to the module's log group."
  }
}

run "no_trigger_by_default" {
  command = plan

  assert {
    condition     = length(aws_lambda_event_source_mapping.kinesis) == 0 && length(aws_s3_bucket_notification.this) == 0 && length(aws_lambda_permission.s3) == 0
    error_message = "Without a trigger the module must create neither mapping nor notification."
  }

  assert {
    condition     = output.event_source_mapping_uuid == null && output.event_source_mapping_arn == null
    error_message = "The mapping outputs must evaluate to null without a mapping."
  }
}

run "kinesis_mapping_is_bounded_and_has_an_on_failure_queue" {
  command = plan

  variables {
    reserved_concurrent_executions = 2
    kinesis_event_source = {
      stream_arn                 = "arn:aws:kinesis:us-west-2:123456789012:stream/crypto-pulse-analytics-dev-trades"
      on_failure_destination_arn = "arn:aws:sqs:us-west-2:123456789012:crypto-pulse-analytics-dev-speed-layer-dlq"
    }
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 2
    error_message = "Reserved concurrency must reach the function."
  }

  assert {
    condition = (
      aws_lambda_event_source_mapping.kinesis[0].bisect_batch_on_function_error &&
      aws_lambda_event_source_mapping.kinesis[0].maximum_retry_attempts == 3 &&
      aws_lambda_event_source_mapping.kinesis[0].maximum_record_age_in_seconds == 3600 &&
      aws_lambda_event_source_mapping.kinesis[0].batch_size == 100 &&
      aws_lambda_event_source_mapping.kinesis[0].starting_position == "LATEST"
    )
    error_message = "The mapping must bisect, retry at most 3 times, drop records older than an hour and start at LATEST by default."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.kinesis[0].destination_config[0].on_failure[0].destination_arn == "arn:aws:sqs:us-west-2:123456789012:crypto-pulse-analytics-dev-speed-layer-dlq"
    error_message = "Failed batches must go to the SQS queue."
  }

  assert {
    condition     = contains(aws_lambda_event_source_mapping.kinesis[0].function_response_types, "ReportBatchItemFailures")
    error_message = "Partial batch responses must be on by default."
  }
}

run "s3_notification_invokes_the_function_for_the_publish_prefix" {
  command = plan

  variables {
    dead_letter_target_arn = "arn:aws:sqs:us-west-2:123456789012:crypto-pulse-analytics-dev-score-loader-dlq"
    s3_notification = {
      bucket_name   = "crypto-pulse-analytics-dev-processed-123456789012"
      bucket_arn    = "arn:aws:s3:::crypto-pulse-analytics-dev-processed-123456789012"
      filter_prefix = "publish/whale_scores/"
      filter_suffix = ".ndjson"
    }
  }

  assert {
    condition     = aws_lambda_permission.s3[0].principal == "s3.amazonaws.com" && aws_lambda_permission.s3[0].source_account == "123456789012"
    error_message = "Only S3 of our account may invoke the function."
  }

  assert {
    condition     = aws_lambda_permission.s3[0].source_arn == "arn:aws:s3:::crypto-pulse-analytics-dev-processed-123456789012"
    error_message = "The invoke permission must be scoped to the bucket."
  }

  assert {
    condition = (
      aws_s3_bucket_notification.this[0].lambda_function[0].filter_prefix == "publish/whale_scores/" &&
      aws_s3_bucket_notification.this[0].lambda_function[0].filter_suffix == ".ndjson" &&
      aws_s3_bucket_notification.this[0].lambda_function[0].events == toset(["s3:ObjectCreated:*"])
    )
    error_message = "The notification must fire on ObjectCreated under the given prefix and suffix."
  }

  assert {
    condition     = aws_lambda_function.this.dead_letter_config[0].target_arn == var.dead_letter_target_arn
    error_message = "The dead-letter queue must reach the function."
  }
}

run "missing_package_fails_the_plan" {
  command = plan

  variables {
    package_path = null
  }

  expect_failures = [aws_lambda_function.this]
}

run "rejects_package_that_is_not_a_zip" {
  command = plan

  variables {
    package_path = "build/lambda/bootstrap"
  }

  expect_failures = [var.package_path]
}

run "rejects_bad_function_name" {
  command = plan

  variables {
    function_name = "has spaces"
  }

  expect_failures = [var.function_name]
}

run "rejects_bad_role_arn" {
  command = plan

  variables {
    role_arn = "crypto-pulse-analytics-dev-speed-layer"
  }

  expect_failures = [var.role_arn]
}

run "rejects_managed_runtime" {
  command = plan

  variables {
    runtime = "python3.12"
  }

  expect_failures = [var.runtime]
}

run "rejects_bad_architecture" {
  command = plan

  variables {
    architecture = "amd64"
  }

  expect_failures = [var.architecture]
}

run "rejects_bad_memory" {
  command = plan

  variables {
    memory_size = 64
  }

  expect_failures = [var.memory_size]
}

run "rejects_bad_timeout" {
  command = plan

  variables {
    timeout = 901
  }

  expect_failures = [var.timeout]
}

run "rejects_bad_reserved_concurrency" {
  command = plan

  variables {
    reserved_concurrent_executions = -2
  }

  expect_failures = [var.reserved_concurrent_executions]
}

run "rejects_reserved_environment_variable" {
  command = plan

  variables {
    environment_variables = { AWS_REGION = "us-west-2" }
  }

  expect_failures = [var.environment_variables]
}

run "rejects_alias_as_kms_key" {
  command = plan

  variables {
    kms_key_arn = "alias/crypto-pulse-analytics-dev-app"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_unknown_log_retention" {
  command = plan

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_bad_dead_letter_target" {
  command = plan

  variables {
    dead_letter_target_arn = "arn:aws:kinesis:us-west-2:123456789012:stream/x"
  }

  expect_failures = [var.dead_letter_target_arn]
}

run "rejects_unbounded_retries" {
  command = plan

  variables {
    kinesis_event_source = {
      stream_arn                 = "arn:aws:kinesis:us-west-2:123456789012:stream/crypto-pulse-analytics-dev-trades"
      on_failure_destination_arn = "arn:aws:sqs:us-west-2:123456789012:crypto-pulse-analytics-dev-speed-layer-dlq"
      maximum_retry_attempts     = -1
    }
  }

  expect_failures = [var.kinesis_event_source]
}

run "rejects_unbounded_record_age" {
  command = plan

  variables {
    kinesis_event_source = {
      stream_arn                    = "arn:aws:kinesis:us-west-2:123456789012:stream/crypto-pulse-analytics-dev-trades"
      on_failure_destination_arn    = "arn:aws:sqs:us-west-2:123456789012:crypto-pulse-analytics-dev-speed-layer-dlq"
      maximum_record_age_in_seconds = -1
    }
  }

  expect_failures = [var.kinesis_event_source]
}

run "rejects_bad_starting_position" {
  command = plan

  variables {
    kinesis_event_source = {
      stream_arn                 = "arn:aws:kinesis:us-west-2:123456789012:stream/crypto-pulse-analytics-dev-trades"
      on_failure_destination_arn = "arn:aws:sqs:us-west-2:123456789012:crypto-pulse-analytics-dev-speed-layer-dlq"
      starting_position          = "AT_TIMESTAMP"
    }
  }

  expect_failures = [var.kinesis_event_source]
}

run "rejects_bad_batch_size" {
  command = plan

  variables {
    kinesis_event_source = {
      stream_arn                 = "arn:aws:kinesis:us-west-2:123456789012:stream/crypto-pulse-analytics-dev-trades"
      on_failure_destination_arn = "arn:aws:sqs:us-west-2:123456789012:crypto-pulse-analytics-dev-speed-layer-dlq"
      batch_size                 = 0
    }
  }

  expect_failures = [var.kinesis_event_source]
}

run "rejects_kinesis_as_failure_destination" {
  command = plan

  variables {
    kinesis_event_source = {
      stream_arn                 = "arn:aws:kinesis:us-west-2:123456789012:stream/crypto-pulse-analytics-dev-trades"
      on_failure_destination_arn = "arn:aws:kinesis:us-west-2:123456789012:stream/crypto-pulse-analytics-dev-dead-letter"
    }
  }

  expect_failures = [var.kinesis_event_source]
}

run "rejects_non_created_s3_events" {
  command = plan

  variables {
    s3_notification = {
      bucket_name = "crypto-pulse-analytics-dev-processed-123456789012"
      bucket_arn  = "arn:aws:s3:::crypto-pulse-analytics-dev-processed-123456789012"
      events      = ["s3:ObjectRemoved:*"]
    }
  }

  expect_failures = [var.s3_notification]
}
