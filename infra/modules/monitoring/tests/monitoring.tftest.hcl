# Plan-only tests with a mocked AWS provider: they pin the encrypted alarm topic and its policies,
# the budget thresholds, the alarms and the metrics on the dashboard.
# Run: terraform init -backend=false -plugin-dir=/opt/tf-plugins && terraform test

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:user/test"
      user_id    = "AIDTEST"
    }
  }

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

  mock_resource "aws_kms_key" {
    override_during = plan
    defaults = {
      arn    = "arn:aws:kms:us-west-2:123456789012:key/99999999-8888-7777-6666-555555555555"
      key_id = "99999999-8888-7777-6666-555555555555"
    }
  }

  mock_resource "aws_sns_topic" {
    override_during = plan
    defaults = {
      arn = "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms"
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

run "topic_encrypted_with_customer_managed_key" {
  command = plan

  assert {
    condition     = aws_sns_topic.alarms.name == "crypto-pulse-analytics-dev-alarms"
    error_message = "Topic name must be <prefix>-alarms."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == aws_kms_key.alarms.arn
    error_message = "The topic must be encrypted with the module's customer managed key (not alias/aws/sns)."
  }

  assert {
    condition     = aws_kms_key.alarms.enable_key_rotation && aws_kms_alias.alarms.name == "alias/crypto-pulse-analytics-dev-alarms"
    error_message = "The topic key rotates and has the <prefix>-alarms alias."
  }
}

run "key_and_topic_policies_let_services_encrypt_and_publish" {
  command = plan

  providers = {
    aws = aws.offline
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
    condition     = jsondecode(aws_kms_key.alarms.policy) == jsondecode(data.aws_iam_policy_document.key.json)
    error_message = "The key uses the module's key policy document."
  }

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.key.json).Statement) == 4
    error_message = "The key policy has the account, CloudWatch, Budgets and EventBridge statements only."
  }
  assert {
    condition     = jsondecode(aws_sns_topic_policy.alarms.policy) == jsondecode(data.aws_iam_policy_document.topic.json)
    error_message = "The topic uses the module's topic policy document."
  }

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

run "budgets_alert_at_25_and_50_usd" {
  command = plan

  assert {
    condition = (
      aws_budgets_budget.monthly.budget_type == "COST" &&
      aws_budgets_budget.monthly.time_unit == "MONTHLY" &&
      tonumber(aws_budgets_budget.monthly.limit_amount) == 50 &&
      aws_budgets_budget.monthly.limit_unit == "USD"
    )
    error_message = "A monthly COST budget of 50 USD."
  }

  assert {
    condition = sort([
      for n in aws_budgets_budget.monthly.notification : tostring(n.threshold)
      if n.notification_type == "ACTUAL"
    ]) == sort(["25", "50"])
    error_message = "ACTUAL spend alerts at 25 and 50 USD."
  }

  assert {
    condition = alltrue([
      for n in aws_budgets_budget.monthly.notification :
      n.threshold_type == "ABSOLUTE_VALUE" && n.comparison_operator == "GREATER_THAN" &&
      contains(n.subscriber_sns_topic_arns, "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms")
    ])
    error_message = "Budget thresholds are absolute USD amounts and notify the alarm topic."
  }

  assert {
    condition = length([
      for n in aws_budgets_budget.monthly.notification : n
      if n.notification_type == "FORECASTED" && n.threshold == 50
    ]) == 1
    error_message = "A forecast alert at the budget limit."
  }
}

run "dynamodb_throttling_and_lambda_error_alarms" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.dynamodb_throttles) == 2
    error_message = "One throttling alarm per table."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.dynamodb_throttles :
      sort([for q in a.metric_query : q.metric[0].metric_name if length(q.metric) > 0]) == sort(["ReadThrottleEvents", "WriteThrottleEvents"]) &&
      a.threshold == 0 && a.comparison_operator == "GreaterThanThreshold" &&
      contains(a.alarm_actions, "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms")
    ])
    error_message = "DynamoDB alarms sum read and write throttle events and notify the topic."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dynamodb_throttles["crypto-pulse-analytics-dev-alerts"].alarm_name == "crypto-pulse-analytics-dev-ddb-throttles-alerts"
    error_message = "Alarm names start with the prefix (the topic policy matches alarm:<prefix>-*)."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.lambda_errors :
      a.metric_name == "Errors" && a.namespace == "AWS/Lambda" && startswith(a.alarm_name, "crypto-pulse-analytics-dev-")
    ]) && length(aws_cloudwatch_metric_alarm.lambda_errors) == 3
    error_message = "One Errors alarm per Lambda function."
  }
}

run "dashboard_contains_key_metrics" {
  command = plan

  assert {
    condition     = aws_cloudwatch_dashboard.overview.dashboard_name == "crypto-pulse-analytics-dev-overview"
    error_message = "Dashboard name must be <prefix>-overview."
  }

  assert {
    condition = alltrue([
      for m in [
        "IncomingRecords", "GetRecords.Records", "GetRecords.IteratorAgeMilliseconds",
        "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "PutRecords.ThrottledRecords",
        "DeliveryToS3.DataFreshness",
        "RunningJobs", "SuccessJobs", "FailedJobs", "CPUAllocated", "MemoryAllocated",
        "ReadThrottleEvents", "WriteThrottleEvents", "ThrottledRequests",
        "Errors", "Duration", "Throttles",
        "4XXError", "5XXError", "Latency",
      ] : strcontains(aws_cloudwatch_dashboard.overview.dashboard_body, "\"${m}\"") || strcontains(aws_cloudwatch_dashboard.overview.dashboard_body, "\\\"${m}\\\"")
    ])
    error_message = "The dashboard must chart Kinesis, Firehose, EMR Serverless, DynamoDB, Lambda and API Gateway metrics."
  }

  assert {
    condition = alltrue([
      for ns in ["AWS/Kinesis", "AWS/Firehose", "AWS/EMRServerless", "AWS/DynamoDB", "AWS/Lambda", "AWS/ApiGateway"] :
      strcontains(aws_cloudwatch_dashboard.overview.dashboard_body, ns)
    ])
    error_message = "All six namespaces are on the dashboard."
  }

  assert {
    condition = alltrue([
      for w in jsondecode(aws_cloudwatch_dashboard.overview.dashboard_body).widgets :
      w.type == "text" || try(w.properties.region, "") == "us-west-2"
    ])
    error_message = "Every metric widget names the region."
  }

  assert {
    condition     = output.dashboard_url == "https://us-west-2.console.aws.amazon.com/cloudwatch/home?region=us-west-2#dashboards/dashboard/crypto-pulse-analytics-dev-overview"
    error_message = "dashboard_url must open the dashboard."
  }
}

run "streaming_off_drops_stream_widgets" {
  command = plan

  variables {
    trades_stream_name            = null
    dead_letter_stream_name       = null
    firehose_delivery_stream_name = null
    emr_application_id            = null
    api_gateway_name              = null
    dynamodb_table_names          = []
    lambda_function_names         = []
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.overview.dashboard_body).widgets) == 1
    error_message = "Only the header widget is left without any inputs."
  }

  assert {
    condition     = !strcontains(aws_cloudwatch_dashboard.overview.dashboard_body, "AWS/Kinesis")
    error_message = "No Kinesis widgets while streaming is off."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.dynamodb_throttles) == 0 && length(aws_cloudwatch_metric_alarm.lambda_errors) == 0
    error_message = "No alarms without tables/functions."
  }

  assert {
    condition     = output.alarm_arns == {}
    error_message = "alarm_arns is empty without alarms."
  }
}

run "optional_email_subscription" {
  command = plan

  variables {
    alarm_email = "ops@example.com"
  }

  assert {
    condition     = aws_sns_topic_subscription.email[0].protocol == "email" && aws_sns_topic_subscription.email[0].endpoint == "ops@example.com"
    error_message = "alarm_email subscribes an e-mail endpoint."
  }
}

run "no_email_subscription_by_default" {
  command = plan

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0 && output.email_subscription_arn == null
    error_message = "No e-mail subscription unless alarm_email is set."
  }
}

run "lambda_alarms_can_be_disabled" {
  command = plan

  variables {
    lambda_error_alarms_enabled = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.lambda_errors) == 0
    error_message = "lambda_error_alarms_enabled = false creates no Lambda alarms."
  }
}

# ---------------------------------------------------------------------------------------------
# Validations and preconditions
# ---------------------------------------------------------------------------------------------

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

run "rejects_bad_email" {
  command = plan

  variables {
    alarm_email = "not-an-email"
  }

  expect_failures = [var.alarm_email]
}

run "rejects_bad_deletion_window" {
  command = plan

  variables {
    kms_deletion_window_in_days = 31
  }

  expect_failures = [var.kms_deletion_window_in_days]
}

run "rejects_zero_budget" {
  command = plan

  variables {
    budget_limit_usd = 0
  }

  expect_failures = [var.budget_limit_usd]
}

run "rejects_too_many_thresholds" {
  command = plan

  variables {
    budget_alert_thresholds_usd = [10, 20, 30, 40, 50]
  }

  expect_failures = [var.budget_alert_thresholds_usd]
}

run "rejects_non_positive_threshold" {
  command = plan

  variables {
    budget_alert_thresholds_usd = [0, 50]
  }

  expect_failures = [var.budget_alert_thresholds_usd]
}

run "rejects_threshold_above_limit" {
  command = plan

  variables {
    budget_alert_thresholds_usd = [25, 75]
  }

  expect_failures = [aws_budgets_budget.monthly]
}

run "rejects_bad_table_name" {
  command = plan

  variables {
    dynamodb_table_names = ["bad table"]
  }

  expect_failures = [var.dynamodb_table_names]
}

run "rejects_negative_dynamodb_threshold" {
  command = plan

  variables {
    dynamodb_throttle_threshold = -1
  }

  expect_failures = [var.dynamodb_throttle_threshold]
}

run "rejects_bad_function_name" {
  command = plan

  variables {
    lambda_function_names = ["bad:name"]
  }

  expect_failures = [var.lambda_function_names]
}

run "rejects_negative_lambda_threshold" {
  command = plan

  variables {
    lambda_error_threshold = -5
  }

  expect_failures = [var.lambda_error_threshold]
}

run "rejects_bad_stage_name" {
  command = plan

  variables {
    api_gateway_stage_name = "v1/prod"
  }

  expect_failures = [var.api_gateway_stage_name]
}

run "rejects_bad_trades_stream_name" {
  command = plan

  variables {
    trades_stream_name = "bad stream"
  }

  expect_failures = [var.trades_stream_name]
}

run "rejects_bad_dead_letter_stream_name" {
  command = plan

  variables {
    dead_letter_stream_name = "bad/stream"
  }

  expect_failures = [var.dead_letter_stream_name]
}

run "rejects_bad_firehose_name" {
  command = plan

  variables {
    firehose_delivery_stream_name = "bad firehose"
  }

  expect_failures = [var.firehose_delivery_stream_name]
}

run "rejects_bad_emr_application_id" {
  command = plan

  variables {
    emr_application_id = "App-ID"
  }

  expect_failures = [var.emr_application_id]
}

run "rejects_bad_api_name" {
  command = plan

  variables {
    api_gateway_name = "bad\"name"
  }

  expect_failures = [var.api_gateway_name]
}
