# Producer role: writes trade events to the trades stream and rejected records to the dead-letter
# stream. Assumable by an EC2 instance (instance profile below), an ECS task, or a person running
# the producer locally.
#
# Local principals: by default the account itself (its root ARN), which delegates the decision to
# IAM: only principals whose own policy allows sts:AssumeRole on this role can use it. MFA is
# required for them (producer_require_mfa). No sts:ExternalId: that guards against a confused
# deputy in a *third-party* account; every principal here is in our own account.

data "aws_iam_policy_document" "producer_assume" {
  dynamic "statement" {
    for_each = contains(var.producer_trusted_services, "ec2.amazonaws.com") ? [1] : []

    content {
      sid     = "Ec2InstanceProfile"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "Service"
        identifiers = ["ec2.${local.dns_suffix}"]
      }
    }
  }

  dynamic "statement" {
    for_each = contains(var.producer_trusted_services, "ecs-tasks.amazonaws.com") ? [1] : []

    content {
      sid     = "EcsTaskRole"
      actions = ["sts:AssumeRole"]

      principals {
        type        = "Service"
        identifiers = ["ecs-tasks.${local.dns_suffix}"]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = ["arn:${local.partition}:ecs:${var.region}:${local.account_id}:*"]
      }
    }
  }

  statement {
    sid     = "LocalPrincipals"
    actions = ["sts:AssumeRole"]

    principals {
      type = "AWS"
      identifiers = length(var.producer_trusted_principal_arns) > 0 ? var.producer_trusted_principal_arns : [
        "arn:${local.partition}:iam::${local.account_id}:root"
      ]
    }

    dynamic "condition" {
      for_each = var.producer_require_mfa ? [1] : []

      content {
        test     = "Bool"
        variable = "aws:MultiFactorAuthPresent"
        values   = ["true"]
      }
    }
  }
}

data "aws_iam_policy_document" "producer" {
  statement {
    sid       = "PutTradesAndDeadLetters"
    actions   = ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"]
    resources = [var.trades_stream_arn, var.dead_letter_stream_arn]
  }

  statement {
    sid       = "EncryptWithStreamKey"
    actions   = ["kms:GenerateDataKey"]
    resources = [var.streams_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["kinesis.${var.region}.${local.dns_suffix}"]
    }
  }

  statement {
    sid       = "ProducerMetricsInOurNamespace"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource type; the namespace condition scopes it.

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metrics_namespace]
    }
  }
}

resource "aws_iam_role" "producer" {
  name                 = local.role_names.producer
  description          = "Trade producer: PutRecord(s) on the trades and dead-letter streams"
  assume_role_policy   = data.aws_iam_policy_document.producer_assume.json
  max_session_duration = 3600

  tags = var.tags
}

resource "aws_iam_role_policy" "producer" {
  name   = "${local.role_names.producer}-permissions"
  role   = aws_iam_role.producer.id
  policy = data.aws_iam_policy_document.producer.json
}

resource "aws_iam_instance_profile" "producer" {
  name = local.role_names.producer
  role = aws_iam_role.producer.name

  tags = var.tags
}
