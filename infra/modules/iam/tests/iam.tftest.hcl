mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock"
    }
  }

  mock_resource "aws_iam_policy" {
    defaults = {
      arn = "arn:aws:iam::123456789012:policy/mock"
    }
  }

  mock_resource "aws_iam_openid_connect_provider" {
    defaults = {
      arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    }
  }
}

variables {
  name_prefix            = "crypto-pulse-analytics-dev"
  region                 = "us-west-2"
  trades_stream_arn      = "arn:aws:kinesis:us-west-2:123456789012:stream/crypto-pulse-analytics-dev-trades"
  dead_letter_stream_arn = "arn:aws:kinesis:us-west-2:123456789012:stream/crypto-pulse-analytics-dev-dead-letter"
  streams_kms_key_arn    = "arn:aws:kms:us-west-2:123456789012:key/11111111-1111-1111-1111-111111111111"
  app_kms_key_arn        = "arn:aws:kms:us-west-2:123456789012:key/22222222-2222-2222-2222-222222222222"
  raw_bucket_arn         = "arn:aws:s3:::crypto-pulse-analytics-dev-raw-123456789012"
  processed_bucket_arn   = "arn:aws:s3:::crypto-pulse-analytics-dev-processed-123456789012"
  checkpoint_bucket_arn  = "arn:aws:s3:::crypto-pulse-analytics-dev-checkpoints-123456789012"
  alerts_table_arn       = "arn:aws:dynamodb:us-west-2:123456789012:table/crypto-pulse-analytics-dev-alerts"
  scores_table_arn       = "arn:aws:dynamodb:us-west-2:123456789012:table/crypto-pulse-analytics-dev-whale-scores"
  speed_layer_dlq_arn    = "arn:aws:sqs:us-west-2:123456789012:crypto-pulse-analytics-dev-speed-layer-dlq"
  score_loader_dlq_arn   = "arn:aws:sqs:us-west-2:123456789012:crypto-pulse-analytics-dev-score-loader-dlq"
  glue_database_name     = "crypto_pulse_analytics_dev_lake"
  function_names = {
    speed_layer  = "crypto-pulse-analytics-dev-speed-layer"
    api          = "crypto-pulse-analytics-dev-api"
    score_loader = "crypto-pulse-analytics-dev-score-loader"
  }
}

run "roles_follow_the_naming_contract" {
  command = plan

  assert {
    condition     = aws_iam_role.emr_execution.name == "crypto-pulse-analytics-dev-emr-execution"
    error_message = "EMR role name must be <prefix>-emr-execution."
  }

  assert {
    condition = (
      aws_iam_role.lambda["speed_layer"].name == "crypto-pulse-analytics-dev-speed-layer" &&
      aws_iam_role.lambda["api"].name == "crypto-pulse-analytics-dev-api" &&
      aws_iam_role.lambda["score_loader"].name == "crypto-pulse-analytics-dev-score-loader"
    )
    error_message = "Lambda roles must be named like their functions."
  }

  assert {
    condition     = aws_iam_instance_profile.producer.role == aws_iam_role.producer.name
    error_message = "The producer instance profile must carry the producer role."
  }

  assert {
    condition     = alltrue([for r in concat([aws_iam_role.emr_execution, aws_iam_role.firehose, aws_iam_role.producer, aws_iam_role.apigw_cloudwatch], values(aws_iam_role.lambda)) : r.max_session_duration == 3600])
    error_message = "Sessions must last at most an hour."
  }
}

run "no_ci_roles_without_a_repository" {
  command = plan

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && length(aws_iam_role.github_plan) == 0 && length(aws_iam_role.github_apply) == 0 && length(aws_iam_policy.ci) == 0
    error_message = "Without github_repository no OIDC provider or CI role may be created."
  }

  assert {
    condition     = output.github_plan_role_arn == null && output.github_apply_role_arn == null && output.github_oidc_provider_arn == null
    error_message = "The CI outputs must evaluate to null without a repository."
  }
}

run "ci_roles_with_a_repository" {
  command = plan

  variables {
    github_repository = "coattail/crypto-pulse-analytics"
    state_bucket_name = "crypto-pulse-analytics-tfstate-123456789012"
    lock_table_name   = "crypto-pulse-analytics-tflock"
  }

  assert {
    condition     = aws_iam_openid_connect_provider.github[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The OIDC provider must be GitHub's with audience sts.amazonaws.com."
  }

  assert {
    condition     = length(aws_iam_policy.ci) == 4 && length(aws_iam_role_policy_attachment.github_apply) == 4 && length(aws_iam_role_policy_attachment.github_plan_read) == 1
    error_message = "The plan role gets the read policy; the apply role gets read + three apply policies."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.github_plan_read[0].policy_arn == aws_iam_policy.ci["read"].arn
    error_message = "The plan role must only get the read policy."
  }
}

run "existing_oidc_provider_can_be_reused" {
  command = plan

  variables {
    github_repository           = "coattail/crypto-pulse-analytics"
    state_bucket_name           = "crypto-pulse-analytics-tfstate-123456789012"
    lock_table_name             = "crypto-pulse-analytics-tflock"
    create_github_oidc_provider = false
    github_oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && output.github_oidc_provider_arn == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    error_message = "An existing provider must be used instead of creating one."
  }
}

run "ci_roles_need_the_state_names" {
  command = plan

  variables {
    github_repository = "coattail/crypto-pulse-analytics"
  }

  expect_failures = [aws_iam_role.github_plan]
}

run "rejects_bad_repository" {
  command = plan

  variables {
    github_repository = "https://github.com/coattail/crypto-pulse-analytics"
  }

  expect_failures = [var.github_repository]
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "a"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_bad_region" {
  command = plan

  variables {
    region = "US-WEST-2"
  }

  expect_failures = [var.region]
}

run "rejects_bad_stream_arn" {
  command = plan

  variables {
    trades_stream_arn = "crypto-pulse-analytics-dev-trades"
  }

  expect_failures = [var.trades_stream_arn]
}

run "rejects_alias_instead_of_key" {
  command = plan

  variables {
    app_kms_key_arn = "arn:aws:kms:us-west-2:123456789012:alias/crypto-pulse-analytics-dev-app"
  }

  expect_failures = [var.app_kms_key_arn]
}

run "rejects_bad_bucket_arn" {
  command = plan

  variables {
    raw_bucket_arn = "s3://crypto-pulse-analytics-dev-raw-123456789012"
  }

  expect_failures = [var.raw_bucket_arn]
}

run "rejects_bad_table_arn" {
  command = plan

  variables {
    scores_table_arn = "crypto-pulse-analytics-dev-whale-scores"
  }

  expect_failures = [var.scores_table_arn]
}

run "rejects_bad_queue_arn" {
  command = plan

  variables {
    speed_layer_dlq_arn = "https://sqs.us-west-2.amazonaws.com/123456789012/x"
  }

  expect_failures = [var.speed_layer_dlq_arn]
}

run "rejects_bad_glue_database" {
  command = plan

  variables {
    glue_database_name = "crypto-pulse-analytics-dev-lake"
  }

  expect_failures = [var.glue_database_name]
}

run "rejects_aws_metrics_namespace" {
  command = plan

  variables {
    metrics_namespace = "AWS/Lambda"
  }

  expect_failures = [var.metrics_namespace]
}

run "rejects_unknown_producer_service" {
  command = plan

  variables {
    producer_trusted_services = ["lambda.amazonaws.com"]
  }

  expect_failures = [var.producer_trusted_services]
}

run "rejects_bad_producer_principal" {
  command = plan

  variables {
    producer_trusted_principal_arns = ["*"]
  }

  expect_failures = [var.producer_trusted_principal_arns]
}

run "rejects_bad_thumbprint" {
  command = plan

  variables {
    github_oidc_thumbprints = ["not-a-thumbprint"]
  }

  expect_failures = [var.github_oidc_thumbprints]
}

run "rejects_bad_prefixes" {
  command = plan

  variables {
    score_snapshot_prefix = "publish/whale_scores"
  }

  expect_failures = [var.score_snapshot_prefix]
}

run "rejects_bad_kms_list" {
  command = plan

  variables {
    emr_kms_key_arns = ["alias/aws/s3"]
  }

  expect_failures = [var.emr_kms_key_arns]
}

run "rejects_bad_oidc_provider_arn" {
  command = plan

  variables {
    github_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/example.com"
  }

  expect_failures = [var.github_oidc_provider_arn]
}
