# EMR Serverless job execution role (the PySpark jobs).
#
# Deliberately NOT granted, although a Spark job might be expected to use them (docs/SECURITY-REVIEW.md):
#   - Kinesis: Spark reads the trades from S3 (Firehose lands them in the raw bucket). The
#     application has no VPC, and without one EMR Serverless cannot reach the Kinesis endpoint.
#   - DynamoDB: for the same reason Spark cannot reach DynamoDB; it publishes score snapshots to
#     S3 (publish/whale_scores/) and the score-loader Lambda writes them to the table.

data "aws_iam_policy_document" "emr_assume" {
  statement {
    sid     = "EmrServerlessAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["emr-serverless.${local.dns_suffix}"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["${local.arn_head["emr-serverless"]}/applications/*"]
    }
  }
}

data "aws_iam_policy_document" "emr_execution" {
  statement {
    sid       = "ListDataBuckets"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = [var.raw_bucket_arn, var.processed_bucket_arn, var.checkpoint_bucket_arn]
  }

  statement {
    sid       = "ReadRawLanding"
    actions   = ["s3:GetObject"]
    resources = ["${var.raw_bucket_arn}/*"]
  }

  # Job logs (monitoring configuration) go to the raw bucket under emr-logs/.
  statement {
    sid       = "WriteJobLogsToRaw"
    actions   = ["s3:PutObject"]
    resources = ["${var.raw_bucket_arn}/${var.emr_log_s3_prefix}*"]
  }

  # Iceberg warehouse, score snapshots and job artifacts (processed) and streaming checkpoints.
  statement {
    sid = "ReadWriteProcessedAndCheckpoints"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${var.processed_bucket_arn}/*", "${var.checkpoint_bucket_arn}/*"]
  }

  # Iceberg's Glue catalog: our database and its tables. Spark's Glue-backed session catalog also
  # looks up the "default" database at start-up, hence read-only access to it.
  statement {
    sid = "IcebergCatalogOnOurDatabase"
    actions = [
      "glue:GetDatabase",
      "glue:GetDatabases",
      "glue:GetTable",
      "glue:GetTables",
      "glue:CreateTable",
      "glue:UpdateTable",
      "glue:GetPartitions",
    ]
    resources = [local.glue_catalog_arn, local.glue_database_arn, local.glue_tables_arn]
  }

  statement {
    sid       = "SparkSessionCatalogDefaultDatabase"
    actions   = ["glue:GetDatabase"]
    resources = [local.glue_catalog_arn, "${local.arn_head.glue}database/default"]
  }

  statement {
    sid = "WriteJobLogsToCloudWatch"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
    ]
    resources = [
      "${local.arn_head.logs}log-group:${local.emr_log_group_name}",
      "${local.arn_head.logs}log-group:${local.emr_log_group_name}:*",
    ]
  }

  # EMR Serverless checks that the configured log group exists before it writes to it.
  statement {
    sid       = "FindJobLogGroup"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["${local.arn_head.logs}log-group:*"]
  }

  dynamic "statement" {
    for_each = length(var.emr_kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "UseOurKeys"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
      resources = var.emr_kms_key_arns
    }
  }
}

resource "aws_iam_role" "emr_execution" {
  name                 = local.role_names.emr_execution
  description          = "Execution role of the EMR Serverless Spark jobs"
  assume_role_policy   = data.aws_iam_policy_document.emr_assume.json
  max_session_duration = 3600

  tags = var.tags
}

resource "aws_iam_role_policy" "emr_execution" {
  name   = "${local.role_names.emr_execution}-permissions"
  role   = aws_iam_role.emr_execution.id
  policy = data.aws_iam_policy_document.emr_execution.json
}
