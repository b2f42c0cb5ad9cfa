# The streams key policy, computed by the real provider configured to make no network call (static
# fake credentials, no account-id lookup, no metadata API): planning new resources calls no AWS API.
# Only the caller-identity data source would, so it is overridden.
provider "aws" {
  region                      = "us-west-2"
  access_key                  = "offline-test"
  secret_key                  = "offline-test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:root"
    id         = "123456789012"
    user_id    = "AIDAOFFLINETEST"
  }
}

variables {
  name_prefix         = "crypto-pulse-analytics-dev"
  region              = "us-west-2"
  alarm_sns_topic_arn = "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms"
  firehose_role_arn   = "arn:aws:iam::123456789012:role/crypto-pulse-analytics-dev-firehose"
  raw_bucket_arn      = "arn:aws:s3:::crypto-pulse-analytics-dev-raw-123456789012"
}

run "key_policy_delegates_to_iam_and_scopes_services" {
  command = plan

  # The key policy delegates to IAM (account root) and names no role: no dependency cycle.
  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if s.Effect == "Allow" && try(s.Principal.AWS, "") == "arn:aws:iam::123456789012:root" && s.Action == "kms:*" && s.Resource == "*"
    ]) == 1
    error_message = "The key policy must let the account root administer the key (IAM delegation)."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement :
      !can(regex(":role/", jsonencode(s.Principal)))
    ])
    error_message = "The key policy must not name IAM roles (roles get key use from their own IAM policies)."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if try(s.Principal.Service, "") == "logs.us-west-2.amazonaws.com"
      ]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] == [
      "arn:aws:logs:us-west-2:123456789012:log-group:/aws/kinesisfirehose/crypto-pulse-analytics-dev-*",
      "arn:aws:logs:us-west-2:123456789012:log-group:/aws/emr-serverless/crypto-pulse-analytics-dev-*",
    ]
    error_message = "CloudWatch Logs may use the key only for our streaming log groups."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if try(s.Principal.Service, "") == "logs.us-west-2.amazonaws.com"
      ]).Action) == toset([
      "kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*",
    ])
    error_message = "CloudWatch Logs gets exactly the actions it needs to encrypt and read log events."
  }

  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if try(s.Principal.Service, "") == "emr-serverless.amazonaws.com" &&
      try(s.Condition.StringEquals["aws:SourceAccount"], "") == "123456789012" &&
      try(s.Condition.ArnLike["aws:SourceArn"], "") == "arn:aws:emr-serverless:us-west-2:123456789012:/applications/*" &&
      toset(flatten([s.Action])) == toset(["kms:Decrypt", "kms:GenerateDataKey"])
    ]) == 1
    error_message = "EMR Serverless may use the key only for applications of this account."
  }

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.key.json).Statement) == 3
    error_message = "The key policy has the account, CloudWatch Logs and EMR Serverless statements only."
  }

  assert {
    condition     = jsondecode(aws_kms_key.streams.policy) == jsondecode(data.aws_iam_policy_document.key.json)
    error_message = "The key uses the module's policy document."
  }
}
