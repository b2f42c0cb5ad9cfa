# Execution roles of the three C++ Lambda functions. Common to all three: write to their own log
# group, X-Ray traces, custom metrics in our namespace only, read the runtime configuration in SSM,
# decrypt their environment (encrypted with the app key). Then each role gets what its function does.

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.${local.dns_suffix}"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "lambda_common" {
  for_each = var.function_names

  statement {
    sid     = "WriteOwnLogGroup"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [
      "${local.arn_head.logs}log-group:/aws/lambda/${each.value}",
      "${local.arn_head.logs}log-group:/aws/lambda/${each.value}:*",
    ]
  }

  statement {
    sid       = "XRayTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"] # X-Ray offers no resource-level permission for these actions.
  }

  statement {
    sid       = "CustomMetricsInOurNamespace"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource type; the namespace condition scopes it.

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metrics_namespace]
    }
  }

  statement {
    sid       = "ReadRuntimeConfiguration"
    actions   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
    resources = [local.ssm_path_arn, "${local.ssm_path_arn}/*"]
  }

  statement {
    sid       = "DecryptOwnEnvironment"
    actions   = ["kms:Decrypt"]
    resources = [var.app_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["lambda.${var.region}.${local.dns_suffix}"]
    }
  }
}

# --- speed layer: Kinesis trades -> (scores lookup) -> alerts -------------------------------------

data "aws_iam_policy_document" "speed_layer" {
  source_policy_documents = [data.aws_iam_policy_document.lambda_common["speed_layer"].json]

  # What the event source mapping needs to poll the stream with this role (no enhanced fan-out).
  statement {
    sid = "ReadTradesStream"
    actions = [
      "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary",
      "kinesis:GetRecords",
      "kinesis:GetShardIterator",
      "kinesis:ListShards",
    ]
    resources = [var.trades_stream_arn]
  }

  statement {
    sid       = "DecryptTradesStream"
    actions   = ["kms:Decrypt"]
    resources = [var.streams_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["kinesis.${var.region}.${local.dns_suffix}"]
    }
  }

  statement {
    sid       = "ReadScores"
    actions   = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]
    resources = [var.scores_table_arn, "${var.scores_table_arn}/index/*"]
  }

  statement {
    sid       = "WriteAlerts"
    actions   = ["dynamodb:PutItem", "dynamodb:BatchWriteItem"]
    resources = [var.alerts_table_arn]
  }

  statement {
    sid       = "UseAppKeyThroughDynamoDB"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.app_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${var.region}.${local.dns_suffix}"]
    }
  }

  # On-failure destination of the event source mapping (Lambda sends with the execution role).
  statement {
    sid       = "SendFailedBatchPointers"
    actions   = ["sqs:SendMessage"]
    resources = [var.speed_layer_dlq_arn]
  }

  statement {
    sid       = "UseAppKeyThroughSqs"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.app_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${var.region}.${local.dns_suffix}"]
    }
  }
}

# --- api: read both tables and their indexes ----------------------------------------------------

data "aws_iam_policy_document" "api" {
  source_policy_documents = [data.aws_iam_policy_document.lambda_common["api"].json]

  statement {
    sid     = "ReadScoresAndAlerts"
    actions = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]
    resources = [
      var.scores_table_arn,
      "${var.scores_table_arn}/index/*",
      var.alerts_table_arn,
      "${var.alerts_table_arn}/index/*",
    ]
  }

  statement {
    sid       = "DecryptAppKeyThroughDynamoDB"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = [var.app_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${var.region}.${local.dns_suffix}"]
    }
  }
}

# --- score-loader: S3 publish/whale_scores/ -> whale-scores table -----------------------------

data "aws_iam_policy_document" "score_loader" {
  source_policy_documents = [data.aws_iam_policy_document.lambda_common["score_loader"].json]

  statement {
    sid       = "ReadScoreSnapshots"
    actions   = ["s3:GetObject"]
    resources = ["${var.processed_bucket_arn}/${var.score_snapshot_prefix}*"]
  }

  statement {
    sid       = "WriteScores"
    actions   = ["dynamodb:PutItem", "dynamodb:BatchWriteItem"]
    resources = [var.scores_table_arn]
  }

  statement {
    sid       = "UseAppKeyThroughDynamoDB"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.app_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${var.region}.${local.dns_suffix}"]
    }
  }

  # Dead-letter queue of failed asynchronous (S3 notification) invocations.
  statement {
    sid       = "SendFailedEvents"
    actions   = ["sqs:SendMessage"]
    resources = [var.score_loader_dlq_arn]
  }

  statement {
    sid       = "UseAppKeyThroughSqs"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [var.app_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${var.region}.${local.dns_suffix}"]
    }
  }
}

locals {
  lambda_policies = {
    speed_layer  = data.aws_iam_policy_document.speed_layer.json
    api          = data.aws_iam_policy_document.api.json
    score_loader = data.aws_iam_policy_document.score_loader.json
  }
}

resource "aws_iam_role" "lambda" {
  for_each = var.function_names

  name                 = local.role_names[each.key]
  description          = "Execution role of the ${each.value} Lambda function"
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume.json
  max_session_duration = 3600

  tags = var.tags
}

resource "aws_iam_role_policy" "lambda" {
  for_each = var.function_names

  name   = "${each.value}-permissions"
  role   = aws_iam_role.lambda[each.key].id
  policy = local.lambda_policies[each.key]
}
