# API Gateway's regional, account-level CloudWatch Logs role (aws_api_gateway_account in the api
# module). API Gateway writes execution logs to "API-Gateway-Execution-Logs_<api-id>/<stage>" and
# access logs to the group configured on the stage.

data "aws_iam_policy_document" "apigw_assume" {
  statement {
    sid     = "ApiGatewayAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.${local.dns_suffix}"]
    }
  }
}

data "aws_iam_policy_document" "apigw_cloudwatch" {
  statement {
    sid       = "FindLogGroups"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"] # DescribeLogGroups does not support resource-level permissions.
  }

  statement {
    sid = "WriteApiLogs"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
      "logs:GetLogEvents",
      "logs:FilterLogEvents",
    ]
    # API ids are assigned by AWS, so execution log groups can only be matched by their fixed prefix.
    resources = [
      "${local.arn_head.logs}log-group:API-Gateway-Execution-Logs_*",
      "${local.arn_head.logs}log-group:/aws/apigateway/${var.name_prefix}-*",
    ]
  }
}

resource "aws_iam_role" "apigw_cloudwatch" {
  name                 = local.role_names.apigw_cloudwatch
  description          = "Lets API Gateway (this account and region) write execution and access logs"
  assume_role_policy   = data.aws_iam_policy_document.apigw_assume.json
  max_session_duration = 3600

  tags = var.tags
}

resource "aws_iam_role_policy" "apigw_cloudwatch" {
  name   = "${local.role_names.apigw_cloudwatch}-permissions"
  role   = aws_iam_role.apigw_cloudwatch.id
  policy = data.aws_iam_policy_document.apigw_cloudwatch.json
}
