variable "function_name" {
  description = "Name of the Lambda function, e.g. \"crypto-pulse-analytics-dev-speed-layer\". Its log group is /aws/lambda/<function_name>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, hyphens or underscores."
  }
}

variable "description" {
  description = "Description of the function."
  type        = string
  default     = ""

  validation {
    condition     = length(var.description) <= 256
    error_message = "description must be at most 256 characters."
  }
}

variable "package_path" {
  description = "Path of the deployment package: a .zip whose root holds the C++ executable named \"bootstrap\". null fails the plan with a precondition; a path that does not exist yet plans (without a code hash) and fails the apply."
  type        = string
  default     = null

  validation {
    condition     = var.package_path == null || can(regex("\\.zip$", var.package_path))
    error_message = "package_path must end with .zip."
  }
}

variable "role_arn" {
  description = "ARN of the execution role (from the iam module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.role_arn))
    error_message = "role_arn must be an IAM role ARN."
  }
}

variable "handler" {
  description = "Handler name. Custom runtimes ignore it; \"bootstrap\" names the executable by convention."
  type        = string
  default     = "bootstrap"

  validation {
    condition     = length(var.handler) > 0 && length(var.handler) <= 128
    error_message = "handler must be 1-128 characters."
  }
}

variable "runtime" {
  description = "Lambda runtime. The C++ functions use an OS-only runtime (provided.al2023)."
  type        = string
  default     = "provided.al2023"

  validation {
    condition     = contains(["provided.al2023", "provided.al2"], var.runtime)
    error_message = "runtime must be an OS-only runtime: provided.al2023 or provided.al2."
  }
}

variable "architecture" {
  description = "Instruction set of the package: arm64 (Graviton, cheaper per GB-second) or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Memory in MB (128-10240). CPU is allocated in proportion."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "memory_size must be a whole number between 128 and 10240."
  }
}

variable "timeout" {
  description = "Timeout in seconds (1-900)."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "timeout must be a whole number between 1 and 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Reserved (and maximum) concurrency of the function; -1 leaves it unreserved. Note: AWS refuses any reservation that would leave the account fewer than 10 unreserved executions, so accounts with the new-account quota of 10 must use -1."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && var.reserved_concurrent_executions <= 1000 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "reserved_concurrent_executions must be -1 (unreserved) or a whole number from 0 to 1000."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function (names of SSM parameters and tables; never secrets)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment_variables) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", k)) && !startswith(k, "AWS_")])
    error_message = "Environment variable names must start with a letter, contain only letters, digits and underscores, and not use the reserved AWS_ prefix."
  }
}

variable "kms_key_arn" {
  description = "Customer managed KMS key that encrypts the environment variables and the log group. Its key policy must let CloudWatch Logs use it for /aws/lambda/<function_name>."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (not an alias)."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "dead_letter_target_arn" {
  description = "SQS queue (or SNS topic) that receives events of failed asynchronous invocations. null for functions invoked only synchronously (API Gateway, event source mappings), where it would never be used."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_target_arn == null || can(regex("^arn:aws[a-z-]*:(sqs|sns):[a-z0-9-]+:[0-9]{12}:.+$", var.dead_letter_target_arn))
    error_message = "dead_letter_target_arn must be an SQS queue or SNS topic ARN."
  }
}

variable "kinesis_event_source" {
  description = <<-EOT
    Kinesis event source mapping of the function, or null for none (the root passes null when
    streaming is off, so the mapping is deleted together with the stream). Retries are bounded, the
    failing half of a batch is bisected, old records are dropped after maximum_record_age_in_seconds,
    and pointers to what was given up on go to on_failure_destination_arn (an SQS queue).
    function_response_types = ["ReportBatchItemFailures"] lets the handler return
    {"batchItemFailures":[{"itemIdentifier":"<sequence number>"}]} to retry from the first failure.
  EOT
  type = object({
    stream_arn                         = string
    on_failure_destination_arn         = string
    starting_position                  = optional(string, "LATEST")
    batch_size                         = optional(number, 100)
    maximum_batching_window_in_seconds = optional(number, 1)
    bisect_batch_on_function_error     = optional(bool, true)
    maximum_retry_attempts             = optional(number, 3)
    maximum_record_age_in_seconds      = optional(number, 3600)
    parallelization_factor             = optional(number, 1)
    function_response_types            = optional(list(string), ["ReportBatchItemFailures"])
  })
  default = null

  validation {
    condition     = var.kinesis_event_source == null || contains(["LATEST", "TRIM_HORIZON"], try(var.kinesis_event_source.starting_position, ""))
    error_message = "kinesis_event_source.starting_position must be LATEST or TRIM_HORIZON."
  }

  validation {
    condition     = var.kinesis_event_source == null || (try(var.kinesis_event_source.batch_size, 0) >= 1 && try(var.kinesis_event_source.batch_size, 0) <= 10000)
    error_message = "kinesis_event_source.batch_size must be between 1 and 10000."
  }

  validation {
    condition     = var.kinesis_event_source == null || (try(var.kinesis_event_source.maximum_batching_window_in_seconds, -1) >= 0 && try(var.kinesis_event_source.maximum_batching_window_in_seconds, -1) <= 300)
    error_message = "kinesis_event_source.maximum_batching_window_in_seconds must be between 0 and 300."
  }

  validation {
    condition     = var.kinesis_event_source == null || (try(var.kinesis_event_source.maximum_retry_attempts, -1) >= 0 && try(var.kinesis_event_source.maximum_retry_attempts, -1) <= 10)
    error_message = "kinesis_event_source.maximum_retry_attempts must be bounded: between 0 and 10 (AWS's -1 = infinite is not allowed here)."
  }

  validation {
    condition     = var.kinesis_event_source == null || (try(var.kinesis_event_source.maximum_record_age_in_seconds, -1) >= 60 && try(var.kinesis_event_source.maximum_record_age_in_seconds, -1) <= 604800)
    error_message = "kinesis_event_source.maximum_record_age_in_seconds must be bounded: between 60 and 604800 (AWS's -1 = infinite is not allowed here)."
  }

  validation {
    condition     = var.kinesis_event_source == null || (try(var.kinesis_event_source.parallelization_factor, 0) >= 1 && try(var.kinesis_event_source.parallelization_factor, 0) <= 10)
    error_message = "kinesis_event_source.parallelization_factor must be between 1 and 10."
  }

  validation {
    condition     = var.kinesis_event_source == null || alltrue([for t in try(var.kinesis_event_source.function_response_types, ["x"]) : t == "ReportBatchItemFailures"])
    error_message = "kinesis_event_source.function_response_types may only contain ReportBatchItemFailures."
  }

  validation {
    condition     = var.kinesis_event_source == null || can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/.+$", try(var.kinesis_event_source.stream_arn, "")))
    error_message = "kinesis_event_source.stream_arn must be a Kinesis stream ARN."
  }

  validation {
    condition     = var.kinesis_event_source == null || can(regex("^arn:aws[a-z-]*:(sqs|sns|s3):.+$", try(var.kinesis_event_source.on_failure_destination_arn, "")))
    error_message = "kinesis_event_source.on_failure_destination_arn must be an SQS queue, SNS topic or S3 bucket ARN (Kinesis is not allowed as a destination)."
  }
}

variable "s3_notification" {
  description = <<-EOT
    S3 ObjectCreated notification that invokes the function, or null for none. The module creates the
    invoke permission (restricted to the bucket and the bucket's account) and the bucket's
    notification configuration. S3 allows one notification configuration per bucket: the bucket must
    have no other aws_s3_bucket_notification.
  EOT
  type = object({
    bucket_name   = string
    bucket_arn    = string
    filter_prefix = optional(string)
    filter_suffix = optional(string)
    events        = optional(list(string), ["s3:ObjectCreated:*"])
  })
  default = null

  validation {
    condition     = var.s3_notification == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", try(var.s3_notification.bucket_arn, "")))
    error_message = "s3_notification.bucket_arn must be an S3 bucket ARN."
  }

  validation {
    condition     = var.s3_notification == null || alltrue([for e in try(var.s3_notification.events, ["x"]) : startswith(e, "s3:ObjectCreated:")])
    error_message = "s3_notification.events may only contain s3:ObjectCreated:* events."
  }
}

variable "tags" {
  description = "Extra tags merged onto every resource (the provider's default_tags carry the project tags)."
  type        = map(string)
  default     = {}
}
