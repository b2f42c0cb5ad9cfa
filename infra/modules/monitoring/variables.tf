variable "name_prefix" {
  description = "Prefix of every name in this module, e.g. \"crypto-pulse-analytics-dev\". Alarms that publish to the topic must be named \"<prefix>-*\" and EventBridge rules \"<prefix>-*\" (the topic and key policies match those names)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{3,32}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower-case letters, digits and hyphens."
  }
}

variable "region" {
  description = "AWS region of the stack (dashboard widgets, alarm/rule ARNs in the topic and key policies, the dashboard URL)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like an AWS region name, e.g. us-west-2."
  }
}

variable "alarm_email" {
  description = "Optional e-mail address subscribed to the alarm topic (AWS sends a confirmation mail that must be accepted once). null: no subscription."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", var.alarm_email))
    error_message = "alarm_email must be a valid e-mail address or null."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the alarm topic's key is deleted after a destroy (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30 && floor(var.kms_deletion_window_in_days) == var.kms_deletion_window_in_days
    error_message = "kms_deletion_window_in_days must be a whole number between 7 and 30."
  }
}

variable "budget_limit_usd" {
  description = "Monthly AWS Budgets cost limit in USD for the whole account (the forecast alert fires when the month is forecast to exceed it)."
  type        = number
  default     = 50

  validation {
    condition     = var.budget_limit_usd > 0 && var.budget_limit_usd <= 10000
    error_message = "budget_limit_usd must be greater than 0 and at most 10000."
  }
}

variable "budget_alert_thresholds_usd" {
  description = "Actual month-to-date spend in USD (absolute values) at which AWS Budgets notifies the alarm topic."
  type        = list(number)
  default     = [25, 50]

  validation {
    condition     = length(var.budget_alert_thresholds_usd) >= 1 && length(var.budget_alert_thresholds_usd) <= 4 && length(distinct(var.budget_alert_thresholds_usd)) == length(var.budget_alert_thresholds_usd)
    error_message = "budget_alert_thresholds_usd must hold 1-4 distinct amounts (a budget allows 5 notifications; one is the forecast alert)."
  }

  validation {
    condition     = alltrue([for t in var.budget_alert_thresholds_usd : t > 0])
    error_message = "Every budget threshold must be greater than 0 USD."
  }
}

variable "budget_forecast_alert_enabled" {
  description = "Also notify when the month's FORECASTED spend exceeds budget_limit_usd (early warning before the money is spent)."
  type        = bool
  default     = true
}

variable "trades_stream_name" {
  description = "Kinesis trades stream (kinesis module output); null while streaming is off (its widgets are left out)."
  type        = string
  default     = null

  validation {
    condition     = var.trades_stream_name == null || can(regex("^[A-Za-z0-9_.-]{1,128}$", var.trades_stream_name))
    error_message = "trades_stream_name must be a valid Kinesis stream name or null."
  }
}

variable "dead_letter_stream_name" {
  description = "Kinesis dead-letter stream; null while streaming is off."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_stream_name == null || can(regex("^[A-Za-z0-9_.-]{1,128}$", var.dead_letter_stream_name))
    error_message = "dead_letter_stream_name must be a valid Kinesis stream name or null."
  }
}

variable "firehose_delivery_stream_name" {
  description = "Firehose delivery stream into the raw bucket; null while streaming is off."
  type        = string
  default     = null

  validation {
    condition     = var.firehose_delivery_stream_name == null || can(regex("^[A-Za-z0-9_.-]{1,64}$", var.firehose_delivery_stream_name))
    error_message = "firehose_delivery_stream_name must be a valid Firehose delivery stream name or null."
  }
}

variable "emr_application_id" {
  description = "EMR Serverless application id (emr-serverless module output); null: no EMR widgets."
  type        = string
  default     = null

  validation {
    condition     = var.emr_application_id == null || can(regex("^[0-9a-z]{1,64}$", var.emr_application_id))
    error_message = "emr_application_id must be an EMR Serverless application id (lower-case letters and digits) or null."
  }
}

variable "dynamodb_table_names" {
  description = "DynamoDB tables to chart and to alarm on throttling (names must be known at plan time, e.g. the alerts-store module's name outputs)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for t in var.dynamodb_table_names : can(regex("^[A-Za-z0-9_.-]{3,255}$", t))])
    error_message = "dynamodb_table_names must be valid DynamoDB table names."
  }
}

variable "dynamodb_throttle_threshold" {
  description = "Alarm when a table records more than this many throttled read + write events in 5 minutes."
  type        = number
  default     = 0

  validation {
    condition     = var.dynamodb_throttle_threshold >= 0
    error_message = "dynamodb_throttle_threshold must not be negative."
  }
}

variable "lambda_function_names" {
  description = "Lambda functions to chart (errors, throttles, duration) and, if lambda_error_alarms_enabled, to alarm on errors."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for f in var.lambda_function_names : can(regex("^[A-Za-z0-9_-]{1,64}$", f))])
    error_message = "lambda_function_names must be valid Lambda function names."
  }
}

variable "lambda_error_alarms_enabled" {
  description = "Create one Errors alarm per function in lambda_function_names."
  type        = bool
  default     = true
}

variable "lambda_error_threshold" {
  description = "Alarm when a function reports more than this many errors in 5 minutes."
  type        = number
  default     = 0

  validation {
    condition     = var.lambda_error_threshold >= 0
    error_message = "lambda_error_threshold must not be negative."
  }
}

variable "api_gateway_name" {
  description = "Name of the REST API (dashboard dimension ApiName); null: no API widgets."
  type        = string
  default     = null

  validation {
    condition     = var.api_gateway_name == null || try(length(var.api_gateway_name) <= 1024 && can(regex("^[^\"\\\\]+$", var.api_gateway_name)), false)
    error_message = "api_gateway_name must be 1-1024 characters without quotes or backslashes, or null."
  }
}

variable "api_gateway_stage_name" {
  description = "Stage of the REST API (dashboard dimension Stage)."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.api_gateway_stage_name))
    error_message = "api_gateway_stage_name must contain only letters, digits, _ and -."
  }
}

variable "tags" {
  description = "Extra tags merged onto every resource (the root provider's default_tags carry the project tags)."
  type        = map(string)
  default     = {}
}
