# The whole stack planned by the REAL provider, configured to make no network call: static fake
# credentials, no account-id lookup, no metadata API. Planning new resources calls no AWS API;
# the caller-identity data sources would, so they are overridden. This catches what the mocked
# composition test cannot: the provider's own plan-time validation of every argument.
provider "aws" {
  region                      = "us-west-2"
  access_key                  = "offline-test"
  secret_key                  = "offline-test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  # Same tags as providers.tf (a test file's provider block replaces the root's).
  default_tags {
    tags = {
      Project     = "crypto-pulse-analytics"
      Environment = "dev"
      ManagedBy   = "terraform"
      CostCenter  = "portfolio"
    }
  }
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

override_data {
  target = module.alerts_store.data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:root"
    id         = "123456789012"
    user_id    = "AIDAOFFLINETEST"
  }
}

override_data {
  target = module.iam.data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:root"
    id         = "123456789012"
    user_id    = "AIDAOFFLINETEST"
  }
}

override_data {
  target = module.kinesis.data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:root"
    id         = "123456789012"
    user_id    = "AIDAOFFLINETEST"
  }
}

override_data {
  target = module.speed_layer.data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:root"
    id         = "123456789012"
    user_id    = "AIDAOFFLINETEST"
  }
}

override_data {
  target = module.api_function.data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:root"
    id         = "123456789012"
    user_id    = "AIDAOFFLINETEST"
  }
}

override_data {
  target = module.score_loader.data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:root"
    id         = "123456789012"
    user_id    = "AIDAOFFLINETEST"
  }
}

override_data {
  target = module.monitoring.data.aws_caller_identity.current
  values = {
    account_id = "123456789012"
    arn        = "arn:aws:iam::123456789012:root"
    id         = "123456789012"
    user_id    = "AIDAOFFLINETEST"
  }
}

variables {
  speed_layer_package  = "build/lambda/speed-layer.zip"
  api_package          = "build/lambda/api.zip"
  score_loader_package = "build/lambda/score-loader.zip"
  github_repository    = "coattail/crypto-pulse-analytics"
}

run "whole_stack_plans_with_the_real_provider" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  assert {
    condition     = output.trades_stream_name == "crypto-pulse-analytics-dev-trades"
    error_message = "The plan must evaluate the outputs."
  }
}

run "stopped_stack_plans_with_the_real_provider" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  variables {
    streaming_enabled = false
  }

  assert {
    condition     = output.trades_stream_arn == null && output.speed_layer_event_source_mapping_uuid == null && output.firehose_delivery_stream_name == null
    error_message = "Streaming off: no stream, mapping or Firehose."
  }
}
