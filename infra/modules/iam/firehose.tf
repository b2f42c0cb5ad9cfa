# Firehose delivery role: read the trades stream (Firehose's Kinesis source), land the records in
# the raw bucket, log delivery errors. Firehose exists only while streaming is on; the role (free)
# stays, so a restart does not churn IAM.

data "aws_iam_policy_document" "firehose_assume" {
  statement {
    sid     = "FirehoseAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["firehose.${local.dns_suffix}"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["${local.arn_head.firehose}deliverystream/${var.name_prefix}-*"]
    }
  }
}

data "aws_iam_policy_document" "firehose" {
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
    sid = "LandInRawBucket"
    actions = [
      "s3:AbortMultipartUpload",
      "s3:GetBucketLocation",
      "s3:GetObject",
      "s3:ListBucket",
      "s3:ListBucketMultipartUploads",
      "s3:PutObject",
    ]
    resources = [var.raw_bucket_arn, "${var.raw_bucket_arn}/*"]
  }

  statement {
    sid       = "LogDeliveryErrors"
    actions   = ["logs:PutLogEvents", "logs:CreateLogStream"]
    resources = ["${local.arn_head.logs}log-group:${local.firehose_log_group}:*"]
  }
}

resource "aws_iam_role" "firehose" {
  name                 = local.role_names.firehose
  description          = "Firehose delivery from the trades stream to the raw bucket"
  assume_role_policy   = data.aws_iam_policy_document.firehose_assume.json
  max_session_duration = 3600

  tags = var.tags
}

resource "aws_iam_role_policy" "firehose" {
  name   = "${local.role_names.firehose}-permissions"
  role   = aws_iam_role.firehose.id
  policy = data.aws_iam_policy_document.firehose.json
}
