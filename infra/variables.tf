# ---------------------------------------------------------------------------------------------
# Identity, region and tags
# ---------------------------------------------------------------------------------------------

variable "region" {
  description = "AWS region of the whole stack (single region by design)."
  type        = string
  default     = "us-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as us-west-2."
  }
}

variable "project" {
  description = "Project name: the Project tag and the first part of every resource name."
  type        = string
  default     = "crypto-pulse-analytics"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,23}$", var.project))
    error_message = "project must be 2-24 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name: the Environment tag and the second part of every resource name (name prefix = <project>-<environment>)."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,7}$", var.environment))
    error_message = "environment must be 2-8 lower-case letters or digits, starting with a letter."
  }
}

variable "cost_center" {
  description = "CostCenter tag."
  type        = string
  default     = "portfolio"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/=+@ -]{1,256}$", var.cost_center))
    error_message = "cost_center must be a valid tag value."
  }
}

variable "managed_by" {
  description = "ManagedBy tag."
  type        = string
  default     = "terraform"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/=+@ -]{1,256}$", var.managed_by))
    error_message = "managed_by must be a valid tag value."
  }
}

variable "extra_tags" {
  description = "Additional default tags (may not override Project, Environment, ManagedBy or CostCenter)."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(setintersection(keys(var.extra_tags), ["Project", "Environment", "ManagedBy", "CostCenter"])) == 0
    error_message = "extra_tags must not redefine Project, Environment, ManagedBy or CostCenter (use the dedicated variables)."
  }
}

# ---------------------------------------------------------------------------------------------
# Stop lifecycle
# ---------------------------------------------------------------------------------------------

variable "streaming_enabled" {
  description = "Start/stop switch. false destroys every hourly-billed streaming resource: both Kinesis streams, Firehose, the speed layer's event source mapping and the stream alarms. Buckets, tables, the Spark application (idle: free), the API and all data survive."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------
# Lambda functions (C++ handlers, packaged as zips outside Terraform)
# ---------------------------------------------------------------------------------------------

variable "speed_layer_package" {
  description = "Path (relative to infra/, or absolute) of the speed-layer deployment .zip (an executable named bootstrap at its root). Required to plan."
  type        = string
  default     = null

  validation {
    condition     = var.speed_layer_package == null || can(regex("\\.zip$", coalesce(var.speed_layer_package, "x.zip")))
    error_message = "speed_layer_package must end with .zip."
  }
}

variable "api_package" {
  description = "Path of the api function deployment .zip. Required to plan."
  type        = string
  default     = null

  validation {
    condition     = var.api_package == null || can(regex("\\.zip$", coalesce(var.api_package, "x.zip")))
    error_message = "api_package must end with .zip."
  }
}

variable "score_loader_package" {
  description = "Path of the score-loader deployment .zip. Required to plan."
  type        = string
  default     = null

  validation {
    condition     = var.score_loader_package == null || can(regex("\\.zip$", coalesce(var.score_loader_package, "x.zip")))
    error_message = "score_loader_package must end with .zip."
  }
}

variable "lambda_architecture" {
  description = "Instruction set the Lambda packages are built for."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency per function (also its ceiling); -1 = unreserved. The speed layer needs one execution per shard (on-demand streams start with 4). AWS refuses reservations that leave fewer than 10 unreserved executions: on a new account whose quota is 10, set all three to -1."
  type = object({
    speed_layer  = number
    api          = number
    score_loader = number
  })
  default = {
    speed_layer  = 5
    api          = 5
    score_loader = 2
  }

  validation {
    condition     = alltrue([for v in values(var.lambda_reserved_concurrency) : v >= -1 && v <= 100 && floor(v) == v])
    error_message = "Each reserved concurrency must be -1 or a whole number from 0 to 100."
  }
}

variable "log_retention_days" {
  description = "Retention of the Lambda and API Gateway log groups, in days."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365], var.log_retention_days)
    error_message = "log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365."
  }
}

variable "speed_layer_starting_position" {
  description = "Where a new event source mapping starts reading the trades stream: LATEST (only new trades; the default after a restart) or TRIM_HORIZON (everything retained)."
  type        = string
  default     = "LATEST"

  validation {
    condition     = contains(["LATEST", "TRIM_HORIZON"], var.speed_layer_starting_position)
    error_message = "speed_layer_starting_position must be LATEST or TRIM_HORIZON."
  }
}

variable "speed_layer_batch_size" {
  description = "Maximum number of Kinesis records per speed-layer invocation."
  type        = number
  default     = 100

  validation {
    condition     = var.speed_layer_batch_size >= 1 && var.speed_layer_batch_size <= 10000 && floor(var.speed_layer_batch_size) == var.speed_layer_batch_size
    error_message = "speed_layer_batch_size must be a whole number between 1 and 10000."
  }
}

variable "speed_layer_maximum_retry_attempts" {
  description = "Retries of a failing batch before its pointer goes to the on-failure queue (bounded)."
  type        = number
  default     = 3

  validation {
    condition     = var.speed_layer_maximum_retry_attempts >= 0 && var.speed_layer_maximum_retry_attempts <= 10 && floor(var.speed_layer_maximum_retry_attempts) == var.speed_layer_maximum_retry_attempts
    error_message = "speed_layer_maximum_retry_attempts must be a whole number between 0 and 10."
  }
}

variable "speed_layer_maximum_record_age_seconds" {
  description = "Records older than this are skipped (pointer to the on-failure queue): alerts on stale trades are worthless."
  type        = number
  default     = 3600

  validation {
    condition     = var.speed_layer_maximum_record_age_seconds >= 60 && var.speed_layer_maximum_record_age_seconds <= 86400
    error_message = "speed_layer_maximum_record_age_seconds must be between 60 and 86400 (the trades stream keeps 24 h)."
  }
}

# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------

variable "api_throttling_rate_limit" {
  description = "Stage-wide steady-state limit of the API, requests per second."
  type        = number
  default     = 10

  validation {
    condition     = var.api_throttling_rate_limit > 0 && var.api_throttling_rate_limit <= 1000
    error_message = "api_throttling_rate_limit must be greater than 0 and at most 1000."
  }
}

variable "api_throttling_burst_limit" {
  description = "Stage-wide burst limit of the API."
  type        = number
  default     = 20

  validation {
    condition     = var.api_throttling_burst_limit >= 1 && var.api_throttling_burst_limit <= 2000 && floor(var.api_throttling_burst_limit) == var.api_throttling_burst_limit
    error_message = "api_throttling_burst_limit must be a whole number between 1 and 2000."
  }
}

variable "api_quota_per_day" {
  description = "Requests per API key per day (usage plan quota)."
  type        = number
  default     = 10000

  validation {
    condition     = var.api_quota_per_day >= 1 && var.api_quota_per_day <= 10000000 && floor(var.api_quota_per_day) == var.api_quota_per_day
    error_message = "api_quota_per_day must be a whole number between 1 and 10000000."
  }
}

variable "api_manage_account_settings" {
  description = "Let this stack own the region's API Gateway account settings (CloudWatch role). Set false when another stack in the account/region already manages aws_api_gateway_account."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------
# Lakehouse, Spark, Athena
# ---------------------------------------------------------------------------------------------

variable "s3_force_destroy" {
  description = "Allow terraform destroy to delete non-empty buckets. Keep false unless the stack is throw-away."
  type        = bool
  default     = false
}

variable "emr_architecture" {
  description = "CPU architecture of the EMR Serverless workers (ARM64 is about 20% cheaper per vCPU-hour)."
  type        = string
  default     = "ARM64"

  validation {
    condition     = contains(["ARM64", "X86_64"], var.emr_architecture)
    error_message = "emr_architecture must be ARM64 or X86_64."
  }
}

variable "athena_bytes_scanned_cutoff" {
  description = "Per-query data-scanned limit of the Athena workgroup in bytes (Athena bills $5 per TB scanned; the default 1 GiB caps a query at about half a cent)."
  type        = number
  default     = 1073741824

  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10485760 && var.athena_bytes_scanned_cutoff <= 1099511627776 && floor(var.athena_bytes_scanned_cutoff) == var.athena_bytes_scanned_cutoff
    error_message = "athena_bytes_scanned_cutoff must be a whole number of bytes between 10 MiB (the Athena minimum) and 1 TiB."
  }
}

# ---------------------------------------------------------------------------------------------
# Runtime configuration (SSM parameters read by the C++ functions and jobs)
# ---------------------------------------------------------------------------------------------

variable "alert_min_usd" {
  description = "Smallest trade (USD) of a smart-money wallet that raises an alert."
  type        = number
  default     = 250000

  validation {
    condition     = var.alert_min_usd > 0
    error_message = "alert_min_usd must be positive."
  }
}

variable "smart_money_q" {
  description = "False-discovery-rate level (Benjamini-Hochberg q-value) below which a wallet counts as smart money."
  type        = number
  default     = 0.05

  validation {
    condition     = var.smart_money_q > 0 && var.smart_money_q < 1
    error_message = "smart_money_q must be strictly between 0 and 1."
  }
}

variable "min_resolved" {
  description = "Minimum number of resolved trades before a wallet is scored."
  type        = number
  default     = 30

  validation {
    condition     = var.min_resolved >= 1 && floor(var.min_resolved) == var.min_resolved
    error_message = "min_resolved must be a positive whole number."
  }
}

variable "benchmark_token" {
  description = "Token whose return is the benchmark for abnormal returns."
  type        = string
  default     = "ETH"

  validation {
    condition     = can(regex("^[A-Za-z0-9]{1,16}$", var.benchmark_token))
    error_message = "benchmark_token must be 1-16 letters or digits."
  }
}

# ---------------------------------------------------------------------------------------------
# Monitoring and cost
# ---------------------------------------------------------------------------------------------

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (confirm the mail AWS sends). null: no subscription."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", coalesce(var.alarm_email, "x@y.zz")))
    error_message = "alarm_email must be an e-mail address or null."
  }
}

variable "budget_limit_usd" {
  description = "Monthly cost budget in USD (forecast alert above it)."
  type        = number
  default     = 50

  validation {
    condition     = var.budget_limit_usd > 0 && var.budget_limit_usd <= 10000
    error_message = "budget_limit_usd must be between 0 and 10000."
  }
}

variable "budget_alert_thresholds_usd" {
  description = "Actual month-to-date spend (USD) at which AWS Budgets alerts."
  type        = list(number)
  default     = [25, 50]

  validation {
    condition     = length(var.budget_alert_thresholds_usd) >= 1 && alltrue([for t in var.budget_alert_thresholds_usd : t > 0])
    error_message = "budget_alert_thresholds_usd must hold at least one positive amount."
  }
}

# ---------------------------------------------------------------------------------------------
# Access: producer and CI
# ---------------------------------------------------------------------------------------------

variable "producer_trusted_principal_arns" {
  description = "IAM principals allowed to assume the producer role for local runs. Empty: any principal of this account whose own policy allows it (with MFA when producer_require_mfa)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.producer_trusted_principal_arns : can(regex("^arn:aws[a-z-]*:(iam::[0-9]{12}:(root|user/.+|role/.+)|sts::[0-9]{12}:assumed-role/.+)$", p))])
    error_message = "producer_trusted_principal_arns must hold IAM user, role or account-root ARNs."
  }
}

variable "producer_require_mfa" {
  description = "Require MFA for principals assuming the producer role."
  type        = bool
  default     = true
}

variable "github_repository" {
  description = "GitHub \"owner/name\" allowed to deploy through OIDC (plan role: pull requests + main; apply role: the production environment). null: no CI roles."
  type        = string
  default     = null

  validation {
    condition     = var.github_repository == null || can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", coalesce(var.github_repository, "x/y")))
    error_message = "github_repository must be \"owner/name\"."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (only one per account: false if it exists, and set github_oidc_provider_arn)."
  type        = bool
  default     = true
}

variable "github_oidc_provider_arn" {
  description = "ARN of an existing token.actions.githubusercontent.com OIDC provider (when create_github_oidc_provider is false)."
  type        = string
  default     = null
}

variable "state_bucket_name" {
  description = "Terraform state bucket the CI roles may use. null: <project>-tfstate-<account_id> (scripts/bootstrap-state.sh)."
  type        = string
  default     = null
}

variable "lock_table_name" {
  description = "Terraform lock table the CI roles may use. null: <project>-tflock."
  type        = string
  default     = null
}
