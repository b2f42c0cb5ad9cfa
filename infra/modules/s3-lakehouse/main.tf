# The lakehouse storage: four data buckets (raw landing zone, processed Iceberg warehouse, Spark
# checkpoints, Athena query results) plus an optional access-log bucket. Every bucket: public access
# blocked, ACLs disabled (BucketOwnerEnforced), SSE-S3 by default, a policy that denies plain HTTP,
# TLS < 1.2, any encryption header other than AES256 and SSE-C. Lifecycle expiry only where deleting
# old objects cannot corrupt data (raw, Athena results). See README.md for the reasoning.

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition

  # versioned: keeps overwritten/deleted objects for noncurrent_version_expiration_days (undo window).
  # expire:    IA transition + expiration of current objects. Only safe where nothing references old
  #            objects by path: the raw landing zone (replayable copy of the stream) and query results.
  buckets = {
    raw = {
      name        = "${var.name_prefix}-raw-${var.account_id}"
      purpose     = "raw-landing"
      versioned   = true
      expire      = true
      description = "Firehose landing zone (raw/trades/year=/month=/day=/hour=/), EMR Serverless logs (emr-logs/)"
    }
    processed = {
      name        = "${var.name_prefix}-processed-${var.account_id}"
      purpose     = "iceberg-warehouse"
      versioned   = true
      expire      = false
      description = "Iceberg warehouse (warehouse/), score snapshots (publish/whale_scores/), job artifacts (artifacts/)"
    }
    checkpoints = {
      name        = "${var.name_prefix}-checkpoints-${var.account_id}"
      purpose     = "spark-checkpoints"
      versioned   = true
      expire      = false
      description = "Spark structured-streaming checkpoints (offsets, commits, state)"
    }
    athena_results = {
      name        = "${var.name_prefix}-athena-results-${var.account_id}"
      purpose     = "athena-results"
      versioned   = false
      expire      = true
      description = "Athena query results (re-creatable by re-running the query)"
    }
  }

  bucket_arns = { for k, b in local.buckets : k => "arn:${local.partition}:s3:::${b.name}" }

  access_log_bucket_name = "${var.name_prefix}-access-logs-${var.account_id}"
  access_log_bucket_arn  = "arn:${local.partition}:s3:::${local.access_log_bucket_name}"

  # Data contract: Spark writes one NDJSON snapshot per run here; the score-loader Lambda loads it.
  score_snapshot_prefix = "publish/whale_scores/"
  score_snapshot_suffix = ".ndjson"

  # Every bucket that gets a policy (the data buckets and the access-log bucket) => its ARN.
  policy_bucket_arns = merge(local.bucket_arns, { access_logs = local.access_log_bucket_arn })

  # The Deny statements of every bucket policy, in order: sid, actions, whether they cover the
  # bucket itself or only its objects, and the conditions that must all hold for the Deny.
  bucket_deny_statements = [
    {
      sid          = "DenyInsecureTransport"
      actions      = ["s3:*"]
      objects_only = false
      conditions   = [{ test = "Bool", variable = "aws:SecureTransport", value = "false" }]
    },
    {
      sid          = "DenyOutdatedTls"
      actions      = ["s3:*"]
      objects_only = false
      conditions   = [{ test = "NumericLessThan", variable = "s3:TlsVersion", value = "1.2" }]
    },
    {
      # "Deny unencrypted" without breaking clients that rely on the bucket default: a PutObject
      # WITHOUT the header is allowed (S3 encrypts it with SSE-S3 anyway); a PutObject WITH the
      # header must ask for AES256. Both conditions must hold for the Deny: header present (Null =
      # false) AND value != AES256. (StringNotEqualsIfExists alone would not do: a missing key makes
      # an ...IfExists condition true, so the Deny would hit every header-less request.)
      sid          = "DenyNonAes256EncryptionHeader"
      actions      = ["s3:PutObject"]
      objects_only = true
      conditions = [
        { test = "StringNotEquals", variable = "s3:x-amz-server-side-encryption", value = "AES256" },
        { test = "Null", variable = "s3:x-amz-server-side-encryption", value = "false" },
      ]
    },
    {
      # SSE-C: S3 would store objects under a key it does not hold; nobody here needs it.
      sid          = "DenySseCustomerKeys"
      actions      = ["s3:PutObject"]
      objects_only = true
      conditions   = [{ test = "Null", variable = "s3:x-amz-server-side-encryption-customer-algorithm", value = "false" }]
    },
  ]
}

# Bucket policies: the same Deny statements on every bucket, plus S3 log delivery on the access-log
# bucket. Built from the bucket NAME (known at plan time) so the policy is fully known in plan and
# tests.
data "aws_iam_policy_document" "bucket" {
  for_each = local.policy_bucket_arns

  # S3 server access log delivery (bucket-policy based: ACLs are disabled on this bucket).
  dynamic "statement" {
    for_each = each.key == "access_logs" ? [values(local.bucket_arns)] : []

    content {
      sid       = "AllowS3ServerAccessLogDelivery"
      actions   = ["s3:PutObject"]
      resources = ["${each.value}/*"]

      principals {
        type        = "Service"
        identifiers = ["logging.s3.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = statement.value
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [var.account_id]
      }
    }
  }

  dynamic "statement" {
    for_each = local.bucket_deny_statements

    content {
      sid       = statement.value.sid
      effect    = "Deny"
      actions   = statement.value.actions
      resources = statement.value.objects_only ? ["${each.value}/*"] : [each.value, "${each.value}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = [condition.value.value]
        }
      }
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Data buckets
# ---------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Single-region stack (us-west-2) by design; replication would double storage cost. Versioning plus the noncurrent-version window protect against deletion.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES256) is the default on purpose; the bucket policy enforces it. SSE-KMS would add a per-request KMS cost.
  #checkov:skip=CKV2_AWS_62:Event notifications are only needed on the processed bucket (score snapshots); they are optional here and may be owned by the lambda module.
  #checkov:skip=CKV_AWS_21:Versioning is enabled by aws_s3_bucket_versioning.this for raw, processed and checkpoints (checkov does not link the for_each instances when scanning from the root); athena_results is deliberately unversioned (re-creatable query output).
  for_each = local.buckets

  bucket        = each.value.name
  force_destroy = var.force_destroy

  tags = merge(var.tags, {
    Name    = each.value.name
    Purpose = each.value.purpose
  })
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# SSE-S3 (AES256) by default on purpose: every S3 client
# works with it unchanged, and a customer-managed key on high-volume raw and Iceberg data would add
# per-request KMS charges; the bucket policy denies any other explicit encryption header.
#trivy:ignore:AVD-AWS-0132 SSE-S3 is the required default encryption (see the comment above).
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = { for k, b in local.buckets : k => b if b.versioned }

  bucket = aws_s3_bucket.this[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id
  policy = data.aws_iam_policy_document.bucket[each.key].json

  # S3 rejects a bucket policy while the public access block is being applied.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.buckets

  bucket = aws_s3_bucket.this[each.key].id

  # Every bucket: free the parts of abandoned multipart uploads.
  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  # Raw landing zone and Athena results only: STANDARD_IA, then delete. With a Days expiration S3
  # also removes the expired-object delete markers by itself.
  dynamic "rule" {
    for_each = each.value.expire ? [1] : []

    content {
      id     = "transition-ia-then-expire"
      status = "Enabled"

      filter {}

      transition {
        days          = var.lifecycle_transition_ia_days
        storage_class = "STANDARD_IA"
      }

      expiration {
        days = var.lifecycle_expiration_days
      }

      dynamic "noncurrent_version_expiration" {
        for_each = each.value.versioned ? [1] : []

        content {
          noncurrent_days = var.noncurrent_version_expiration_days
        }
      }
    }
  }

  # Iceberg warehouse and checkpoints: NO expiration of current objects (see README). Only the
  # versions that Iceberg maintenance / Spark already deleted or replaced are purged after the undo
  # window, plus the delete markers left behind.
  dynamic "rule" {
    for_each = each.value.versioned && !each.value.expire ? [1] : []

    content {
      id     = "expire-noncurrent-versions"
      status = "Enabled"

      filter {}

      noncurrent_version_expiration {
        noncurrent_days = var.noncurrent_version_expiration_days
      }

      expiration {
        expired_object_delete_marker = true
      }
    }
  }

  lifecycle {
    precondition {
      condition     = var.lifecycle_expiration_days > var.lifecycle_transition_ia_days
      error_message = "lifecycle_expiration_days must be later than lifecycle_transition_ia_days."
    }
  }

  # Lifecycle rules on a versioned bucket need versioning to be in place first.
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  for_each = var.access_logging_enabled ? local.buckets : {}

  bucket        = aws_s3_bucket.this[each.key].id
  target_bucket = aws_s3_bucket.access_logs[0].id
  target_prefix = "${each.value.name}/"

  depends_on = [aws_s3_bucket_policy.access_logs]
}

# ---------------------------------------------------------------------------------------------
# Score snapshot notification (optional; see variable score_loader_notification_enabled)
# ---------------------------------------------------------------------------------------------

resource "aws_s3_bucket_notification" "score_loader" {
  count = var.score_loader_notification_enabled ? 1 : 0

  bucket = aws_s3_bucket.this["processed"].id

  lambda_function {
    lambda_function_arn = var.score_loader_lambda_arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = local.score_snapshot_prefix
    filter_suffix       = local.score_snapshot_suffix
  }

  lifecycle {
    precondition {
      condition     = var.score_loader_lambda_arn != null
      error_message = "score_loader_lambda_arn is required when score_loader_notification_enabled is true."
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Access-log bucket (optional)
# ---------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_21:Access logs are write-once records that expire after access_log_expiration_days; versioning adds nothing.
  #checkov:skip=CKV_AWS_144:Single-region stack by design; logs are not replicated.
  #checkov:skip=CKV_AWS_145:S3 server access log delivery supports only SSE-S3 on the target bucket, not SSE-KMS.
  #checkov:skip=CKV2_AWS_62:Nothing consumes access-log events.
  count = var.access_logging_enabled ? 1 : 0

  bucket        = local.access_log_bucket_name
  force_destroy = var.force_destroy

  tags = merge(var.tags, {
    Name    = local.access_log_bucket_name
    Purpose = "s3-access-logs"
  })
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  count = var.access_logging_enabled ? 1 : 0

  bucket                  = aws_s3_bucket.access_logs[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  count = var.access_logging_enabled ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# S3 server access logging cannot deliver to a bucket encrypted with SSE-KMS: SSE-S3 it must be.
#trivy:ignore:AVD-AWS-0132 server access log destinations only support SSE-S3.
resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  count = var.access_logging_enabled ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_policy" "access_logs" {
  count = var.access_logging_enabled ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id
  policy = data.aws_iam_policy_document.bucket["access_logs"].json

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  count = var.access_logging_enabled ? 1 : 0

  bucket = aws_s3_bucket.access_logs[0].id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_expiration_days
    }
  }
}
