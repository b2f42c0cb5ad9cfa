variable "api_name" {
  description = "Name of the REST API, e.g. \"crypto-pulse-analytics-dev-api\" (the root derives it from the name prefix). It also names the request validator \"<api_name>-params\", the access log group \"/aws/apigateway/<api_name>/access\", the usage plan \"<api_name>-default\" and the API key \"<api_name>-client\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{3,64}$", var.api_name))
    error_message = "api_name must be 3-64 characters of lower-case letters, digits and hyphens."
  }
}

variable "stage_name" {
  description = "Name of the deployment stage (part of the invoke URL)."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 letters, digits or underscores."
  }
}

variable "lambda_function_name" {
  description = "Name of the api Lambda function (Lambda proxy integration for every route)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.lambda_function_name))
    error_message = "lambda_function_name must be a Lambda function name."
  }
}

variable "lambda_invoke_arn" {
  description = "Invoke ARN of the api Lambda function (output invoke_arn of the lambda module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:.+/invocations$", var.lambda_invoke_arn))
    error_message = "lambda_invoke_arn must be a Lambda invoke ARN (arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function arn>/invocations)."
  }
}

variable "api_key_required" {
  description = "Require an API key (x-api-key header) on every method. The usage plan's quota only applies to requests that carry a key."
  type        = bool
  default     = true
}

variable "throttling_rate_limit" {
  description = "Stage-wide steady-state request rate limit (requests per second) for all methods (*/*)."
  type        = number
  default     = 10

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be greater than 0 and at most 10000."
  }
}

variable "throttling_burst_limit" {
  description = "Stage-wide burst limit (concurrent requests) for all methods (*/*)."
  type        = number
  default     = 20

  validation {
    condition     = var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number between 1 and 5000."
  }
}

variable "usage_plan_rate_limit" {
  description = "Per-API-key steady-state rate limit (requests per second) of the usage plan."
  type        = number
  default     = 5

  validation {
    condition     = var.usage_plan_rate_limit > 0 && var.usage_plan_rate_limit <= 10000
    error_message = "usage_plan_rate_limit must be greater than 0 and at most 10000."
  }
}

variable "usage_plan_burst_limit" {
  description = "Per-API-key burst limit of the usage plan."
  type        = number
  default     = 10

  validation {
    condition     = var.usage_plan_burst_limit >= 1 && var.usage_plan_burst_limit <= 5000 && floor(var.usage_plan_burst_limit) == var.usage_plan_burst_limit
    error_message = "usage_plan_burst_limit must be a whole number between 1 and 5000."
  }
}

variable "quota_limit" {
  description = "Maximum number of requests per API key in one quota_period."
  type        = number
  default     = 10000

  validation {
    condition     = var.quota_limit >= 1 && var.quota_limit <= 100000000 && floor(var.quota_limit) == var.quota_limit
    error_message = "quota_limit must be a whole number between 1 and 100000000."
  }
}

variable "quota_period" {
  description = "Quota period of the usage plan: DAY, WEEK or MONTH."
  type        = string
  default     = "DAY"

  validation {
    condition     = contains(["DAY", "WEEK", "MONTH"], var.quota_period)
    error_message = "quota_period must be DAY, WEEK or MONTH."
  }
}

variable "logging_level" {
  description = "Execution logging level of all methods: OFF, ERROR or INFO."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.logging_level)
    error_message = "logging_level must be OFF, ERROR or INFO."
  }
}

variable "metrics_enabled" {
  description = "Publish per-method CloudWatch metrics (Count, Latency, 4XX/5XX per method)."
  type        = bool
  default     = true
}

variable "xray_tracing_enabled" {
  description = "Enable X-Ray tracing on the stage."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the access log group (and the execution log group), in days."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key that encrypts the API's log groups (its key policy must let CloudWatch Logs use it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (not an alias)."
  }
}

variable "manage_account_settings" {
  description = "Manage the region-wide aws_api_gateway_account (the CloudWatch role every REST API of the account uses for logging). Only one stack per account and region may do so: set false if another one already does."
  type        = bool
  default     = true
}

variable "cloudwatch_role_arn" {
  description = "ARN of API Gateway's CloudWatch Logs role (iam module output apigw_cloudwatch_role_arn). Used when manage_account_settings is true."
  type        = string
  default     = null

  validation {
    condition     = var.cloudwatch_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", coalesce(var.cloudwatch_role_arn, "x")))
    error_message = "cloudwatch_role_arn must be an IAM role ARN."
  }
}

variable "tags" {
  description = "Extra tags merged onto every resource (the provider's default_tags carry the project tags)."
  type        = map(string)
  default     = {}
}
