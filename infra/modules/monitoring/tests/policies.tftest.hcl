# The key and topic policies, computed by the real provider configured to make no network call
# (static fake credentials, no account-id lookup, no metadata API): planning new resources calls no
# AWS API. Only the caller-identity data source would, so it is overridden.
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
  name_prefix                   = "crypto-pulse-analytics-dev"
  region                        = "us-west-2"
  trades_stream_name            = "crypto-pulse-analytics-dev-trades"
  dead_letter_stream_name       = "crypto-pulse-analytics-dev-dead-letter"
  firehose_delivery_stream_name = "crypto-pulse-analytics-dev-trades-to-raw"
  emr_application_id            = "00fabcdefghijklm"
  dynamodb_table_names          = ["crypto-pulse-analytics-dev-alerts", "crypto-pulse-analytics-dev-whale-scores"]
  lambda_function_names         = ["crypto-pulse-analytics-dev-speed-layer", "crypto-pulse-analytics-dev-api", "crypto-pulse-analytics-dev-score-loader"]
  api_gateway_name              = "crypto-pulse-analytics-dev-api"
}

run "key_policy_lets_services_encrypt_for_the_topic" {
  command = plan

  assert {
    condition = alltrue([
      for svc in ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"] : length([
        for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
        if s.Effect == "Allow" && try(s.Principal.Service, "") == svc &&
        contains(flatten([s.Action]), "kms:GenerateDataKey*") && contains(flatten([s.Action]), "kms:Decrypt")
      ]) == 1
    ])
    error_message = "The key policy must let CloudWatch, Budgets and EventBridge use the key (GenerateDataKey*, Decrypt)."
  }

  assert {
    condition = alltrue([
      for svc in ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] : length([
        for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
        if try(s.Principal.Service, "") == svc && try(s.Condition.StringEquals["aws:SourceAccount"], "") == "123456789012"
      ]) == 1
    ])
    error_message = "CloudWatch and Budgets key use must be limited to this account (aws:SourceAccount)."
  }

  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if try(s.Principal.AWS, "") == "arn:aws:iam::123456789012:root" && s.Action == "kms:*"
    ]) == 1
    error_message = "The account administers the key (IAM delegation)."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if try(s.Principal.Service, "") == "events.amazonaws.com"
      ]).Sid == "EventBridgePublishEncrypted" && !can(one([
        for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
        if try(s.Principal.Service, "") == "events.amazonaws.com"
    ]).Condition)
    error_message = "EventBridge's key statement has no aws:Source* condition (SNS's KMS request for EventBridge does not carry them)."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if try(s.Principal.Service, "") == "budgets.amazonaws.com"
    ]).Condition.ArnLike["aws:SourceArn"] == "arn:aws:budgets::123456789012:*"
    error_message = "Budgets may use the key only for budgets of this account."
  }

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.key.json).Statement) == 4
    error_message = "The key policy has the account, CloudWatch, Budgets and EventBridge statements only."
  }
}

run "topic_policy_lets_services_publish_with_conditions" {
  command = plan

  assert {
    condition = alltrue([
      for svc in ["cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com"] : length([
        for s in jsondecode(data.aws_iam_policy_document.topic.json).Statement : s
        if s.Effect == "Allow" && try(s.Principal.Service, "") == svc && s.Action == "sns:Publish" &&
        s.Resource == "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms" &&
        try(s.Condition.StringEquals["aws:SourceAccount"], "") == "123456789012" &&
        can(s.Condition.ArnLike["aws:SourceArn"])
      ]) == 1
    ])
    error_message = "CloudWatch, EventBridge and Budgets may publish, each with SourceAccount and SourceArn conditions."
  }

  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.topic.json).Statement : s
      if try(s.Principal.Service, "") == "cloudwatch.amazonaws.com" &&
      try(s.Condition.ArnLike["aws:SourceArn"], "") == "arn:aws:cloudwatch:us-west-2:123456789012:alarm:crypto-pulse-analytics-dev-*"
    ]) == 1
    error_message = "CloudWatch may publish only for our alarms."
  }

  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.topic.json).Statement : s
      if try(s.Principal.Service, "") == "events.amazonaws.com" &&
      try(s.Condition.ArnLike["aws:SourceArn"], "") == "arn:aws:events:us-west-2:123456789012:rule/crypto-pulse-analytics-dev-*"
    ]) == 1
    error_message = "EventBridge may publish only for our rules."
  }

  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.topic.json).Statement : s
      if s.Effect == "Deny" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"
    ]) == 1
    error_message = "Publishing over plain HTTP is denied."
  }
}
