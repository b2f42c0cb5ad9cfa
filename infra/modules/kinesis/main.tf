# The streaming layer: the customer managed key that encrypts the streams (and the streaming log
# groups), the on-demand trades and dead-letter streams, the Firehose delivery stream that lands the
# trades in the raw bucket, and the stream alarms. Everything billed by the hour is behind
# var.enabled (the stop lifecycle); the key and the Firehose log group stay. See README.md.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  partition    = data.aws_partition.current.partition
  stream_count = var.enabled ? 1 : 0 # Firehose and its alarm

  trades_stream_name      = "${var.name_prefix}-trades"
  dead_letter_stream_name = "${var.name_prefix}-dead-letter"
  firehose_name           = "${var.name_prefix}-trades-to-raw"
  firehose_log_group_name = "/aws/kinesisfirehose/${local.firehose_name}"
  firehose_log_stream     = "DestinationDelivery"

  # Data contract: hour-partitioned landing prefix (Firehose arrival time, UTC) and a separate error
  # prefix keyed by the error type.
  raw_prefix       = "raw/trades/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"
  raw_error_prefix = "raw-errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"

  log_group_name_patterns = concat(
    ["/aws/kinesisfirehose/${var.name_prefix}-*", "/aws/emr-serverless/${var.name_prefix}-*"],
    var.additional_log_group_name_patterns,
  )
  log_group_arns = [
    for p in local.log_group_name_patterns :
    "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${p}"
  ]

  alarm_actions = [var.alarm_sns_topic_arn]

  # The two streams, keyed by role. The keys are static, so the for_each below is known at plan
  # time; var.enabled (the stop lifecycle) empties the map.
  streams = {
    trades = {
      name             = local.trades_stream_name
      retention_period = var.retention_period_hours
    }
    # Rejected records with their reasons (written by the producer / speed layer).
    dead_letter = {
      name             = local.dead_letter_stream_name
      retention_period = var.dead_letter_retention_period_hours
    }
  }
  enabled_streams = var.enabled ? local.streams : {}

  # Every alarm on a stream, keyed "<stream key>_<what>". Throttling: the same three metrics on both
  # streams; consumer lag on the trades stream; any record reaching the dead-letter stream.
  throttle_metrics = {
    read_throttled = {
      metric = "ReadProvisionedThroughputExceeded"
      what   = "GetRecords calls throttled (consumers exceed the read limit)"
    }
    write_throttled = {
      metric = "WriteProvisionedThroughputExceeded"
      what   = "PutRecord(s) calls throttled (producers exceed the write limit)"
    }
    putrecords_throttled = {
      metric = "PutRecords.ThrottledRecords"
      what   = "records rejected inside PutRecords batches (HTTP 200 with FailedRecordCount)"
    }
  }
  throttle_alarms = {
    for pair in setproduct(keys(local.streams), keys(local.throttle_metrics)) :
    "${pair[0]}_${pair[1]}" => {
      stream              = pair[0]
      name                = "${local.streams[pair[0]].name}-${replace(pair[1], "_", "-")}"
      description         = "${local.streams[pair[0]].name}: ${local.throttle_metrics[pair[1]].what} (${local.throttle_metrics[pair[1]].metric} > ${var.throttle_alarm_threshold} in 5 minutes)."
      metric              = local.throttle_metrics[pair[1]].metric
      statistic           = "Sum"
      period              = 300
      evaluation_periods  = 1
      datapoints_to_alarm = null
      threshold           = var.throttle_alarm_threshold
    }
  }
  stream_alarms = merge(local.throttle_alarms, {
    trades_iterator_age = {
      stream              = "trades"
      name                = "${local.trades_stream_name}-iterator-age"
      description         = "Oldest unread record on ${local.trades_stream_name} is older than ${var.iterator_age_threshold_ms} ms: a consumer (speed layer / Firehose) is falling behind or stuck."
      metric              = "GetRecords.IteratorAgeMilliseconds"
      statistic           = "Maximum"
      period              = 60
      evaluation_periods  = 5
      datapoints_to_alarm = 3
      threshold           = var.iterator_age_threshold_ms
    }
    dead_letter_incoming_records = {
      stream              = "dead_letter"
      name                = "${local.dead_letter_stream_name}-incoming-records"
      description         = "Records are being rejected to ${local.dead_letter_stream_name} (IncomingRecords > ${var.dead_letter_records_threshold} in 5 minutes)."
      metric              = "IncomingRecords"
      statistic           = "Sum"
      period              = 300
      evaluation_periods  = 1
      datapoints_to_alarm = null
      threshold           = var.dead_letter_records_threshold
    }
  })
  enabled_stream_alarms = var.enabled ? local.stream_alarms : {}
}

# ---------------------------------------------------------------------------------------------
# Customer managed key (kept when streaming is off)
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:Key policy: "*" as resource means this key only; writes are the account's own administration of its key.
  #checkov:skip=CKV_AWS_356:Key policy: "*" as resource means this key only (a key policy cannot name other resources).
  #checkov:skip=CKV_AWS_109:Key policy: the account administers its key; use is delegated to IAM policies scoped to this key's ARN.
  # The account administers its key; IAM policies in this account decide who USES it (the
  # producer, speed-layer, Firehose and EMR roles in the iam module get kms:GenerateDataKey /
  # kms:Decrypt on this key ARN). No role ARNs here, so no dependency cycle with the iam module.
  statement {
    sid       = "AccountAdministersKeyViaIam"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy "*" means "this key"

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # CloudWatch Logs encrypts only our streaming log groups (Firehose errors, EMR Serverless).
  statement {
    sid = "CloudWatchLogsEncryptsStreamingLogGroups"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = local.log_group_arns
    }
  }

  # EMR Serverless encrypts job logs in managed storage (Spark UI event logs) with this key when
  # StartJobRun passes it as encryptionKeyArn; only for applications of this account and region.
  statement {
    sid       = "EmrServerlessEncryptsJobLogs"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["emr-serverless.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:emr-serverless:${var.region}:${local.account_id}:/applications/*"]
    }
  }
}

resource "aws_kms_key" "streams" {
  description             = "${var.name_prefix}: Kinesis streams (SSE), Firehose and EMR Serverless log groups, EMR job logs"
  enable_key_rotation     = true
  rotation_period_in_days = var.kms_rotation_period_in_days
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json

  tags = merge(var.tags, { Name = "${var.name_prefix}-streams" })
}

resource "aws_kms_alias" "streams" {
  name          = "alias/${var.name_prefix}-streams"
  target_key_id = aws_kms_key.streams.key_id
}

# ---------------------------------------------------------------------------------------------
# Streams (on-demand, KMS-encrypted)
# ---------------------------------------------------------------------------------------------

resource "aws_kinesis_stream" "this" {
  for_each = local.enabled_streams

  name                      = each.value.name
  retention_period          = each.value.retention_period
  encryption_type           = "KMS"
  kms_key_id                = aws_kms_key.streams.arn
  enforce_consumer_deletion = true

  stream_mode_details {
    stream_mode = "ON_DEMAND"
  }

  tags = merge(var.tags, { Name = each.value.name })
}

# Addresses of the streams before they shared one resource: an existing state keeps its streams.
moved {
  from = aws_kinesis_stream.trades[0]
  to   = aws_kinesis_stream.this["trades"]
}

moved {
  from = aws_kinesis_stream.dead_letter[0]
  to   = aws_kinesis_stream.this["dead_letter"]
}

# ---------------------------------------------------------------------------------------------
# Firehose: trades stream -> raw bucket (GZIP, hour partitions, separate error prefix)
# ---------------------------------------------------------------------------------------------

# Kept when streaming is off (costs nothing idle; keeps the delivery-error history readable).
resource "aws_cloudwatch_log_group" "firehose" {
  name              = local.firehose_log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = aws_kms_key.streams.arn

  tags = merge(var.tags, { Name = local.firehose_log_group_name })
}

resource "aws_cloudwatch_log_stream" "firehose" {
  name           = local.firehose_log_stream
  log_group_name = aws_cloudwatch_log_group.firehose.name
}

resource "aws_kinesis_firehose_delivery_stream" "raw" {
  # No server_side_encryption block: Firehose rejects delivery-stream SSE when the source is a
  # Kinesis data stream. Records are encrypted at rest by the source stream (customer managed key)
  # and in S3 by the bucket default (SSE-S3).
  count = local.stream_count

  name        = local.firehose_name
  destination = "extended_s3"

  kinesis_source_configuration {
    kinesis_stream_arn = aws_kinesis_stream.this["trades"].arn
    role_arn           = var.firehose_role_arn
  }

  extended_s3_configuration {
    role_arn            = var.firehose_role_arn
    bucket_arn          = var.raw_bucket_arn
    prefix              = local.raw_prefix
    error_output_prefix = local.raw_error_prefix
    compression_format  = "GZIP"
    buffering_size      = var.firehose_buffering_size_mb
    buffering_interval  = var.firehose_buffering_interval_seconds
    # No kms_key_arn: objects get the bucket default (SSE-S3), which is the only server-side
    # encryption the lakehouse bucket policies accept (see README).

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.firehose.name
      log_stream_name = aws_cloudwatch_log_stream.firehose.name
    }
  }

  tags = merge(var.tags, { Name = local.firehose_name })

  lifecycle {
    precondition {
      condition     = var.firehose_role_arn != null && var.raw_bucket_arn != null
      error_message = "firehose_role_arn and raw_bucket_arn are required while enabled is true."
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Alarms (only while streaming is on)
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "stream" {
  for_each = local.enabled_stream_alarms

  alarm_name          = each.value.name
  alarm_description   = each.value.description
  namespace           = "AWS/Kinesis"
  metric_name         = each.value.metric
  dimensions          = { StreamName = aws_kinesis_stream.this[each.value.stream].name }
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

# Addresses of the stream alarms before they shared one resource (the throttling alarms keep their keys).
moved {
  from = aws_cloudwatch_metric_alarm.trades_iterator_age[0]
  to   = aws_cloudwatch_metric_alarm.stream["trades_iterator_age"]
}

moved {
  from = aws_cloudwatch_metric_alarm.dead_letter_records[0]
  to   = aws_cloudwatch_metric_alarm.stream["dead_letter_incoming_records"]
}

moved {
  from = aws_cloudwatch_metric_alarm.throttling["trades_read_throttled"]
  to   = aws_cloudwatch_metric_alarm.stream["trades_read_throttled"]
}

moved {
  from = aws_cloudwatch_metric_alarm.throttling["trades_write_throttled"]
  to   = aws_cloudwatch_metric_alarm.stream["trades_write_throttled"]
}

moved {
  from = aws_cloudwatch_metric_alarm.throttling["trades_putrecords_throttled"]
  to   = aws_cloudwatch_metric_alarm.stream["trades_putrecords_throttled"]
}

moved {
  from = aws_cloudwatch_metric_alarm.throttling["dead_letter_read_throttled"]
  to   = aws_cloudwatch_metric_alarm.stream["dead_letter_read_throttled"]
}

moved {
  from = aws_cloudwatch_metric_alarm.throttling["dead_letter_write_throttled"]
  to   = aws_cloudwatch_metric_alarm.stream["dead_letter_write_throttled"]
}

moved {
  from = aws_cloudwatch_metric_alarm.throttling["dead_letter_putrecords_throttled"]
  to   = aws_cloudwatch_metric_alarm.stream["dead_letter_putrecords_throttled"]
}

resource "aws_cloudwatch_metric_alarm" "firehose_freshness" {
  count = local.stream_count

  alarm_name          = "${local.firehose_name}-data-freshness"
  alarm_description   = "Oldest record in ${local.firehose_name} is older than ${var.firehose_freshness_threshold_seconds} s: delivery to the raw bucket is failing or stuck (see log group ${local.firehose_log_group_name})."
  namespace           = "AWS/Firehose"
  metric_name         = "DeliveryToS3.DataFreshness"
  dimensions          = { DeliveryStreamName = aws_kinesis_firehose_delivery_stream.raw[0].name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.firehose_freshness_threshold_seconds
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}
