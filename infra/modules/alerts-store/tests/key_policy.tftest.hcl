# The key policy is computed by the real provider, configured to make no network call (static
# fake credentials, no account-id lookup, no metadata API): plan of new resources calls no AWS API.
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
  name_prefix             = "crypto-pulse-analytics-dev"
  region                  = "us-west-2"
  log_group_name_patterns = ["/aws/lambda/crypto-pulse-analytics-dev-*"]
}

run "logs_may_use_the_key_only_for_our_log_groups" {
  command = plan

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if s.Sid == "CloudWatchLogsEncryptsOurLogGroups"
      ]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] == (
      "arn:aws:logs:us-west-2:123456789012:log-group:/aws/lambda/crypto-pulse-analytics-dev-*"
    )
    error_message = "CloudWatch Logs must be limited to our log groups by encryption context."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s
      if s.Sid == "CloudWatchLogsEncryptsOurLogGroups"
    ]).Principal.Service == "logs.us-west-2.amazonaws.com"
    error_message = "The logs principal must be the regional service principal."
  }
}

run "no_logs_statement_without_patterns" {
  command = plan

  variables {
    log_group_name_patterns = []
  }

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.key.json).Statement) == 1
    error_message = "Without log group patterns the key policy must hold only the account statement."
  }
}
