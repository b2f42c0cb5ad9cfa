variable "name_prefix" {
  description = "Project prefix, e.g. \"crypto-pulse-analytics-dev\". The Glue database becomes \"<prefix with - replaced by _>_lake\" (crypto_pulse_analytics_dev_lake)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{3,32}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower-case letters, digits and hyphens."
  }
}

variable "processed_bucket_name" {
  description = "Name of the processed (Iceberg warehouse) bucket from the s3-lakehouse module. Tables live under s3://<bucket>/<warehouse_prefix>/<database>.db/<table>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.processed_bucket_name))
    error_message = "processed_bucket_name must be a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)."
  }
}

variable "warehouse_prefix" {
  description = "Key prefix of the Iceberg warehouse inside the processed bucket (no leading or trailing slash)."
  type        = string
  default     = "warehouse"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_/-]*[a-z0-9]$|^[a-z0-9]$", var.warehouse_prefix)) && !strcontains(var.warehouse_prefix, "//")
    error_message = "warehouse_prefix must be a relative key prefix of lower-case letters, digits, _, - and / without leading, trailing or double slashes."
  }
}

variable "tags" {
  description = "Extra tags merged onto the Glue database (Glue tables do not take tags; the root provider's default_tags carry the project tags)."
  type        = map(string)
  default     = {}
}
