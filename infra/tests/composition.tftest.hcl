# Root composition with a mocked AWS provider: every run plans the whole stack offline.
# Computed ARNs are mocked with well-formed values (the same one for every instance of a type),
# so the modules' ARN validations pass; names come from the configuration and are real.

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:root"
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

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
      key_id = "00000000-0000-0000-0000-000000000000"
    }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::crypto-pulse-analytics-dev-mock-123456789012"
    }
  }

  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn = "arn:aws:dynamodb:us-west-2:123456789012:table/crypto-pulse-analytics-dev-mock"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:us-west-2:123456789012:crypto-pulse-analytics-dev-mock"
      url = "https://sqs.us-west-2.amazonaws.com/123456789012/crypto-pulse-analytics-dev-mock"
    }
  }

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms"
    }
  }

  mock_resource "aws_kinesis_stream" {
    defaults = {
      arn = "arn:aws:kinesis:us-west-2:123456789012:stream/crypto-pulse-analytics-dev-trades"
    }
  }

  mock_resource "aws_kinesis_firehose_delivery_stream" {
    defaults = {
      arn = "arn:aws:firehose:us-west-2:123456789012:deliverystream/crypto-pulse-analytics-dev-trades-to-raw"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/crypto-pulse-analytics-dev-mock"
    }
  }

  mock_resource "aws_iam_policy" {
    defaults = {
      arn = "arn:aws:iam::123456789012:policy/crypto-pulse-analytics-dev-mock"
    }
  }

  mock_resource "aws_iam_openid_connect_provider" {
    defaults = {
      arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    }
  }

  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:us-west-2:123456789012:function:crypto-pulse-analytics-dev-mock"
      invoke_arn = "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:crypto-pulse-analytics-dev-mock/invocations"
    }
  }

  mock_resource "aws_lambda_event_source_mapping" {
    defaults = {
      uuid = "11111111-2222-3333-4444-555555555555"
      arn  = "arn:aws:lambda:us-west-2:123456789012:event-source-mapping:11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-west-2:123456789012:log-group:mock"
    }
  }

  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id               = "a1b2c3d4e5"
      root_resource_id = "rootid0001"
      execution_arn    = "arn:aws:execute-api:us-west-2:123456789012:a1b2c3d4e5"
    }
  }

  mock_resource "aws_api_gateway_stage" {
    defaults = {
      invoke_url = "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/v1"
    }
  }

  mock_resource "aws_api_gateway_api_key" {
    defaults = {
      id = "k1l2m3n4o5"
    }
  }

  mock_resource "aws_emrserverless_application" {
    defaults = {
      id  = "00fabcdef1234567"
      arn = "arn:aws:emr-serverless:us-west-2:123456789012:/applications/00fabcdef1234567"
    }
  }

  mock_resource "aws_glue_catalog_database" {
    defaults = {
      arn = "arn:aws:glue:us-west-2:123456789012:database/crypto_pulse_analytics_dev_lake"
    }
  }
}

# These package paths do not exist (a plan needs no built handler), so every plan below expects
# the root check "lambda_packages_built" to warn (it fails only an apply).
variables {
  speed_layer_package  = "build/lambda/speed-layer.zip"
  api_package          = "build/lambda/api.zip"
  score_loader_package = "build/lambda/score-loader.zip"
}

run "default_tags_are_the_project_tags" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  assert {
    condition = local.default_tags == {
      Project     = "crypto-pulse-analytics"
      Environment = "dev"
      ManagedBy   = "terraform"
      CostCenter  = "portfolio"
    }
    error_message = "The provider's default_tags must be Project, Environment, ManagedBy and CostCenter with the project's values."
  }

  assert {
    condition     = output.name_prefix == "crypto-pulse-analytics-dev" && output.region == "us-west-2"
    error_message = "Defaults: prefix crypto-pulse-analytics-dev in us-west-2."
  }
}

run "extra_tags_are_added_not_overriding" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  variables {
    extra_tags = { Owner = "data-team" }
  }

  assert {
    condition     = local.default_tags["Owner"] == "data-team" && local.default_tags["Project"] == "crypto-pulse-analytics"
    error_message = "extra_tags must be merged into the default tags."
  }
}

run "streaming_on_creates_streams_firehose_and_mapping" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  assert {
    condition     = output.streaming_enabled && output.trades_stream_arn != null && output.dead_letter_stream_arn != null
    error_message = "With streaming on both streams must exist."
  }

  assert {
    condition     = output.firehose_delivery_stream_name == "crypto-pulse-analytics-dev-trades-to-raw"
    error_message = "With streaming on Firehose must exist."
  }

  assert {
    condition     = output.speed_layer_event_source_mapping_uuid != null && module.speed_layer.event_source_mapping_arn != null
    error_message = "With streaming on the speed layer must be mapped to the trades stream."
  }

  assert {
    condition     = length(module.kinesis.alarm_arns) > 0
    error_message = "With streaming on the stream alarms must exist."
  }
}

run "streaming_off_leaves_no_hourly_billed_resource_and_outputs_still_evaluate" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  variables {
    streaming_enabled = false
  }

  assert {
    condition     = !output.streaming_enabled && output.trades_stream_arn == null && output.dead_letter_stream_arn == null
    error_message = "With streaming off no Kinesis stream may exist."
  }

  assert {
    condition     = output.firehose_delivery_stream_name == null
    error_message = "With streaming off Firehose must not exist."
  }

  assert {
    condition     = output.speed_layer_event_source_mapping_uuid == null && module.speed_layer.event_source_mapping_arn == null
    error_message = "With streaming off the event source mapping must not exist."
  }

  assert {
    condition     = length(module.kinesis.alarm_arns) == 0
    error_message = "With streaming off the stream alarms must not exist."
  }

  # What survives: names, storage, serving, monitoring.
  assert {
    condition     = output.trades_stream_name == "crypto-pulse-analytics-dev-trades" && output.dead_letter_stream_name == "crypto-pulse-analytics-dev-dead-letter"
    error_message = "Stream names must still be output (they come back with the same names)."
  }

  assert {
    condition = alltrue([
      output.alerts_table_name == "crypto-pulse-analytics-dev-alerts",
      output.scores_table_name == "crypto-pulse-analytics-dev-whale-scores",
      output.api_invoke_url != null,
      output.dashboard_url != null,
      output.emr_application_id != null,
      output.glue_database_name == "crypto_pulse_analytics_dev_lake",
      output.athena_workgroup_name == "crypto-pulse-analytics-dev-analytics",
      output.producer_role_arn != null,
    ])
    error_message = "Tables, API, dashboard, Spark application, catalog, workgroup and roles must survive a stop."
  }

  assert {
    condition     = aws_ssm_parameter.config["trades_stream"].value == "crypto-pulse-analytics-dev-trades"
    error_message = "The configuration keeps the stream names while streaming is off."
  }
}

run "outputs_exist" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  assert {
    condition = alltrue([for v in [
      output.account_id, output.trades_stream_name, output.streams_kms_key_arn, output.warehouse_s3_uri,
      output.artifacts_s3_uri, output.glue_database_name, output.athena_workgroup_name,
      output.emr_application_id, output.emr_execution_role_arn, output.spark_submit_parameters,
      output.emr_configuration_overrides_json, output.alerts_table_arn, output.scores_table_arn,
      output.speed_layer_dlq_url, output.api_invoke_url, output.api_key_id, output.config_parameter_path,
      output.producer_role_arn, output.producer_instance_profile_name, output.dashboard_url,
      output.alarm_topic_arn, output.budget_name,
    ] : v != null])
    error_message = "Every key output must have a value."
  }

  assert {
    condition     = toset(keys(output.bucket_names)) == toset(["raw", "processed", "checkpoints", "athena_results"])
    error_message = "All four buckets must be output."
  }

  assert {
    condition     = output.bucket_names["raw"] == "crypto-pulse-analytics-dev-raw-123456789012"
    error_message = "Bucket names follow <prefix>-<role>-<account_id>."
  }

  assert {
    condition     = toset(keys(output.lambda_function_arns)) == toset(["speed_layer", "api", "score_loader"])
    error_message = "All three functions must be output."
  }

  assert {
    condition     = output.github_plan_role_arn == null && output.github_apply_role_arn == null
    error_message = "Without github_repository there are no CI roles (outputs null)."
  }
}

run "functions_and_api_follow_the_contract" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  assert {
    condition = (
      module.speed_layer.function_name == "crypto-pulse-analytics-dev-speed-layer" &&
      module.api_function.function_name == "crypto-pulse-analytics-dev-api" &&
      module.score_loader.function_name == "crypto-pulse-analytics-dev-score-loader"
    )
    error_message = "Function names must follow the data contract."
  }

  assert {
    condition     = module.speed_layer.log_group_name == "/aws/lambda/crypto-pulse-analytics-dev-speed-layer"
    error_message = "Log groups must be /aws/lambda/<function>."
  }

  assert {
    condition     = module.api.rest_api_name == "crypto-pulse-analytics-dev-api" && module.api.stage_name == "v1"
    error_message = "The REST API must be <prefix>-api with stage v1."
  }

  assert {
    condition     = output.config_parameter_path == "/crypto-pulse-analytics-dev/config/"
    error_message = "The configuration lives under /<prefix>/config/."
  }
}

run "runtime_configuration_parameters" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  assert {
    condition = toset(keys(aws_ssm_parameter.config)) == toset([
      "trades_stream", "dead_letter_stream", "alerts_table", "scores_table", "raw_bucket",
      "processed_bucket", "checkpoint_bucket", "glue_database", "alert_min_usd", "smart_money_q",
      "min_resolved", "benchmark_token",
    ])
    error_message = "The SSM parameters must be those of the data contract."
  }

  assert {
    condition = alltrue([
      aws_ssm_parameter.config["alert_min_usd"].value == "250000",
      aws_ssm_parameter.config["smart_money_q"].value == "0.05",
      aws_ssm_parameter.config["min_resolved"].value == "30",
      aws_ssm_parameter.config["benchmark_token"].value == "ETH",
      aws_ssm_parameter.config["checkpoint_bucket"].value == "crypto-pulse-analytics-dev-checkpoints-123456789012",
    ])
    error_message = "Default thresholds and names must match the data contract."
  }

  assert {
    condition     = alltrue([for p in aws_ssm_parameter.config : p.type == "String" && startswith(p.name, "/crypto-pulse-analytics-dev/config/")])
    error_message = "Parameters are plain Strings (nothing secret) under /<prefix>/config/."
  }
}

run "athena_workgroup_is_enforced_encrypted_and_capped" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  assert {
    condition = (
      aws_athena_workgroup.analytics.configuration[0].enforce_workgroup_configuration &&
      aws_athena_workgroup.analytics.configuration[0].publish_cloudwatch_metrics_enabled &&
      aws_athena_workgroup.analytics.configuration[0].bytes_scanned_cutoff_per_query == 1073741824
    )
    error_message = "The workgroup must enforce its configuration, publish metrics and cap bytes scanned."
  }

  assert {
    condition     = aws_athena_workgroup.analytics.configuration[0].result_configuration[0].output_location == "s3://crypto-pulse-analytics-dev-athena-results-123456789012/results/"
    error_message = "Results must go to the athena-results bucket."
  }

  assert {
    condition     = aws_athena_workgroup.analytics.configuration[0].result_configuration[0].encryption_configuration[0].encryption_option == "SSE_S3"
    error_message = "Results must be encrypted (SSE_S3, as the bucket policy requires)."
  }
}

run "ci_roles_with_a_repository" {
  command         = plan
  expect_failures = [check.lambda_packages_built]

  variables {
    github_repository = "coattail/crypto-pulse-analytics"
  }

  assert {
    condition     = output.github_plan_role_arn != null && output.github_apply_role_arn != null
    error_message = "With github_repository both CI roles must exist."
  }
}

run "rejects_bad_region" {
  command = plan

  variables {
    region = "us-west"
  }

  expect_failures = [
    var.region,
    check.lambda_packages_built,
  ]
}

run "rejects_bad_project" {
  command = plan

  variables {
    project = "Crypto Pulse"
  }

  expect_failures = [
    var.project,
    check.lambda_packages_built,
  ]
}

run "rejects_bad_environment" {
  command = plan

  variables {
    environment = "development-1"
  }

  expect_failures = [
    var.environment,
    check.lambda_packages_built,
  ]
}

run "rejects_overriding_a_mandatory_tag" {
  command = plan

  variables {
    extra_tags = { Project = "other" }
  }

  expect_failures = [
    var.extra_tags,
    check.lambda_packages_built,
  ]
}

run "rejects_package_that_is_not_a_zip" {
  command = plan

  variables {
    api_package = "build/lambda/api"
  }

  # The check reads this variable, so it is not evaluated after the validation failure.
  expect_failures = [var.api_package]
}

run "rejects_bad_reserved_concurrency" {
  command = plan

  variables {
    lambda_reserved_concurrency = { speed_layer = -5, api = 5, score_loader = 2 }
  }

  expect_failures = [
    var.lambda_reserved_concurrency,
    check.lambda_packages_built,
  ]
}

run "rejects_tiny_athena_cutoff" {
  command = plan

  variables {
    athena_bytes_scanned_cutoff = 1024
  }

  expect_failures = [
    var.athena_bytes_scanned_cutoff,
    check.lambda_packages_built,
  ]
}

run "rejects_bad_q_value" {
  command = plan

  variables {
    smart_money_q = 1.5
  }

  expect_failures = [
    var.smart_money_q,
    check.lambda_packages_built,
  ]
}

run "rejects_bad_repository" {
  command = plan

  variables {
    github_repository = "crypto-pulse-analytics"
  }

  expect_failures = [
    var.github_repository,
    check.lambda_packages_built,
  ]
}

run "rejects_bad_alarm_email" {
  command = plan

  variables {
    alarm_email = "not-an-address"
  }

  expect_failures = [
    var.alarm_email,
    check.lambda_packages_built,
  ]
}

run "rejects_unbounded_record_age" {
  command = plan

  variables {
    speed_layer_maximum_record_age_seconds = -1
  }

  expect_failures = [
    var.speed_layer_maximum_record_age_seconds,
    check.lambda_packages_built,
  ]
}

run "rejects_bad_starting_position" {
  command = plan

  variables {
    speed_layer_starting_position = "AT_TIMESTAMP"
  }

  expect_failures = [
    var.speed_layer_starting_position,
    check.lambda_packages_built,
  ]
}

run "rejects_bad_emr_architecture" {
  command = plan

  variables {
    emr_architecture = "arm64"
  }

  expect_failures = [
    var.emr_architecture,
    check.lambda_packages_built,
  ]
}
