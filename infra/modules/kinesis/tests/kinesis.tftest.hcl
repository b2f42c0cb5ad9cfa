# Plan-only tests with a mocked AWS provider: they pin the properties the README promises.
# Run: terraform init -backend=false -plugin-dir=/opt/tf-plugins && terraform test

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/test"
      user_id    = "AIDTEST"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  # Policy documents: see the offline provider below.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  # Known ARNs at plan time, so assertions can compare references.
  mock_resource "aws_kms_key" {
    override_during = plan
    defaults = {
      arn    = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }
}

# The policy documents are computed by the real provider, configured to make no network call
# (static fake credentials, no account-id lookup, no metadata API): planning new resources calls no
# AWS API. Runs that read a document's JSON use it (providers = { aws = aws.offline }) and override
# the caller-identity data source, the only one that would call AWS.
provider "aws" {
  alias                       = "offline"
  region                      = "us-west-2"
  access_key                  = "offline-test"
  secret_key                  = "offline-test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name_prefix         = "crypto-pulse-analytics-dev"
  region              = "us-west-2"
  alarm_sns_topic_arn = "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms"
  firehose_role_arn   = "arn:aws:iam::123456789012:role/crypto-pulse-analytics-dev-firehose"
  raw_bucket_arn      = "arn:aws:s3:::crypto-pulse-analytics-dev-raw-123456789012"
}

run "streams_are_on_demand_kms_encrypted_with_retention" {
  command = plan

  assert {
    condition     = aws_kinesis_stream.this["trades"].name == "crypto-pulse-analytics-dev-trades"
    error_message = "The trades stream name is part of the data contract."
  }

  assert {
    condition     = aws_kinesis_stream.this["dead_letter"].name == "crypto-pulse-analytics-dev-dead-letter"
    error_message = "The dead-letter stream name is part of the data contract."
  }

  assert {
    condition = alltrue([
      for s in [aws_kinesis_stream.this["trades"], aws_kinesis_stream.this["dead_letter"]] :
      s.stream_mode_details[0].stream_mode == "ON_DEMAND" && s.shard_count == null
    ])
    error_message = "Both streams must be ON_DEMAND without a shard count."
  }

  assert {
    condition     = alltrue([for s in [aws_kinesis_stream.this["trades"], aws_kinesis_stream.this["dead_letter"]] : s.encryption_type == "KMS"])
    error_message = "Both streams must use server-side encryption with KMS."
  }

  assert {
    condition     = aws_kinesis_stream.this["trades"].retention_period == 24
    error_message = "The trades stream keeps the included 24 h retention by default."
  }

  assert {
    condition     = aws_kinesis_stream.this["dead_letter"].retention_period == 168
    error_message = "The dead-letter stream keeps records for 7 days by default."
  }
}

run "customer_managed_key_with_rotation" {
  command = plan

  assert {
    condition     = aws_kms_key.streams.enable_key_rotation == true
    error_message = "Key rotation must be on."
  }

  # rotation_period_in_days stays unset by default (computed): AWS then rotates yearly, and emulators
  # that do not store the period show no drift. See run "custom_rotation_period".

  assert {
    condition     = aws_kms_alias.streams.name == "alias/crypto-pulse-analytics-dev-streams"
    error_message = "The key alias is part of the data contract."
  }

  assert {
    condition     = aws_kinesis_stream.this["trades"].kms_key_id == aws_kms_key.streams.arn
    error_message = "The streams must be encrypted with the customer managed key."
  }
}

run "key_policy_delegates_to_iam_and_scopes_services" {
  command = plan

  providers = {
    aws = aws.offline
  }

  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:root"
      id         = "123456789012"
      user_id    = "AIDAOFFLINETEST"
    }
  }

  # The key policy delegates to IAM (account root) and names no role: no dependency cycle.
  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if s.Effect == "Allow" && try(s.Principal.AWS, "") == "arn:aws:iam::123456789012:root" && s.Action == "kms:*" && s.Resource == "*"
    ]) == 1
    error_message = "The key policy must let the account root administer the key (IAM delegation)."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement :
      !can(regex(":role/", jsonencode(s.Principal)))
    ])
    error_message = "The key policy must not name IAM roles (roles get key use from their own IAM policies)."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if try(s.Principal.Service, "") == "logs.us-west-2.amazonaws.com"
      ]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] == [
      "arn:aws:logs:us-west-2:123456789012:log-group:/aws/kinesisfirehose/crypto-pulse-analytics-dev-*",
      "arn:aws:logs:us-west-2:123456789012:log-group:/aws/emr-serverless/crypto-pulse-analytics-dev-*",
    ]
    error_message = "CloudWatch Logs may use the key only for our streaming log groups."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if try(s.Principal.Service, "") == "logs.us-west-2.amazonaws.com"
      ]).Action) == toset([
      "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*",
    ])
    error_message = "CloudWatch Logs gets exactly the actions it needs to encrypt and read log events."
  }

  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if try(s.Principal.Service, "") == "emr-serverless.amazonaws.com" &&
      try(s.Condition.StringEquals["aws:SourceAccount"], "") == "123456789012" &&
      try(s.Condition.ArnLike["aws:SourceArn"], "") == "arn:aws:emr-serverless:us-west-2:123456789012:/applications/*" &&
      toset(flatten([s.Action])) == toset(["kms:Decrypt", "kms:GenerateDataKey"])
    ]) == 1
    error_message = "EMR Serverless may use the key only for applications of this account."
  }

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.key.json).Statement) == 3
    error_message = "The key policy has the account, CloudWatch Logs and EMR Serverless statements only."
  }

  assert {
    condition     = jsondecode(aws_kms_key.streams.policy) == jsondecode(data.aws_iam_policy_document.key.json)
    error_message = "The key uses the module's policy document."
  }
}

run "firehose_delivers_gzip_to_raw_bucket" {
  command = plan

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.raw[0].destination == "extended_s3"
    error_message = "Firehose delivers to S3."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.raw[0].extended_s3_configuration[0].compression_format == "GZIP"
    error_message = "Raw objects must be GZIP-compressed."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.raw[0].extended_s3_configuration[0].bucket_arn == "arn:aws:s3:::crypto-pulse-analytics-dev-raw-123456789012"
    error_message = "Firehose must land in the raw bucket."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.raw[0].extended_s3_configuration[0].prefix == "raw/trades/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"
    error_message = "Raw prefix must be time-partitioned as in the data contract."
  }

  assert {
    condition     = startswith(aws_kinesis_firehose_delivery_stream.raw[0].extended_s3_configuration[0].error_output_prefix, "raw-errors/!{firehose:error-output-type}/")
    error_message = "Firehose errors must go to their own prefix, keyed by error type."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.raw[0].extended_s3_configuration[0].kms_key_arn == null
    error_message = "Firehose writes with the bucket default (SSE-S3); the bucket policy rejects other SSE headers."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.raw[0].extended_s3_configuration[0].cloudwatch_logging_options[0].enabled == true
    error_message = "Firehose delivery errors must be logged to CloudWatch."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.raw[0].extended_s3_configuration[0].cloudwatch_logging_options[0].log_group_name == "/aws/kinesisfirehose/crypto-pulse-analytics-dev-trades-to-raw"
    error_message = "Firehose logs to its own log group."
  }

  assert {
    condition     = aws_cloudwatch_log_group.firehose.kms_key_id == aws_kms_key.streams.arn && aws_cloudwatch_log_group.firehose.retention_in_days == 365
    error_message = "The Firehose log group is KMS-encrypted and has a retention."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.raw[0].kinesis_source_configuration[0].role_arn == "arn:aws:iam::123456789012:role/crypto-pulse-analytics-dev-firehose"
    error_message = "Firehose reads the stream with the role from the iam module."
  }
}

run "alarms_on_iterator_age_and_throttling" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.stream["trades_iterator_age"].metric_name == "GetRecords.IteratorAgeMilliseconds"
    error_message = "Iterator age alarm must watch GetRecords.IteratorAgeMilliseconds."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.stream["trades_iterator_age"].threshold == 60000 &&
      aws_cloudwatch_metric_alarm.stream["trades_iterator_age"].statistic == "Maximum" &&
      aws_cloudwatch_metric_alarm.stream["trades_iterator_age"].comparison_operator == "GreaterThanThreshold"
    )
    error_message = "Iterator age alarm: Maximum > 60000 ms."
  }

  assert {
    condition = sort(distinct([for k, a in aws_cloudwatch_metric_alarm.stream : a.metric_name if strcontains(k, "throttled")])) == sort([
      "PutRecords.ThrottledRecords",
      "ReadProvisionedThroughputExceeded",
      "WriteProvisionedThroughputExceeded",
    ])
    error_message = "Throttling alarms must cover read, write and PutRecords throttling."
  }

  assert {
    condition     = length([for k, a in aws_cloudwatch_metric_alarm.stream : a if strcontains(k, "throttled")]) == 6
    error_message = "Three throttling alarms per stream (trades and dead-letter)."
  }

  assert {
    condition = alltrue([
      for k, a in aws_cloudwatch_metric_alarm.stream :
      a.namespace == "AWS/Kinesis" && a.statistic == "Sum" && a.threshold == 0 && a.comparison_operator == "GreaterThanThreshold"
      if strcontains(k, "throttled")
    ])
    error_message = "Throttling alarms fire on any throttled request (Sum > 0)."
  }

  assert {
    condition = alltrue([
      for a in concat(
        values(aws_cloudwatch_metric_alarm.stream),
        aws_cloudwatch_metric_alarm.firehose_freshness,
      ) :
      contains(a.alarm_actions, "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms") &&
      contains(a.ok_actions, "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms") &&
      startswith(a.alarm_name, "crypto-pulse-analytics-dev-")
    ])
    error_message = "Every alarm notifies the SNS topic and is named with the prefix (the topic policy matches alarm:<prefix>-*)."
  }

  assert {
    condition = sort([for a in aws_cloudwatch_metric_alarm.stream : a.alarm_name]) == sort([
      "crypto-pulse-analytics-dev-trades-iterator-age",
      "crypto-pulse-analytics-dev-trades-read-throttled",
      "crypto-pulse-analytics-dev-trades-write-throttled",
      "crypto-pulse-analytics-dev-trades-putrecords-throttled",
      "crypto-pulse-analytics-dev-dead-letter-incoming-records",
      "crypto-pulse-analytics-dev-dead-letter-read-throttled",
      "crypto-pulse-analytics-dev-dead-letter-write-throttled",
      "crypto-pulse-analytics-dev-dead-letter-putrecords-throttled",
    ])
    error_message = "The stream alarms keep their names (CloudWatch identifies an alarm by its name)."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.stream["trades_iterator_age"].dimensions.StreamName == "crypto-pulse-analytics-dev-trades" &&
      aws_cloudwatch_metric_alarm.stream["dead_letter_incoming_records"].dimensions.StreamName == "crypto-pulse-analytics-dev-dead-letter" &&
      aws_cloudwatch_metric_alarm.stream["dead_letter_write_throttled"].dimensions.StreamName == "crypto-pulse-analytics-dev-dead-letter"
    )
    error_message = "Each stream alarm watches its own stream."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.stream["dead_letter_incoming_records"].metric_name == "IncomingRecords"
    error_message = "Dead-letter alarm watches IncomingRecords."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.firehose_freshness[0].metric_name == "DeliveryToS3.DataFreshness"
    error_message = "Firehose alarm watches DeliveryToS3.DataFreshness."
  }
}

run "disabled_creates_no_streaming_resources" {
  command = plan

  variables {
    enabled           = false
    firehose_role_arn = null
    raw_bucket_arn    = null
  }

  assert {
    condition = (
      length(aws_kinesis_stream.this) == 0 &&
      length(aws_kinesis_firehose_delivery_stream.raw) == 0
    )
    error_message = "enabled = false must create no stream and no Firehose."
  }

  assert {
    condition = (
      length(aws_cloudwatch_metric_alarm.stream) == 0 &&
      length(aws_cloudwatch_metric_alarm.firehose_freshness) == 0
    )
    error_message = "enabled = false must create no stream alarms."
  }

  assert {
    condition = (
      output.trades_stream_name == null && output.trades_stream_arn == null &&
      output.dead_letter_stream_name == null && output.dead_letter_stream_arn == null &&
      output.firehose_delivery_stream_name == null && output.firehose_delivery_stream_arn == null
    )
    error_message = "Stream outputs must be null when streaming is off."
  }

  assert {
    condition     = output.alarm_arns == {}
    error_message = "No alarms when streaming is off."
  }

  assert {
    condition     = aws_kms_key.streams.enable_key_rotation && aws_kms_alias.streams.name == "alias/crypto-pulse-analytics-dev-streams"
    error_message = "The key and alias stay when streaming is off."
  }

  assert {
    condition     = output.stream_names.trades == "crypto-pulse-analytics-dev-trades"
    error_message = "Planned stream names stay available."
  }
}

# ---------------------------------------------------------------------------------------------
# Validations and preconditions
# ---------------------------------------------------------------------------------------------

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "UPPER"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_bad_region" {
  command = plan

  variables {
    region = "uswest2"
  }

  expect_failures = [var.region]
}

run "rejects_retention_below_24h" {
  command = plan

  variables {
    retention_period_hours = 12
  }

  expect_failures = [var.retention_period_hours]
}

run "rejects_retention_above_one_year" {
  command = plan

  variables {
    dead_letter_retention_period_hours = 9000
  }

  expect_failures = [var.dead_letter_retention_period_hours]
}

run "rejects_bad_deletion_window" {
  command = plan

  variables {
    kms_deletion_window_in_days = 3
  }

  expect_failures = [var.kms_deletion_window_in_days]
}

run "rejects_bad_rotation_period" {
  command = plan

  variables {
    kms_rotation_period_in_days = 30
  }

  expect_failures = [var.kms_rotation_period_in_days]
}

run "custom_rotation_period" {
  command = plan

  variables {
    kms_rotation_period_in_days = 180
  }

  assert {
    condition     = aws_kms_key.streams.rotation_period_in_days == 180 && aws_kms_key.streams.enable_key_rotation
    error_message = "A custom rotation period is passed through."
  }
}

run "rejects_bad_log_group_pattern" {
  command = plan

  variables {
    additional_log_group_name_patterns = ["bad pattern with spaces"]
  }

  expect_failures = [var.additional_log_group_name_patterns]
}

run "rejects_bad_topic_arn" {
  command = plan

  variables {
    alarm_sns_topic_arn = "not-an-arn"
  }

  expect_failures = [var.alarm_sns_topic_arn]
}

run "rejects_bad_iterator_age_threshold" {
  command = plan

  variables {
    iterator_age_threshold_ms = 10
  }

  expect_failures = [var.iterator_age_threshold_ms]
}

run "rejects_negative_throttle_threshold" {
  command = plan

  variables {
    throttle_alarm_threshold = -1
  }

  expect_failures = [var.throttle_alarm_threshold]
}

run "rejects_negative_dead_letter_threshold" {
  command = plan

  variables {
    dead_letter_records_threshold = -1
  }

  expect_failures = [var.dead_letter_records_threshold]
}

run "rejects_bad_firehose_role_arn" {
  command = plan

  variables {
    firehose_role_arn = "arn:aws:iam::123456789012:user/someone"
  }

  expect_failures = [var.firehose_role_arn]
}

run "rejects_bad_raw_bucket_arn" {
  command = plan

  variables {
    raw_bucket_arn = "crypto-pulse-analytics-dev-raw"
  }

  expect_failures = [var.raw_bucket_arn]
}

run "rejects_bad_buffering_size" {
  command = plan

  variables {
    firehose_buffering_size_mb = 256
  }

  expect_failures = [var.firehose_buffering_size_mb]
}

run "rejects_bad_buffering_interval" {
  command = plan

  variables {
    firehose_buffering_interval_seconds = 1000
  }

  expect_failures = [var.firehose_buffering_interval_seconds]
}

run "rejects_bad_freshness_threshold" {
  command = plan

  variables {
    firehose_freshness_threshold_seconds = 10
  }

  expect_failures = [var.firehose_freshness_threshold_seconds]
}

run "rejects_bad_log_retention" {
  command = plan

  variables {
    log_retention_in_days = 42
  }

  expect_failures = [var.log_retention_in_days]
}

run "enabled_requires_firehose_inputs" {
  command = plan

  variables {
    firehose_role_arn = null
  }

  expect_failures = [aws_kinesis_firehose_delivery_stream.raw]
}
