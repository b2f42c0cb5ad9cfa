# The serving store: the two DynamoDB tables the speed layer and the API read and write, the SQS
# queues that catch what the Lambda functions could not process, and the customer managed KMS key
# that encrypts all of them (and, through the key policy below, the application's log groups).

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  alerts_table_name = "${var.name_prefix}-alerts"
  scores_table_name = "${var.name_prefix}-whale-scores"

  log_group_arns = [
    for p in var.log_group_name_patterns :
    "arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:${p}"
  ]
}

# ---------------------------------------------------------------------------------------------
# Customer managed key
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:Key policy: "*" as resource means this key only; writes are the account's own administration of its key.
  #checkov:skip=CKV_AWS_356:Key policy: "*" as resource means this key only (a key policy cannot name other resources).
  #checkov:skip=CKV_AWS_109:Key policy: the account administers its key; use is delegated to IAM policies scoped to this key's ARN.
  # The account keeps full control of its key; IAM policies in this account decide who uses it
  # (the roles in the iam module grant kms:* actions on this key ARN only, via DynamoDB/SQS).
  statement {
    sid       = "AccountAdministersKey"
    actions   = ["kms:*"]
    resources = ["*"] # In a key policy "*" means "this key".

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = length(local.log_group_arns) > 0 ? [1] : []

    content {
      sid = "CloudWatchLogsEncryptsOurLogGroups"
      actions = [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
      ]
      resources = ["*"] # In a key policy "*" means "this key".

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
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name_prefix}: DynamoDB tables, SQS failure queues, Lambda environment and application log groups"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-app"
  target_key_id = aws_kms_key.this.key_id
}

# ---------------------------------------------------------------------------------------------
# DynamoDB: alerts (written by the speed layer, read by the API)
# ---------------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "alerts" {
  name                        = local.alerts_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "wallet"
  range_key                   = "alert_key" # 13-digit zero-padded event time ms + "#" + alert_id
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "wallet"
    type = "S"
  }

  attribute {
    name = "alert_key"
    type = "S"
  }

  attribute {
    name = "day"
    type = "S"
  }

  # "Latest alerts": query today's (and yesterday's) partition with ScanIndexForward = false.
  global_secondary_index {
    name            = "by_day"
    hash_key        = "day"
    range_key       = "alert_key"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = "expires_at" # epoch seconds, set by the writer
    enabled        = true
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# DynamoDB: whale scores (written by the score-loader, read by the speed layer and the API)
# ---------------------------------------------------------------------------------------------

resource "aws_dynamodb_table" "whale_scores" {
  name                        = local.scores_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "wallet"
  range_key                   = "horizon_ms"
  deletion_protection_enabled = var.deletion_protection_enabled

  attribute {
    name = "wallet"
    type = "S"
  }

  attribute {
    name = "horizon_ms"
    type = "N"
  }

  attribute {
    name = "board"
    type = "S"
  }

  attribute {
    name = "shrunk_alpha"
    type = "N"
  }

  # Sparse: only smart-money rows carry "board" (e.g. "smart#3600000").
  global_secondary_index {
    name            = "leaderboard"
    hash_key        = "board"
    range_key       = "shrunk_alpha"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# SQS failure queues
# ---------------------------------------------------------------------------------------------

# On-failure destination of the speed layer's Kinesis event source mapping (Kinesis itself is not
# allowed as a destination). Lambda sends a record *pointer* (shard, sequence numbers), not the data.
resource "aws_sqs_queue" "speed_layer_dlq" {
  name                              = "${var.name_prefix}-speed-layer-dlq"
  message_retention_seconds         = var.dlq_message_retention_seconds
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300

  tags = var.tags
}

# Dead-letter queue of the score-loader's asynchronous (S3 notification) invocations.
resource "aws_sqs_queue" "score_loader_dlq" {
  name                              = "${var.name_prefix}-score-loader-dlq"
  message_retention_seconds         = var.dlq_message_retention_seconds
  kms_master_key_id                 = aws_kms_key.this.arn
  kms_data_key_reuse_period_seconds = 300

  tags = var.tags
}
