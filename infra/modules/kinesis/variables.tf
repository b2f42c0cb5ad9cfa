variable "name_prefix" {
  description = "Prefix of every name in this module, e.g. \"crypto-pulse-analytics-dev\". Streams become \"<prefix>-trades\" and \"<prefix>-dead-letter\", the key alias \"alias/<prefix>-streams\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{3,32}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower-case letters, digits and hyphens."
  }
}

variable "region" {
  description = "AWS region the stack runs in (scopes the CloudWatch Logs service principal and log-group ARNs in the key policy)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like an AWS region name, e.g. us-west-2."
  }
}

variable "enabled" {
  description = <<-EOT
    Stop lifecycle switch. true: both on-demand streams, the Firehose delivery stream and the stream
    alarms exist. false: all of them are destroyed (empty for_each / count = 0) because on-demand streams bill per
    stream-hour even when idle; stream outputs become null. The KMS key, its alias and the Firehose log
    group stay (they cost nothing idle and keep already-encrypted data readable).
  EOT
  type        = bool
  default     = true
}

variable "retention_period_hours" {
  description = "Retention of the trades stream in hours (24 = the included minimum; longer costs extended-retention fees)."
  type        = number
  default     = 24

  validation {
    condition     = var.retention_period_hours >= 24 && var.retention_period_hours <= 8760 && floor(var.retention_period_hours) == var.retention_period_hours
    error_message = "retention_period_hours must be a whole number between 24 and 8760."
  }
}

variable "dead_letter_retention_period_hours" {
  description = "Retention of the dead-letter stream in hours. Longer than the trades stream by default (low volume, and rejected records need time to be inspected)."
  type        = number
  default     = 168

  validation {
    condition     = var.dead_letter_retention_period_hours >= 24 && var.dead_letter_retention_period_hours <= 8760 && floor(var.dead_letter_retention_period_hours) == var.dead_letter_retention_period_hours
    error_message = "dead_letter_retention_period_hours must be a whole number between 24 and 8760."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the streams key is deleted after a destroy (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30 && floor(var.kms_deletion_window_in_days) == var.kms_deletion_window_in_days
    error_message = "kms_deletion_window_in_days must be a whole number between 7 and 30."
  }
}

variable "kms_rotation_period_in_days" {
  description = "Automatic rotation period of the streams key (90-2560 days). null: the AWS default (365 days); rotation itself is always on."
  type        = number
  default     = null

  validation {
    condition     = var.kms_rotation_period_in_days == null || try(var.kms_rotation_period_in_days >= 90 && var.kms_rotation_period_in_days <= 2560 && floor(var.kms_rotation_period_in_days) == var.kms_rotation_period_in_days, false)
    error_message = "kms_rotation_period_in_days must be null or a whole number between 90 and 2560."
  }
}

variable "additional_log_group_name_patterns" {
  description = "Extra CloudWatch Logs log-group names (wildcards allowed) that may encrypt with the streams key, on top of \"/aws/kinesisfirehose/<prefix>-*\" and \"/aws/emr-serverless/<prefix>-*\"."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.additional_log_group_name_patterns : can(regex("^[A-Za-z0-9_./#*-]{1,512}$", p))])
    error_message = "Each log group pattern may contain only letters, digits and _ . / # - * (max 512 characters)."
  }
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic (from the monitoring module) the stream and Firehose alarms notify on ALARM and OK."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be an SNS topic ARN."
  }
}

variable "iterator_age_threshold_ms" {
  description = "Alarm when the oldest unread record of the trades stream (GetRecords.IteratorAgeMilliseconds, Maximum over 1 minute) is older than this for 3 of 5 minutes: the speed layer is falling behind."
  type        = number
  default     = 60000

  validation {
    condition     = var.iterator_age_threshold_ms >= 1000 && var.iterator_age_threshold_ms <= 86400000
    error_message = "iterator_age_threshold_ms must be between 1000 (1 s) and 86400000 (24 h)."
  }
}

variable "throttle_alarm_threshold" {
  description = "Alarm when more than this many requests/records are throttled in 5 minutes (ReadProvisionedThroughputExceeded, WriteProvisionedThroughputExceeded, PutRecords.ThrottledRecords)."
  type        = number
  default     = 0

  validation {
    condition     = var.throttle_alarm_threshold >= 0
    error_message = "throttle_alarm_threshold must not be negative."
  }
}

variable "dead_letter_records_threshold" {
  description = "Alarm when more than this many records reach the dead-letter stream in 5 minutes (IncomingRecords)."
  type        = number
  default     = 0

  validation {
    condition     = var.dead_letter_records_threshold >= 0
    error_message = "dead_letter_records_threshold must not be negative."
  }
}

variable "firehose_role_arn" {
  description = <<-EOT
    IAM role Firehose assumes (from the iam module): kinesis:DescribeStream/GetShardIterator/GetRecords/
    ListShards on the trades stream, kms:Decrypt on the streams key, s3:PutObject (+ AbortMultipartUpload,
    GetBucketLocation, ListBucket...) on the raw bucket, logs:PutLogEvents on the Firehose log group.
    Pass an ARN that depends on the role's policy attachment so Firehose is created after its permissions.
    Required when enabled is true.
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.firehose_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.firehose_role_arn))
    error_message = "firehose_role_arn must be an IAM role ARN or null."
  }
}

variable "raw_bucket_arn" {
  description = "ARN of the raw landing bucket (from the s3-lakehouse module), the Firehose destination. Required when enabled is true."
  type        = string
  default     = null

  validation {
    condition     = var.raw_bucket_arn == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", var.raw_bucket_arn))
    error_message = "raw_bucket_arn must be an S3 bucket ARN or null."
  }
}

variable "firehose_buffering_size_mb" {
  description = "Firehose flushes to S3 when this many MiB are buffered (1-128). Larger buffers mean fewer, bigger objects."
  type        = number
  default     = 64

  validation {
    condition     = var.firehose_buffering_size_mb >= 1 && var.firehose_buffering_size_mb <= 128 && floor(var.firehose_buffering_size_mb) == var.firehose_buffering_size_mb
    error_message = "firehose_buffering_size_mb must be a whole number between 1 and 128."
  }
}

variable "firehose_buffering_interval_seconds" {
  description = "Firehose flushes to S3 at least this often (0-900 seconds)."
  type        = number
  default     = 300

  validation {
    condition     = var.firehose_buffering_interval_seconds >= 0 && var.firehose_buffering_interval_seconds <= 900 && floor(var.firehose_buffering_interval_seconds) == var.firehose_buffering_interval_seconds
    error_message = "firehose_buffering_interval_seconds must be a whole number between 0 and 900."
  }
}

variable "firehose_freshness_threshold_seconds" {
  description = "Alarm when the oldest record in Firehose is older than this (DeliveryToS3.DataFreshness, Maximum): delivery to the raw bucket is failing or stuck. Keep it above the buffering interval."
  type        = number
  default     = 900

  validation {
    condition     = var.firehose_freshness_threshold_seconds >= 60 && var.firehose_freshness_threshold_seconds <= 86400
    error_message = "firehose_freshness_threshold_seconds must be between 60 and 86400."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the Firehose error log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "tags" {
  description = "Extra tags merged onto every resource (the root provider's default_tags carry the project tags)."
  type        = map(string)
  default     = {}
}
