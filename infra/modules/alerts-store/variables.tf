variable "name_prefix" {
  description = "Prefix of every name in this module, e.g. \"crypto-pulse-analytics-dev\". Tables become \"<prefix>-alerts\" and \"<prefix>-whale-scores\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{3,32}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower-case letters, digits and hyphens."
  }
}

variable "region" {
  description = "AWS region the stack runs in (used to scope the CloudWatch Logs service principal in the key policy)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like an AWS region name, e.g. us-west-2."
  }
}

variable "log_group_name_patterns" {
  description = "CloudWatch Logs log-group names (wildcards allowed) that may encrypt with the customer managed key, e.g. [\"/aws/lambda/<prefix>-*\"]. Empty: the key policy grants CloudWatch Logs nothing."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.log_group_name_patterns : can(regex("^[A-Za-z0-9_./#*-]{1,512}$", p))])
    error_message = "Each log group pattern may contain only letters, digits and _ . / # - * (max 512 characters)."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the customer managed key is deleted after a destroy (7-30 days)."
  type        = number
  default     = 7

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30 && floor(var.kms_deletion_window_in_days) == var.kms_deletion_window_in_days
    error_message = "kms_deletion_window_in_days must be a whole number between 7 and 30."
  }
}

variable "point_in_time_recovery_enabled" {
  description = "Enable DynamoDB point-in-time recovery on both tables."
  type        = bool
  default     = true
}

variable "deletion_protection_enabled" {
  description = "Enable DynamoDB deletion protection on both tables. Off by default so the dev stack can be destroyed by terraform; turn it on for anything long-lived."
  type        = bool
  default     = false
}

variable "dlq_message_retention_seconds" {
  description = "How long the failure queues keep a message (60 s to 14 days)."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "tags" {
  description = "Extra tags merged onto every resource (the provider's default_tags carry the project tags)."
  type        = map(string)
  default     = {}
}
