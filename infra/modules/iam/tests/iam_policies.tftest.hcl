# Policy contents are computed by the real provider, configured to make no network call (static
# fake credentials, no account-id lookup, no metadata API): planning new resources calls no AWS
# API. Only the caller-identity data source would, so it is overridden.
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
  github_repository = "coattail/crypto-pulse-analytics"
  state_bucket_name = "crypto-pulse-analytics-tfstate-123456789012"
  lock_table_name   = "crypto-pulse-analytics-tflock"

  # A known provider ARN keeps the trust policies computable at plan time.
  create_github_oidc_provider = false
  github_oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
}

run "emr_role_has_no_kinesis_or_dynamodb_access" {
  command = plan

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.emr_execution.json).Statement :
      alltrue([for a in flatten([s.Action]) : !startswith(a, "kinesis:") && !startswith(a, "dynamodb:")])
    ])
    error_message = "The EMR role must not reach Kinesis or DynamoDB (Spark reads and publishes through S3)."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.emr_execution.json).Statement :
      alltrue([for r in flatten([s.Resource]) : r != "*"])
    ])
    error_message = "Every EMR statement must be scoped to ARNs."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.emr_execution.json).Statement : flatten([s.Resource])
      if s.Sid == "ReadRawLanding"
    ]) == ["arn:aws:s3:::crypto-pulse-analytics-dev-raw-123456789012/*"]
    error_message = "The EMR role reads the raw bucket only."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.emr_assume.json).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "Only EMR Serverless of our account may assume the role."
  }
}

run "lambda_roles_are_scoped" {
  command = plan

  # "*" only where AWS offers no resource-level permission, and then with a comment in the code.
  assert {
    condition = alltrue(flatten([
      for k in ["speed_layer", "api", "score_loader"] : [
        for s in jsondecode(local.lambda_policies[k]).Statement :
        s.Sid == "XRayTraces" || s.Sid == "CustomMetricsInOurNamespace" || alltrue([for r in flatten([s.Resource]) : r != "*"])
      ]
    ]))
    error_message = "Lambda statements other than X-Ray and PutMetricData must be scoped to ARNs."
  }

  assert {
    condition = one([
      for s in jsondecode(local.lambda_policies["speed_layer"]).Statement : s
      if s.Sid == "CustomMetricsInOurNamespace"
    ]).Condition.StringEquals["cloudwatch:namespace"] == "CoatTail"
    error_message = "PutMetricData must be limited to our namespace."
  }

  assert {
    condition = one([
      for s in jsondecode(local.lambda_policies["speed_layer"]).Statement : flatten([s.Resource])
      if s.Sid == "ReadTradesStream"
    ]) == [var.trades_stream_arn]
    error_message = "The speed layer reads only the trades stream."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(local.lambda_policies["speed_layer"]).Statement : flatten([s.Action])
      if s.Sid == "WriteAlerts"
    ])) == toset(["dynamodb:PutItem", "dynamodb:BatchWriteItem"])
    error_message = "The speed layer writes alerts with PutItem/BatchWriteItem only."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(local.lambda_policies["api"]).Statement :
      alltrue([for a in flatten([s.Action]) : !contains(["dynamodb:PutItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], a)])
    ])
    error_message = "The api function must not write to DynamoDB."
  }

  assert {
    condition = one([
      for s in jsondecode(local.lambda_policies["score_loader"]).Statement : flatten([s.Resource])
      if s.Sid == "ReadScoreSnapshots"
    ]) == ["arn:aws:s3:::crypto-pulse-analytics-dev-processed-123456789012/publish/whale_scores/*"]
    error_message = "The score-loader reads only the publish/whale_scores/ prefix."
  }

  assert {
    condition = one([
      for s in jsondecode(local.lambda_policies["score_loader"]).Statement : flatten([s.Resource])
      if s.Sid == "WriteScores"
    ]) == [var.scores_table_arn]
    error_message = "The score-loader writes only the scores table."
  }
}

run "producer_trusts_services_and_mfa_principals" {
  command = plan

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.producer_assume.json).Statement : s
      if s.Sid == "LocalPrincipals"
    ]).Principal.AWS == "arn:aws:iam::123456789012:root"
    error_message = "By default the producer is assumable by principals of this account."
  }

  assert {
    condition = one([
      for s in jsondecode(data.aws_iam_policy_document.producer_assume.json).Statement : s
      if s.Sid == "LocalPrincipals"
    ]).Condition.Bool["aws:MultiFactorAuthPresent"] == "true"
    error_message = "Human principals need MFA by default."
  }

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.producer_assume.json).Statement) == 3
    error_message = "EC2, ECS tasks and local principals must be trusted."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(data.aws_iam_policy_document.producer.json).Statement : flatten([s.Resource])
      if s.Sid == "PutTradesAndDeadLetters"
    ])) == toset([var.trades_stream_arn, var.dead_letter_stream_arn])
    error_message = "The producer writes the trades and dead-letter streams only."
  }
}

run "github_roles_trust_only_this_repository" {
  command = plan

  assert {
    condition = toset(jsondecode(data.aws_iam_policy_document.github_plan_assume[0].json).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]) == toset([
      "repo:coattail/crypto-pulse-analytics:pull_request",
      "repo:coattail/crypto-pulse-analytics:ref:refs/heads/main",
    ])
    error_message = "The plan role trusts pull requests and the main branch of the repository."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.github_apply_assume[0].json).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:coattail/crypto-pulse-analytics:environment:production"
    error_message = "The apply role trusts only the protected environment."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.github_apply_assume[0].json).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    error_message = "The audience must be sts.amazonaws.com."
  }
}

run "ci_policies_fit_the_managed_policy_size_limit" {
  command = plan

  assert {
    condition     = alltrue([for k, j in local.ci_policies : length(replace(j, "/\\s/", "")) <= 6144])
    error_message = "Each CI managed policy must stay under 6,144 characters (without whitespace)."
  }

  assert {
    condition     = alltrue([for k, j in local.lambda_policies : length(replace(j, "/\\s/", "")) <= 10240])
    error_message = "Each inline policy must stay under 10,240 characters."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(local.ci_policies["read"]).Statement :
      alltrue([for a in flatten([s.Action]) : length(regexall(":(Get|List|Describe|View|GET)", a)) > 0]) || contains(["StateLock"], s.Sid)
    ])
    error_message = "The read policy may only read (plus the state lock)."
  }

  assert {
    condition = alltrue(flatten([
      for k, j in local.ci_policies : [
        for s in jsondecode(j).Statement :
        alltrue([for r in flatten([s.Resource]) : r != "*"]) || contains(["ListWithoutResourceLevelPermissions", "ManageMappingsOfOurFunctions", "CreateTaggedKeys"], s.Sid)
      ]
    ]))
    error_message = "A CI statement with Resource \"*\" must be one of the reviewed exceptions."
  }

  assert {
    condition = alltrue(flatten([
      for k, j in local.ci_policies : [
        for s in jsondecode(j).Statement : contains(keys(s), "Condition")
        if contains(["ManageMappingsOfOurFunctions", "CreateTaggedKeys"], s.Sid)
      ]
    ]))
    error_message = "The CI write statements on \"*\" must carry a condition."
  }
}
