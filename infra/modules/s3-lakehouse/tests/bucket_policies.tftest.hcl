# The bucket policies, computed by the real provider configured to make no network call (static fake
# credentials, no account-id lookup, no metadata API): planning new resources calls no AWS API.
provider "aws" {
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

run "bucket_policies_deny_insecure_transport_and_wrong_encryption" {
  command = plan

  # TLS-only: a Deny on s3:* when aws:SecureTransport is false, on bucket and objects.
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
