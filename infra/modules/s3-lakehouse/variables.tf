variable "name_prefix" {
  description = "Prefix of every name in this module, e.g. \"crypto-pulse-analytics-dev\". Buckets become \"<prefix>-<role>-<account_id>\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{3,32}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower-case letters, digits and hyphens."
  }
}

variable "account_id" {
  description = "AWS account id (12 digits). It is part of every bucket name, which keeps the global S3 names unique."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be exactly 12 digits."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete buckets that still hold objects (and object versions). Keep false for anything that matters; true is convenient for a throw-away dev stack."
  type        = bool
  default     = false
}

variable "lifecycle_transition_ia_days" {
  description = "Age in days at which objects in the raw landing bucket and the Athena results bucket move to STANDARD_IA (S3 requires at least 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.lifecycle_transition_ia_days >= 30 && var.lifecycle_transition_ia_days <= 3650 && floor(var.lifecycle_transition_ia_days) == var.lifecycle_transition_ia_days
    error_message = "lifecycle_transition_ia_days must be a whole number of days between 30 (the STANDARD_IA minimum) and 3650."
  }
}

variable "lifecycle_expiration_days" {
  description = "Age in days at which objects in the raw landing bucket and the Athena results bucket are deleted. Must be later than the STANDARD_IA transition. Never applied to the Iceberg or checkpoint buckets."
  type        = number
  default     = 90

  validation {
    condition     = var.lifecycle_expiration_days >= 31 && var.lifecycle_expiration_days <= 3650 && floor(var.lifecycle_expiration_days) == var.lifecycle_expiration_days
    error_message = "lifecycle_expiration_days must be a whole number of days between 31 and 3650."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a noncurrent object version (an overwritten or deleted object) is kept in the versioned buckets (raw, processed, checkpoints) before S3 removes it for good: the undo window."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 365 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number between 1 and 365."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which S3 aborts an unfinished multipart upload and frees its parts (applies to every bucket)."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && var.abort_incomplete_multipart_upload_days <= 30 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number between 1 and 30."
  }
}

variable "access_logging_enabled" {
  description = "Create a small access-log bucket (\"<prefix>-access-logs-<account_id>\") and send S3 server access logs of the four data buckets to it."
  type        = bool
  default     = true
}

variable "access_log_expiration_days" {
  description = "Days S3 server access logs are kept in the access-log bucket."
  type        = number
  default     = 90

  validation {
    condition     = var.access_log_expiration_days >= 1 && var.access_log_expiration_days <= 3650 && floor(var.access_log_expiration_days) == var.access_log_expiration_days
    error_message = "access_log_expiration_days must be a whole number between 1 and 3650."
  }
}

variable "score_loader_notification_enabled" {
  description = <<-EOT
    Create the processed bucket's S3 notification (ObjectCreated under publish/whale_scores/, suffix .ndjson)
    that invokes the score-loader Lambda. A plain bool (known at plan time) rather than "ARN != null",
    because the function's ARN is unknown until it is created. S3 keeps ONE notification configuration
    per bucket: leave this false when another module (e.g. the lambda module's s3_notification input)
    manages the processed bucket's notifications. The invoke permission (aws_lambda_permission) belongs
    to the Lambda side and must exist first: pass an ARN that depends on it.
  EOT
  type        = bool
  default     = false
}

variable "score_loader_lambda_arn" {
  description = "ARN of the score-loader Lambda function (or alias) invoked by the processed bucket notification. Required when score_loader_notification_enabled is true; ignored otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.score_loader_lambda_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$", var.score_loader_lambda_arn))
    error_message = "score_loader_lambda_arn must be a Lambda function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>[:qualifier]) or null."
  }
}

variable "tags" {
  description = "Extra tags merged onto every resource (the root provider's default_tags carry the project tags)."
  type        = map(string)
  default     = {}
}
