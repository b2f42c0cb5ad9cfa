# Observability and cost guard rails: the alarm SNS topic (encrypted with its own customer managed
# key that CloudWatch, EventBridge and AWS Budgets may use), the CloudWatch dashboard, the AWS
# Budgets cost alerts, and the DynamoDB throttling / Lambda error alarms. The Kinesis alarms live in
# the kinesis module (they follow the streaming on/off switch) and the EMR job-failure rule in the
# emr-serverless module; all of them publish to this topic. See README.md.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  topic_name = "${var.name_prefix}-alarms"
  # Built from names (known at plan time) so the policies are fully known in plan and tests.
  topic_arn = "arn:${local.partition}:sns:${var.region}:${local.account_id}:${local.topic_name}"

  alarm_arn_pattern  = "arn:${local.partition}:cloudwatch:${var.region}:${local.account_id}:alarm:${var.name_prefix}-*"
  rule_arn_pattern   = "arn:${local.partition}:events:${var.region}:${local.account_id}:rule/${var.name_prefix}-*"
  budget_arn_pattern = "arn:${local.partition}:budgets::${local.account_id}:budget/${var.name_prefix}-*"

  # The services that publish to the topic, each for its own resources of this account: sid of the
  # topic policy statement => service principal and the ARN pattern of its publishers.
  topic_publishers = {
    CloudWatchAlarmsPublish = { service = "cloudwatch.amazonaws.com", source_arn = local.alarm_arn_pattern }
    EventBridgeRulesPublish = { service = "events.amazonaws.com", source_arn = local.rule_arn_pattern }
    BudgetsPublish          = { service = "budgets.amazonaws.com", source_arn = local.budget_arn_pattern }
  }

  # The services that encrypt messages for the topic with its key: sid of the key policy statement =>
  # service principal and the aws:SourceArn pattern its requests must match (null: no aws:Source*
  # condition). CloudWatch alarms cannot publish to a topic encrypted with the AWS managed aws/sns
  # key; with this CMK they can, for our alarms only. EventBridge has no condition on purpose: the
  # KMS request SNS makes for an EventBridge delivery does not carry aws:SourceAccount/aws:SourceArn,
  # so such a condition would silently drop every event; EventBridge is scoped by the topic policy
  # (SourceAccount + rule ARN).
  key_users = {
    CloudWatchAlarmsPublishEncrypted = { service = "cloudwatch.amazonaws.com", source_arn = local.alarm_arn_pattern }
    BudgetsPublishEncrypted          = { service = "budgets.amazonaws.com", source_arn = "arn:${local.partition}:budgets::${local.account_id}:*" }
    EventBridgePublishEncrypted      = { service = "events.amazonaws.com", source_arn = null }
  }

  alarm_actions = [aws_sns_topic.alarms.arn]

  budget_name = "${var.name_prefix}-monthly-cost"

  dashboard_name = "${var.name_prefix}-overview"
}

# ---------------------------------------------------------------------------------------------
# Alarm topic, encrypted with a customer managed key
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:Key policy: "*" as resource means this key only; writes are the account's own administration of its key.
  #checkov:skip=CKV_AWS_356:Key policy: "*" as resource means this key only (a key policy cannot name other resources).
  #checkov:skip=CKV_AWS_109:Key policy: the account administers its key; use is delegated to IAM policies scoped to this key's ARN.
  statement {
    sid       = "AccountAdministersKeyViaIam"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy "*" means "this key"

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = local.key_users

    content {
      sid       = statement.key
      actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }

      dynamic "condition" {
        for_each = {
          for test, c in {
            StringEquals = { variable = "aws:SourceAccount", value = local.account_id }
            ArnLike      = { variable = "aws:SourceArn", value = statement.value.source_arn }
          } : test => c if statement.value.source_arn != null
        }

        content {
          test     = condition.key
          variable = condition.value.variable
          values   = [condition.value.value]
        }
      }
    }
  }
}

resource "aws_kms_key" "alarms" {
  description             = "${var.name_prefix}: alarm SNS topic (CloudWatch alarms, EventBridge rules, AWS Budgets)"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json

  tags = merge(var.tags, { Name = "${var.name_prefix}-alarms" })
}

resource "aws_kms_alias" "alarms" {
  name          = "alias/${var.name_prefix}-alarms"
  target_key_id = aws_kms_key.alarms.key_id
}

resource "aws_sns_topic" "alarms" {
  name              = local.topic_name
  display_name      = "${var.name_prefix} alarms"
  kms_master_key_id = aws_kms_key.alarms.arn

  tags = merge(var.tags, { Name = local.topic_name })
}

data "aws_iam_policy_document" "topic" {
  dynamic "statement" {
    for_each = local.topic_publishers

    content {
      sid       = statement.key
      actions   = ["sns:Publish"]
      resources = [local.topic_arn]

      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = [statement.value.source_arn]
      }
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [local.topic_arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.topic.json
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# ---------------------------------------------------------------------------------------------
# Cost alerts: AWS Budgets (global service; works from any region, no us-east-1 provider)
# ---------------------------------------------------------------------------------------------

resource "aws_budgets_budget" "monthly" {
  name         = local.budget_name
  budget_type  = "COST"
  limit_amount = tostring(var.budget_limit_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  dynamic "notification" {
    for_each = toset(var.budget_alert_thresholds_usd)

    content {
      notification_type         = "ACTUAL"
      comparison_operator       = "GREATER_THAN"
      threshold                 = notification.value
      threshold_type            = "ABSOLUTE_VALUE"
      subscriber_sns_topic_arns = [aws_sns_topic.alarms.arn]
    }
  }

  dynamic "notification" {
    for_each = var.budget_forecast_alert_enabled ? [var.budget_limit_usd] : []

    content {
      notification_type         = "FORECASTED"
      comparison_operator       = "GREATER_THAN"
      threshold                 = notification.value
      threshold_type            = "ABSOLUTE_VALUE"
      subscriber_sns_topic_arns = [aws_sns_topic.alarms.arn]
    }
  }

  tags = merge(var.tags, { Name = local.budget_name })

  lifecycle {
    precondition {
      condition     = alltrue([for t in var.budget_alert_thresholds_usd : t <= var.budget_limit_usd])
      error_message = "Every budget_alert_thresholds_usd amount must be at most budget_limit_usd."
    }
  }

  # Budgets checks that it may publish to the (encrypted) topic.
  depends_on = [aws_sns_topic_policy.alarms]
}

# ---------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "dynamodb_throttles" {
  for_each = toset(var.dynamodb_table_names)

  alarm_name          = "${var.name_prefix}-ddb-throttles-${trimprefix(each.value, "${var.name_prefix}-")}"
  alarm_description   = "DynamoDB table ${each.value} throttled more than ${var.dynamodb_throttle_threshold} read/write events in 5 minutes (ReadThrottleEvents + WriteThrottleEvents)."
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = var.dynamodb_throttle_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "throttles"
    expression  = "FILL(reads, 0) + FILL(writes, 0)"
    label       = "Throttled read + write events"
    return_data = true
  }

  metric_query {
    id = "reads"

    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "ReadThrottleEvents"
      dimensions  = { TableName = each.value }
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "writes"

    metric {
      namespace   = "AWS/DynamoDB"
      metric_name = "WriteThrottleEvents"
      dimensions  = { TableName = each.value }
      stat        = "Sum"
      period      = 300
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each = var.lambda_error_alarms_enabled ? toset(var.lambda_function_names) : toset([])

  alarm_name          = "${var.name_prefix}-lambda-errors-${trimprefix(each.value, "${var.name_prefix}-")}"
  alarm_description   = "Lambda function ${each.value} reported more than ${var.lambda_error_threshold} errors in 5 minutes."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.lambda_error_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------

locals {
  # One metric widget; x/y are omitted on every widget, so CloudWatch lays them out left to right.
  # metrics: CloudWatch metric arrays [namespace, name, dim, value, ..., {render options}].
  w = {
    width  = 12
    height = 6
  }

  # Titles are templates, which reject null even inside a filtered-out widget.
  label = {
    trades   = var.trades_stream_name == null ? "" : var.trades_stream_name
    firehose = var.firehose_delivery_stream_name == null ? "" : var.firehose_delivery_stream_name
    api      = var.api_gateway_name == null ? "" : var.api_gateway_name
  }

  kinesis_widgets = [for w in [
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "Kinesis ${local.label.trades}: records in / out", region = var.region, view = "timeSeries", stat = "Sum", period = 60
        metrics = [
          ["AWS/Kinesis", "IncomingRecords", "StreamName", var.trades_stream_name, { label = "IncomingRecords (producer)" }],
          ["AWS/Kinesis", "GetRecords.Records", "StreamName", var.trades_stream_name, { label = "GetRecords.Records (consumers)" }],
        ]
      }
    },
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "Kinesis ${local.label.trades}: iterator age (ms)", region = var.region, view = "timeSeries", stat = "Maximum", period = 60
        metrics = [
          ["AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName", var.trades_stream_name],
        ]
      }
    },
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "Kinesis throttling", region = var.region, view = "timeSeries", stat = "Sum", period = 300
        metrics = concat(
          [
            ["AWS/Kinesis", "WriteProvisionedThroughputExceeded", "StreamName", var.trades_stream_name],
            ["AWS/Kinesis", "ReadProvisionedThroughputExceeded", "StreamName", var.trades_stream_name],
            ["AWS/Kinesis", "PutRecords.ThrottledRecords", "StreamName", var.trades_stream_name],
          ],
          [
            for m in [["AWS/Kinesis", "IncomingRecords", "StreamName", var.dead_letter_stream_name, { label = "dead-letter IncomingRecords" }]] :
            m if var.dead_letter_stream_name != null
          ],
        )
      }
    },
  ] : w if var.trades_stream_name != null]

  firehose_widgets = [for w in [
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "Firehose ${local.label.firehose} -> raw bucket", region = var.region, view = "timeSeries", period = 300
        metrics = [
          ["AWS/Firehose", "DeliveryToS3.Records", "DeliveryStreamName", var.firehose_delivery_stream_name, { stat = "Sum" }],
          ["AWS/Firehose", "DeliveryToS3.Success", "DeliveryStreamName", var.firehose_delivery_stream_name, { stat = "Average", yAxis = "right" }],
          ["AWS/Firehose", "DeliveryToS3.DataFreshness", "DeliveryStreamName", var.firehose_delivery_stream_name, { stat = "Maximum", yAxis = "right" }],
        ]
      }
    },
  ] : w if var.firehose_delivery_stream_name != null]

  emr_widgets = [for w in [
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "EMR Serverless job runs", region = var.region, view = "timeSeries", period = 60
        metrics = [
          ["AWS/EMRServerless", "RunningJobs", "ApplicationId", var.emr_application_id, { stat = "Maximum" }],
          ["AWS/EMRServerless", "SuccessJobs", "ApplicationId", var.emr_application_id, { stat = "Sum" }],
          ["AWS/EMRServerless", "FailedJobs", "ApplicationId", var.emr_application_id, { stat = "Sum" }],
          ["AWS/EMRServerless", "CancelledJobs", "ApplicationId", var.emr_application_id, { stat = "Sum" }],
        ]
      }
    },
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "EMR Serverless capacity in use (cap: see maximum_capacity)", region = var.region, view = "timeSeries", stat = "Sum", period = 60
        metrics = [
          ["AWS/EMRServerless", "CPUAllocated", "ApplicationId", var.emr_application_id, "WorkerType", "Spark_Driver", "CapacityAllocationType", "OnDemandCapacity", { label = "CPUAllocated driver" }],
          ["AWS/EMRServerless", "CPUAllocated", "ApplicationId", var.emr_application_id, "WorkerType", "Spark_Executor", "CapacityAllocationType", "OnDemandCapacity", { label = "CPUAllocated executors" }],
          ["AWS/EMRServerless", "MemoryAllocated", "ApplicationId", var.emr_application_id, "WorkerType", "Spark_Driver", "CapacityAllocationType", "OnDemandCapacity", { label = "MemoryAllocated driver (GB)", yAxis = "right" }],
          ["AWS/EMRServerless", "MemoryAllocated", "ApplicationId", var.emr_application_id, "WorkerType", "Spark_Executor", "CapacityAllocationType", "OnDemandCapacity", { label = "MemoryAllocated executors (GB)", yAxis = "right" }],
        ]
      }
    },
  ] : w if var.emr_application_id != null]

  dynamodb_widgets = [for w in [
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "DynamoDB throttling", region = var.region, view = "timeSeries", stat = "Sum", period = 300
        metrics = concat(
          concat([], [
            for t in var.dynamodb_table_names : [
              ["AWS/DynamoDB", "ReadThrottleEvents", "TableName", t],
              ["AWS/DynamoDB", "WriteThrottleEvents", "TableName", t],
            ]
          ]...),
          [
            for i, t in var.dynamodb_table_names : [{
              id         = "throttled${i}"
              label      = "ThrottledRequests ${t}"
              expression = "SEARCH('{AWS/DynamoDB,Operation,TableName} MetricName=\"ThrottledRequests\" TableName=\"${t}\"', 'Sum', 300)"
            }]
          ],
        )
      }
    },
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "DynamoDB consumed capacity (on-demand request units)", region = var.region, view = "timeSeries", stat = "Sum", period = 300
        metrics = concat([], [
          for t in var.dynamodb_table_names : [
            ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", t],
            ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", "TableName", t],
          ]
        ]...)
      }
    },
  ] : w if length(var.dynamodb_table_names) > 0]

  lambda_widgets = [for w in [
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "Lambda errors and throttles", region = var.region, view = "timeSeries", stat = "Sum", period = 300
        metrics = concat([], [
          for f in var.lambda_function_names : [
            ["AWS/Lambda", "Errors", "FunctionName", f],
            ["AWS/Lambda", "Throttles", "FunctionName", f],
          ]
        ]...)
      }
    },
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "Lambda duration (ms)", region = var.region, view = "timeSeries", period = 300
        metrics = concat([], [
          for f in var.lambda_function_names : [
            ["AWS/Lambda", "Duration", "FunctionName", f, { stat = "Average", label = "${f} avg" }],
            ["AWS/Lambda", "Duration", "FunctionName", f, { stat = "p99", label = "${f} p99" }],
          ]
        ]...)
      }
    },
  ] : w if length(var.lambda_function_names) > 0]

  api_widgets = [for w in [
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "API Gateway ${local.label.api}/${var.api_gateway_stage_name}: requests and errors", region = var.region, view = "timeSeries", stat = "Sum", period = 300
        metrics = [
          ["AWS/ApiGateway", "Count", "ApiName", var.api_gateway_name, "Stage", var.api_gateway_stage_name],
          ["AWS/ApiGateway", "4XXError", "ApiName", var.api_gateway_name, "Stage", var.api_gateway_stage_name],
          ["AWS/ApiGateway", "5XXError", "ApiName", var.api_gateway_name, "Stage", var.api_gateway_stage_name],
        ]
      }
    },
    {
      type = "metric", width = local.w.width, height = local.w.height
      properties = {
        title = "API Gateway latency (ms)", region = var.region, view = "timeSeries", period = 300
        metrics = [
          ["AWS/ApiGateway", "Latency", "ApiName", var.api_gateway_name, "Stage", var.api_gateway_stage_name, { stat = "Average" }],
          ["AWS/ApiGateway", "Latency", "ApiName", var.api_gateway_name, "Stage", var.api_gateway_stage_name, { stat = "p99" }],
          ["AWS/ApiGateway", "IntegrationLatency", "ApiName", var.api_gateway_name, "Stage", var.api_gateway_stage_name, { stat = "Average" }],
        ]
      }
    },
  ] : w if var.api_gateway_name != null]

  header_widget = {
    type   = "text"
    width  = 24
    height = 2
    properties = {
      markdown = "## ${var.name_prefix}\nStreaming ingest, lakehouse compute and serving layer. Alarms and cost alerts go to SNS topic `${local.topic_name}`; cost budget `${local.budget_name}` (USD ${var.budget_limit_usd}/month)."
    }
  }

  dashboard_body = jsonencode({
    widgets = concat(
      [local.header_widget],
      local.kinesis_widgets,
      local.firehose_widgets,
      local.emr_widgets,
      local.dynamodb_widgets,
      local.lambda_widgets,
      local.api_widgets,
    )
  })
}

resource "aws_cloudwatch_dashboard" "overview" {
  dashboard_name = local.dashboard_name
  dashboard_body = local.dashboard_body
}
