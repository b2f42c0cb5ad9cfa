# Public REST API of the serving layer, backed by one Lambda function (proxy integration):
#   GET /scores                   leaderboard (whale-scores table, leaderboard index)
#   GET /wallets/{address}        scores of one wallet
#   GET /alerts                   latest alerts (alerts table, by_day index)
#   GET /wallets/{address}/alerts alerts of one wallet
# Protection without a VPC or WAF: API key + usage plan (per-key throttle and quota), stage-wide
# throttling on every method, request parameter validation. Caching is off (see the stage).

locals {
  # Methods: resource key -> request parameters (true = required).
  methods = {
    scores = {
      "method.request.querystring.horizon_ms" = false
      "method.request.querystring.limit"      = false
    }
    alerts = {
      "method.request.querystring.day"   = false
      "method.request.querystring.limit" = false
    }
    wallet = {
      "method.request.path.address"           = true
      "method.request.querystring.horizon_ms" = false
    }
    wallet_alerts = {
      "method.request.path.address"      = true
      "method.request.querystring.limit" = false
    }
  }

  resource_ids = {
    scores        = aws_api_gateway_resource.top["scores"].id
    alerts        = aws_api_gateway_resource.top["alerts"].id
    wallet        = aws_api_gateway_resource.wallet.id
    wallet_alerts = aws_api_gateway_resource.wallet_alerts.id
  }

  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    xrayTraceId        = "$context.xrayTraceId"
    ip                 = "$context.identity.sourceIp"
    apiKeyId           = "$context.identity.apiKeyId"
    requestTime        = "$context.requestTime"
    httpMethod         = "$context.httpMethod"
    resourcePath       = "$context.resourcePath"
    path               = "$context.path"
    status             = "$context.status"
    protocol           = "$context.protocol"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationStatus  = "$context.integration.status"
    integrationLatency = "$context.integration.latency"
    errorResponseType  = "$context.error.responseType"
  })
}

# ---------------------------------------------------------------------------------------------
# API, resources, methods, integrations
# ---------------------------------------------------------------------------------------------

resource "aws_api_gateway_rest_api" "this" {
  name        = var.api_name
  description = "Coat Tail Capital read API: whale scores and alerts"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_request_validator" "params" {
  name                        = "${var.api_name}-params"
  rest_api_id                 = aws_api_gateway_rest_api.this.id
  validate_request_parameters = true
  validate_request_body       = false
}

resource "aws_api_gateway_resource" "top" {
  for_each = toset(["scores", "alerts", "wallets"])

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.key
}

resource "aws_api_gateway_resource" "wallet" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.top["wallets"].id
  path_part   = "{address}"
}

resource "aws_api_gateway_resource" "wallet_alerts" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.wallet.id
  path_part   = "alerts"
}

resource "aws_api_gateway_method" "get" {
  for_each = local.methods

  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = local.resource_ids[each.key]
  http_method          = "GET"
  authorization        = "NONE"
  api_key_required     = var.api_key_required
  request_validator_id = aws_api_gateway_request_validator.params.id
  request_parameters   = each.value
}

resource "aws_api_gateway_integration" "get" {
  for_each = local.methods

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = local.resource_ids[each.key]
  http_method             = aws_api_gateway_method.get[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST" # Lambda is always invoked with POST
  uri                     = var.lambda_invoke_arn
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = var.lambda_function_name
  principal     = "apigateway.amazonaws.com"
  # Only GET methods of this API's stage.
  source_arn = "${aws_api_gateway_rest_api.this.execution_arn}/${var.stage_name}/GET/*"
}

# ---------------------------------------------------------------------------------------------
# Deployment and stage
# ---------------------------------------------------------------------------------------------

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "Managed by terraform; replaced whenever a route changes"

  triggers = {
    # The routes' ids and configured arguments only. Whole resource objects would also hash
    # computed attributes that the provider turns from null into []/{} on the first refresh
    # after a create (cache_key_parameters, request_templates, request_models, ...), which
    # replaced the deployment on the apply after every create.
    redeployment = sha1(jsonencode([
      local.resource_ids,
      local.methods,
      { for k, m in aws_api_gateway_method.get : k => [m.id, m.authorization, m.api_key_required, m.request_validator_id, m.request_parameters] },
      { for k, i in aws_api_gateway_integration.get : k => [i.id, i.type, i.integration_http_method, i.uri] },
      [aws_api_gateway_request_validator.params.id, aws_api_gateway_request_validator.params.validate_request_parameters],
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.get]
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:Dev stack: 14-day retention by default (configurable); a year of access logs is cost without use here.
  name              = "/aws/apigateway/${var.api_name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# API Gateway would create this group itself, without retention or encryption.
resource "aws_cloudwatch_log_group" "execution" {
  #checkov:skip=CKV_AWS_338:Dev stack: 14-day retention by default (configurable).
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_settings ? 1 : 0

  cloudwatch_role_arn = var.cloudwatch_role_arn

  lifecycle {
    precondition {
      condition     = var.cloudwatch_role_arn != null
      error_message = "cloudwatch_role_arn is required when manage_account_settings is true."
    }
  }
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:Caching is off on purpose: the smallest cache (0.5 GB) bills about $14/month around the clock, more than the API itself costs at this traffic; responses are cheap DynamoDB queries.
  #checkov:skip=CKV2_AWS_29:No WAF: a web ACL costs at least $5/month + $1 per rule; API key, usage plan quota and stage throttling bound abuse and cost (docs/SECURITY-REVIEW.md).
  #checkov:skip=CKV2_AWS_51:Client certificates authenticate API Gateway to an HTTP backend; the backend here is a Lambda proxy integration, which is invoked through IAM.
  rest_api_id           = aws_api_gateway_rest_api.this.id
  deployment_id         = aws_api_gateway_deployment.this.id
  stage_name            = var.stage_name
  description           = "Read API, ${var.stage_name}"
  xray_tracing_enabled  = var.xray_tracing_enabled
  cache_cluster_enabled = false

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  tags = var.tags

  # Logging needs the account-level CloudWatch role first.
  depends_on = [aws_api_gateway_account.this, aws_cloudwatch_log_group.execution]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Caching is off on purpose (see the stage): about $14/month for the smallest cache.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = var.metrics_enabled
    logging_level          = var.logging_level
    data_trace_enabled     = false # full request/response bodies would land in the logs
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
    caching_enabled        = false
    cache_data_encrypted   = true
  }
}

# ---------------------------------------------------------------------------------------------
# Usage plan and API key
# ---------------------------------------------------------------------------------------------

resource "aws_api_gateway_usage_plan" "this" {
  name        = "${var.api_name}-default"
  description = "Per-key throttle and quota for the read API"

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }

  throttle_settings {
    rate_limit  = var.usage_plan_rate_limit
    burst_limit = var.usage_plan_burst_limit
  }

  quota_settings {
    limit  = var.quota_limit
    period = var.quota_period
  }

  tags = var.tags
}

# The key value is generated by API Gateway (and kept in the terraform state, which is encrypted
# and access-controlled). Read it with: aws apigateway get-api-key --api-key <id> --include-value
resource "aws_api_gateway_api_key" "client" {
  name        = "${var.api_name}-client"
  description = "Client key of the read API (dashboard / demo)"
  enabled     = true

  tags = var.tags
}

resource "aws_api_gateway_usage_plan_key" "client" {
  key_id        = aws_api_gateway_api_key.client.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this.id
}
