mock_provider "aws" {
  override_during = plan

  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id               = "a1b2c3d4e5"
      root_resource_id = "rootid0001"
      execution_arn    = "arn:aws:execute-api:us-west-2:123456789012:a1b2c3d4e5"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-west-2:123456789012:log-group:/aws/apigateway/crypto-pulse-analytics-dev-api/access"
    }
  }
}

variables {
  api_name             = "crypto-pulse-analytics-dev-api"
  lambda_function_name = "crypto-pulse-analytics-dev-api"
  lambda_invoke_arn    = "arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:us-west-2:123456789012:function:crypto-pulse-analytics-dev-api/invocations"
  kms_key_arn          = "arn:aws:kms:us-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
  cloudwatch_role_arn  = "arn:aws:iam::123456789012:role/crypto-pulse-analytics-dev-apigw-cloudwatch"
}

run "routes_follow_the_contract" {
  command = plan

  assert {
    condition     = aws_api_gateway_rest_api.this.name == "crypto-pulse-analytics-dev-api"
    error_message = "The REST API must be named <prefix>-api."
  }

  assert {
    condition     = toset(keys(aws_api_gateway_resource.top)) == toset(["scores", "alerts", "wallets"])
    error_message = "Top-level resources must be /scores, /alerts and /wallets."
  }

  assert {
    condition     = aws_api_gateway_resource.wallet.path_part == "{address}" && aws_api_gateway_resource.wallet_alerts.path_part == "alerts"
    error_message = "Wallet routes must be /wallets/{address} and /wallets/{address}/alerts."
  }

  assert {
    condition     = alltrue([for m in aws_api_gateway_method.get : m.http_method == "GET" && m.api_key_required])
    error_message = "Every route must be GET and require an API key."
  }

  assert {
    condition     = aws_api_gateway_method.get["wallet"].request_parameters["method.request.path.address"] && aws_api_gateway_method.get["wallet_alerts"].request_parameters["method.request.path.address"]
    error_message = "The address path parameter must be required (and validated)."
  }

  assert {
    condition     = alltrue([for i in aws_api_gateway_integration.get : i.type == "AWS_PROXY" && i.integration_http_method == "POST" && i.uri == var.lambda_invoke_arn])
    error_message = "Every route must be a Lambda proxy integration of the api function."
  }

  assert {
    condition     = aws_lambda_permission.api.source_arn == "arn:aws:execute-api:us-west-2:123456789012:a1b2c3d4e5/v1/GET/*"
    error_message = "Only GET methods of the v1 stage may invoke the function."
  }
}

run "stage_is_throttled_logged_and_traced" {
  command = plan

  assert {
    condition     = aws_api_gateway_stage.this.stage_name == "v1" && aws_api_gateway_stage.this.xray_tracing_enabled && !aws_api_gateway_stage.this.cache_cluster_enabled
    error_message = "Stage v1 must trace with X-Ray and have no cache cluster."
  }

  assert {
    condition     = aws_api_gateway_method_settings.all.method_path == "*/*"
    error_message = "Method settings must apply to every method."
  }

  assert {
    condition = (
      aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 20 &&
      aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 10 &&
      aws_api_gateway_method_settings.all.settings[0].metrics_enabled &&
      aws_api_gateway_method_settings.all.settings[0].logging_level == "ERROR" &&
      !aws_api_gateway_method_settings.all.settings[0].data_trace_enabled &&
      !aws_api_gateway_method_settings.all.settings[0].caching_enabled
    )
    error_message = "Stage-wide throttling, metrics and error logging must be on; data trace and caching off."
  }

  assert {
    condition     = jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format).requestId == "$context.requestId"
    error_message = "Access logs must be JSON."
  }

  assert {
    condition     = aws_api_gateway_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access.arn
    error_message = "Access logs must go to the module's log group."
  }

  assert {
    condition     = aws_cloudwatch_log_group.access.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.execution.kms_key_id == var.kms_key_arn
    error_message = "Both log groups must be encrypted with the CMK."
  }

  assert {
    condition     = aws_cloudwatch_log_group.execution.name == "API-Gateway-Execution-Logs_a1b2c3d4e5/v1"
    error_message = "The execution log group must be pre-created under API Gateway's name."
  }

  assert {
    condition     = aws_api_gateway_account.this[0].cloudwatch_role_arn == var.cloudwatch_role_arn
    error_message = "The account must use the CloudWatch role."
  }
}

run "usage_plan_has_throttle_quota_and_a_key" {
  command = plan

  assert {
    condition = (
      aws_api_gateway_usage_plan.this.throttle_settings[0].rate_limit == 5 &&
      aws_api_gateway_usage_plan.this.throttle_settings[0].burst_limit == 10 &&
      aws_api_gateway_usage_plan.this.quota_settings[0].limit == 10000 &&
      aws_api_gateway_usage_plan.this.quota_settings[0].period == "DAY"
    )
    error_message = "The usage plan must throttle per key and enforce a daily quota."
  }

  assert {
    condition     = aws_api_gateway_usage_plan_key.client.key_type == "API_KEY" && aws_api_gateway_api_key.client.enabled
    error_message = "The client key must be enabled and in the usage plan."
  }
}

run "account_settings_can_be_left_to_another_stack" {
  command = plan

  variables {
    manage_account_settings = false
    cloudwatch_role_arn     = null
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0
    error_message = "No account settings when manage_account_settings is false."
  }
}

run "account_settings_need_a_role" {
  command = plan

  variables {
    cloudwatch_role_arn = null
  }

  expect_failures = [aws_api_gateway_account.this]
}

run "rejects_bad_api_name" {
  command = plan

  variables {
    api_name = "UPPER"
  }

  expect_failures = [var.api_name]
}

run "rejects_bad_stage_name" {
  command = plan

  variables {
    stage_name = "v-1"
  }

  expect_failures = [var.stage_name]
}

run "rejects_function_arn_as_invoke_arn" {
  command = plan

  variables {
    lambda_invoke_arn = "arn:aws:lambda:us-west-2:123456789012:function:crypto-pulse-analytics-dev-api"
  }

  expect_failures = [var.lambda_invoke_arn]
}

run "rejects_bad_function_name" {
  command = plan

  variables {
    lambda_function_name = "bad name"
  }

  expect_failures = [var.lambda_function_name]
}

run "rejects_zero_rate" {
  command = plan

  variables {
    throttling_rate_limit = 0
  }

  expect_failures = [var.throttling_rate_limit]
}

run "rejects_bad_burst" {
  command = plan

  variables {
    throttling_burst_limit = 0.5
  }

  expect_failures = [var.throttling_burst_limit]
}

run "rejects_bad_usage_plan_rate" {
  command = plan

  variables {
    usage_plan_rate_limit = -1
  }

  expect_failures = [var.usage_plan_rate_limit]
}

run "rejects_bad_usage_plan_burst" {
  command = plan

  variables {
    usage_plan_burst_limit = 0
  }

  expect_failures = [var.usage_plan_burst_limit]
}

run "rejects_bad_quota" {
  command = plan

  variables {
    quota_limit = 0
  }

  expect_failures = [var.quota_limit]
}

run "rejects_bad_quota_period" {
  command = plan

  variables {
    quota_period = "HOUR"
  }

  expect_failures = [var.quota_period]
}

run "rejects_bad_logging_level" {
  command = plan

  variables {
    logging_level = "DEBUG"
  }

  expect_failures = [var.logging_level]
}

run "rejects_bad_retention" {
  command = plan

  variables {
    log_retention_days = 2
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_bad_kms_key" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/logs"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_bad_cloudwatch_role" {
  command = plan

  variables {
    cloudwatch_role_arn = "apigw-cloudwatch"
  }

  expect_failures = [var.cloudwatch_role_arn]
}
