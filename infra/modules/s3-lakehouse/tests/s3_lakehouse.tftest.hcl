# Plan-only tests with a mocked AWS provider: they pin the security and lifecycle properties the
# README promises. Run: terraform init -backend=false -plugin-dir=/opt/tf-plugins && terraform test

mock_provider "aws" {
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
  name_prefix = "crypto-pulse-analytics-dev"
  account_id  = "123456789012"
}

run "bucket_names_contain_account_id" {
  command = plan

  assert {
    condition     = aws_s3_bucket.this["raw"].bucket == "crypto-pulse-analytics-dev-raw-123456789012"
    error_message = "raw bucket name must follow <prefix>-raw-<account_id>."
  }

  assert {
    condition     = aws_s3_bucket.this["processed"].bucket == "crypto-pulse-analytics-dev-processed-123456789012"
    error_message = "processed bucket name must follow <prefix>-processed-<account_id>."
  }

  assert {
    condition     = aws_s3_bucket.this["checkpoints"].bucket == "crypto-pulse-analytics-dev-checkpoints-123456789012"
    error_message = "checkpoint bucket name must follow <prefix>-checkpoints-<account_id>."
  }

  assert {
    condition     = aws_s3_bucket.this["athena_results"].bucket == "crypto-pulse-analytics-dev-athena-results-123456789012"
    error_message = "Athena results bucket name must follow <prefix>-athena-results-<account_id>."
  }

  assert {
    condition     = alltrue([for b in aws_s3_bucket.this : strcontains(b.bucket, "123456789012") && length(b.bucket) <= 63])
    error_message = "Every bucket name must contain the account id and fit the 63-character limit."
  }

  assert {
    condition     = aws_s3_bucket.access_logs[0].bucket == "crypto-pulse-analytics-dev-access-logs-123456789012"
    error_message = "access-log bucket name must follow <prefix>-access-logs-<account_id>."
  }

  assert {
    condition     = alltrue([for b in aws_s3_bucket.this : b.force_destroy == false])
    error_message = "force_destroy must default to false."
  }
}

run "public_access_blocked_everywhere" {
  command = plan

  assert {
    condition = alltrue([
      for p in concat(values(aws_s3_bucket_public_access_block.this), aws_s3_bucket_public_access_block.access_logs) :
      p.block_public_acls && p.block_public_policy && p.ignore_public_acls && p.restrict_public_buckets
    ])
    error_message = "All four public access block settings must be true on every bucket."
  }

  assert {
    condition     = length(aws_s3_bucket_public_access_block.this) == 4
    error_message = "Each data bucket needs a public access block."
  }
}

run "ownership_enforced_and_sse_s3_default" {
  command = plan

  assert {
    condition = alltrue([
      for o in concat(values(aws_s3_bucket_ownership_controls.this), aws_s3_bucket_ownership_controls.access_logs) :
      o.rule[0].object_ownership == "BucketOwnerEnforced"
    ])
    error_message = "ACLs must be disabled (BucketOwnerEnforced) on every bucket."
  }

  assert {
    condition = alltrue([
      for e in concat(values(aws_s3_bucket_server_side_encryption_configuration.this), aws_s3_bucket_server_side_encryption_configuration.access_logs) :
      one([for r in e.rule : one(r.apply_server_side_encryption_by_default).sse_algorithm]) == "AES256"
    ])
    error_message = "Default encryption must be SSE-S3 (AES256) on every bucket."
  }
}

run "bucket_policies_deny_insecure_transport_and_wrong_encryption" {
  command = plan

  providers = {
    aws = aws.offline
  }

  # TLS-only: a Deny on s3:* when aws:SecureTransport is false, on bucket and objects.
  assert {
    condition = alltrue([
      for k, p in aws_s3_bucket_policy.this : jsondecode(p.policy) == jsondecode(data.aws_iam_policy_document.bucket[k].json)
    ]) && jsondecode(aws_s3_bucket_policy.access_logs[0].policy) == jsondecode(data.aws_iam_policy_document.bucket["access_logs"].json)
    error_message = "Every bucket policy is the module's policy document for that bucket."
  }

  assert {
    condition = alltrue([
      for k, b in aws_s3_bucket.this : length([
        for s in jsondecode(data.aws_iam_policy_document.bucket[k].json).Statement : s
        if s.Effect == "Deny" && s.Action == "s3:*" && s.Principal == "*" &&
        try(s.Condition.Bool["aws:SecureTransport"], "") == "false" &&
        contains(flatten([s.Resource]), "arn:aws:s3:::${b.bucket}/*")
      ]) == 1
    ])
    error_message = "Every data bucket policy needs the DenyInsecureTransport statement."
  }

  # Wrong encryption header: denied only when the header is PRESENT and not AES256, so a PutObject
  # without the header (bucket default encryption) is still allowed.
  assert {
    condition = alltrue([
      for k, b in aws_s3_bucket.this : length([
        for s in jsondecode(data.aws_iam_policy_document.bucket[k].json).Statement : s
        if s.Effect == "Deny" && s.Action == "s3:PutObject" &&
        try(s.Condition.StringNotEquals["s3:x-amz-server-side-encryption"], "") == "AES256" &&
        try(s.Condition.Null["s3:x-amz-server-side-encryption"], "") == "false" &&
        !can(s.Condition.StringNotEqualsIfExists)
      ]) == 1
    ])
    error_message = "Every data bucket policy must deny a present-but-not-AES256 SSE header (Null=false AND StringNotEquals AES256)."
  }

  assert {
    condition = alltrue([
      for k, b in aws_s3_bucket.this : length([
        for s in jsondecode(data.aws_iam_policy_document.bucket[k].json).Statement : s
        if s.Effect == "Deny" && try(s.Condition.NumericLessThan["s3:TlsVersion"], "") == "1.2"
      ]) == 1
    ])
    error_message = "Every data bucket policy must deny TLS versions below 1.2."
  }

  assert {
    condition = alltrue([
      for k, b in aws_s3_bucket.this : length([
        for s in jsondecode(data.aws_iam_policy_document.bucket[k].json).Statement : s
        if s.Effect == "Deny" && try(s.Condition.Null["s3:x-amz-server-side-encryption-customer-algorithm"], "") == "false"
      ]) == 1
    ])
    error_message = "Every data bucket policy must deny SSE-C uploads."
  }

  assert {
    condition = alltrue([
      for k, b in aws_s3_bucket.this : length([for s in jsondecode(data.aws_iam_policy_document.bucket[k].json).Statement : s if s.Effect == "Allow"]) == 0
    ])
    error_message = "Data bucket policies contain only Deny statements (access is granted by IAM roles)."
  }

  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.bucket["access_logs"].json).Statement : s
      if s.Effect == "Deny" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"
    ]) == 1
    error_message = "The access-log bucket must deny insecure transport too."
  }

  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.bucket["access_logs"].json).Statement : s
      if s.Effect == "Allow" && try(s.Principal.Service, "") == "logging.s3.amazonaws.com" &&
      try(s.Condition.StringEquals["aws:SourceAccount"], "") == "123456789012" &&
      contains(try(s.Condition.ArnLike["aws:SourceArn"], []), "arn:aws:s3:::crypto-pulse-analytics-dev-raw-123456789012")
    ]) == 1
    error_message = "The access-log bucket must let only S3 log delivery for our buckets and account write to it."
  }

  assert {
    condition = alltrue([
      for k, b in aws_s3_bucket.this : [
        for s in jsondecode(data.aws_iam_policy_document.bucket[k].json).Statement : s.Sid
      ] == ["DenyInsecureTransport", "DenyOutdatedTls", "DenyNonAes256EncryptionHeader", "DenySseCustomerKeys"]
    ])
    error_message = "Every data bucket policy holds exactly the four Deny statements."
  }

  assert {
    condition = [
      for s in jsondecode(data.aws_iam_policy_document.bucket["access_logs"].json).Statement : s.Sid
    ] == ["AllowS3ServerAccessLogDelivery", "DenyInsecureTransport", "DenyOutdatedTls", "DenyNonAes256EncryptionHeader", "DenySseCustomerKeys"]
    error_message = "The access-log bucket policy holds the log delivery statement and the four Deny statements."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(data.aws_iam_policy_document.bucket["access_logs"].json).Statement : s
      if s.Sid == "AllowS3ServerAccessLogDelivery"
      ]).Condition.ArnLike["aws:SourceArn"]) == toset([
      "arn:aws:s3:::crypto-pulse-analytics-dev-raw-123456789012",
      "arn:aws:s3:::crypto-pulse-analytics-dev-processed-123456789012",
      "arn:aws:s3:::crypto-pulse-analytics-dev-checkpoints-123456789012",
      "arn:aws:s3:::crypto-pulse-analytics-dev-athena-results-123456789012",
    ])
    error_message = "S3 log delivery is allowed for exactly the four data buckets."
  }
}

run "lifecycle_expiry_only_on_raw_and_athena" {
  command = plan

  # raw + athena_results: STANDARD_IA after 30 days, delete after 90.
  assert {
    condition = alltrue([
      for k in ["raw", "athena_results"] : length([
        for r in aws_s3_bucket_lifecycle_configuration.this[k].rule : r
        if r.id == "transition-ia-then-expire" && r.status == "Enabled" &&
        try(one(r.expiration).days, 0) == 90 &&
        try(one([for t in r.transition : t.days if t.storage_class == "STANDARD_IA"]), 0) == 30
      ]) == 1
    ])
    error_message = "raw and athena_results need IA after 30 days and expiry after 90 days."
  }

  # processed (Iceberg) + checkpoints: no current-version expiration and no transition at all.
  assert {
    condition = alltrue([
      for k in ["processed", "checkpoints"] : alltrue([
        for r in aws_s3_bucket_lifecycle_configuration.this[k].rule :
        length(r.transition) == 0 && alltrue([for e in r.expiration : e.expired_object_delete_marker == true && e.date == null])
      ])
    ])
    error_message = "Iceberg and checkpoint buckets must never expire or transition current objects."
  }

  assert {
    condition = alltrue([
      for k in ["processed", "checkpoints"] :
      sort([for r in aws_s3_bucket_lifecycle_configuration.this[k].rule : r.id]) == sort(["abort-incomplete-multipart-uploads", "expire-noncurrent-versions"])
    ])
    error_message = "processed/checkpoints carry only the multipart-abort and noncurrent-version rules."
  }

  assert {
    condition = alltrue([
      for k in ["processed", "checkpoints"] : length([
        for r in aws_s3_bucket_lifecycle_configuration.this[k].rule : r
        if r.id == "expire-noncurrent-versions" && try(one(r.noncurrent_version_expiration).noncurrent_days, 0) == 30
      ]) == 1
    ])
    error_message = "Versioned Iceberg/checkpoint buckets must purge noncurrent versions after the undo window."
  }

  # Every bucket aborts incomplete multipart uploads.
  assert {
    condition = alltrue([
      for lc in aws_s3_bucket_lifecycle_configuration.this : length([
        for r in lc.rule : r
        if r.id == "abort-incomplete-multipart-uploads" && try(one(r.abort_incomplete_multipart_upload).days_after_initiation, 0) == 7
      ]) == 1
    ])
    error_message = "Every data bucket must abort incomplete multipart uploads."
  }

  assert {
    condition = length([
      for r in aws_s3_bucket_lifecycle_configuration.access_logs[0].rule : r
      if r.id == "abort-incomplete-multipart-uploads"
    ]) == 1
    error_message = "The access-log bucket must abort incomplete multipart uploads."
  }
}

run "versioning_where_it_protects_data" {
  command = plan

  assert {
    condition     = sort(keys(aws_s3_bucket_versioning.this)) == sort(["checkpoints", "processed", "raw"])
    error_message = "Versioning on raw, processed and checkpoints; not on Athena results."
  }

  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.this : v.versioning_configuration[0].status == "Enabled"])
    error_message = "Versioning must be Enabled."
  }

  # raw is versioned and expiring: its noncurrent versions are purged too.
  assert {
    condition = one([
      for r in aws_s3_bucket_lifecycle_configuration.this["raw"].rule : try(one(r.noncurrent_version_expiration).noncurrent_days, 0)
      if r.id == "transition-ia-then-expire"
    ]) == 30
    error_message = "raw must purge noncurrent versions."
  }

  assert {
    condition = alltrue([
      for r in aws_s3_bucket_lifecycle_configuration.this["athena_results"].rule : length(r.noncurrent_version_expiration) == 0
    ])
    error_message = "The unversioned Athena bucket needs no noncurrent-version rule."
  }
}

run "access_logging_targets_log_bucket" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 4
    error_message = "All four data buckets must send server access logs."
  }

  assert {
    condition     = aws_s3_bucket_logging.this["raw"].target_prefix == "crypto-pulse-analytics-dev-raw-123456789012/"
    error_message = "Access logs are prefixed with the source bucket name."
  }
}

run "access_logging_can_be_disabled" {
  command = plan

  variables {
    access_logging_enabled = false
  }

  assert {
    condition     = length(aws_s3_bucket.access_logs) == 0 && length(aws_s3_bucket_logging.this) == 0
    error_message = "No log bucket and no logging when access logging is off."
  }

  assert {
    condition     = output.access_log_bucket_name == null && output.access_log_bucket_arn == null
    error_message = "Access-log outputs must be null when the bucket is not created."
  }
}

run "no_notification_by_default" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_notification.score_loader) == 0
    error_message = "The score-loader notification is opt-in."
  }

  assert {
    condition     = output.score_loader_notification_id == null
    error_message = "Notification output must be null when not managed here."
  }
}

run "score_loader_notification_when_enabled" {
  command = plan

  variables {
    score_loader_notification_enabled = true
    score_loader_lambda_arn           = "arn:aws:lambda:us-west-2:123456789012:function:crypto-pulse-analytics-dev-score-loader"
  }

  assert {
    condition     = aws_s3_bucket_notification.score_loader[0].lambda_function[0].filter_prefix == "publish/whale_scores/"
    error_message = "The notification must watch publish/whale_scores/."
  }

  assert {
    condition     = aws_s3_bucket_notification.score_loader[0].lambda_function[0].filter_suffix == ".ndjson"
    error_message = "The notification must only fire for .ndjson snapshots."
  }

  assert {
    condition     = contains(aws_s3_bucket_notification.score_loader[0].lambda_function[0].events, "s3:ObjectCreated:*")
    error_message = "The notification must fire on ObjectCreated."
  }
}

run "outputs_are_wired" {
  command = plan

  assert {
    condition     = output.warehouse_s3_uri == "s3://crypto-pulse-analytics-dev-processed-123456789012/warehouse/"
    error_message = "warehouse_s3_uri must point at the processed bucket's warehouse/ prefix."
  }

  assert {
    condition     = output.score_snapshot_prefix == "publish/whale_scores/"
    error_message = "score_snapshot_prefix is part of the data contract."
  }

  assert {
    condition     = output.raw_bucket_name == "crypto-pulse-analytics-dev-raw-123456789012"
    error_message = "raw_bucket_name output mismatch."
  }
}

# ---------------------------------------------------------------------------------------------
# Validations and preconditions
# ---------------------------------------------------------------------------------------------

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "Crypto_Pulse"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_bad_account_id" {
  command = plan

  variables {
    account_id = "12345"
  }

  expect_failures = [var.account_id]
}

run "rejects_ia_transition_below_30_days" {
  command = plan

  variables {
    lifecycle_transition_ia_days = 10
  }

  expect_failures = [var.lifecycle_transition_ia_days]
}

run "rejects_too_short_expiration" {
  command = plan

  variables {
    lifecycle_expiration_days = 7
  }

  expect_failures = [var.lifecycle_expiration_days]
}

run "rejects_expiration_before_transition" {
  command = plan

  variables {
    lifecycle_transition_ia_days = 60
    lifecycle_expiration_days    = 45
  }

  expect_failures = [aws_s3_bucket_lifecycle_configuration.this]
}

run "rejects_bad_noncurrent_days" {
  command = plan

  variables {
    noncurrent_version_expiration_days = 0
  }

  expect_failures = [var.noncurrent_version_expiration_days]
}

run "rejects_bad_multipart_days" {
  command = plan

  variables {
    abort_incomplete_multipart_upload_days = 45
  }

  expect_failures = [var.abort_incomplete_multipart_upload_days]
}

run "rejects_bad_access_log_expiration" {
  command = plan

  variables {
    access_log_expiration_days = 0
  }

  expect_failures = [var.access_log_expiration_days]
}

run "rejects_bad_lambda_arn" {
  command = plan

  variables {
    score_loader_lambda_arn = "arn:aws:sqs:us-west-2:123456789012:queue"
  }

  expect_failures = [var.score_loader_lambda_arn]
}

run "notification_requires_lambda_arn" {
  command = plan

  variables {
    score_loader_notification_enabled = true
  }

  expect_failures = [aws_s3_bucket_notification.score_loader]
}
