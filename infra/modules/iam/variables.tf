variable "name_prefix" {
  description = "Prefix of every name in the stack, e.g. \"crypto-pulse-analytics-dev\". Roles become \"<prefix>-<role>\"; the CI roles' resource scopes are \"<prefix>-*\" names."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{3,32}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower-case letters, digits and hyphens."
  }
}

variable "function_names" {
  description = "Names of the three Lambda functions (derived once in the root). Each function's execution role has the function's name, and its log-group statements are scoped to /aws/lambda/<name>."
  type = object({
    speed_layer  = string
    api          = string
    score_loader = string
  })

  validation {
    condition     = alltrue([for n in values(var.function_names) : can(regex("^[a-zA-Z0-9_-]{1,64}$", n))])
    error_message = "Each function name must be 1-64 letters, digits, hyphens or underscores (Lambda and IAM role name limits)."
  }
}

variable "project" {
  description = "Value of the Project tag (from the root's default_tags). The CI apply role may create KMS keys and EMR Serverless applications only with this tag, and manage only those carrying it."
  type        = string
  default     = "crypto-pulse-analytics"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/=+@-]{1,128}$", var.project))
    error_message = "project must be a valid tag value (1-128 characters)."
  }
}

variable "region" {
  description = "AWS region of the stack (ARNs in policies are built with it)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must look like an AWS region name, e.g. us-west-2."
  }
}

# ---------------------------------------------------------------------------------------------
# Resources the roles act on. Stream ARNs are passed even while streaming is off (the root derives
# them from the contract names), so stopping the pipeline never churns IAM.
# ---------------------------------------------------------------------------------------------

variable "trades_stream_arn" {
  description = "ARN of the Kinesis trades stream (\"<prefix>-trades\")."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/.+$", var.trades_stream_arn))
    error_message = "trades_stream_arn must be a Kinesis stream ARN."
  }
}

variable "dead_letter_stream_arn" {
  description = "ARN of the Kinesis dead-letter stream (\"<prefix>-dead-letter\")."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/.+$", var.dead_letter_stream_arn))
    error_message = "dead_letter_stream_arn must be a Kinesis stream ARN."
  }
}

variable "streams_kms_key_arn" {
  description = "ARN of the KMS key encrypting the Kinesis streams (alias/<prefix>-streams)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.streams_kms_key_arn))
    error_message = "streams_kms_key_arn must be a KMS key ARN (not an alias)."
  }
}

variable "app_kms_key_arn" {
  description = "ARN of the KMS key encrypting the DynamoDB tables, SQS queues and Lambda environment (alerts-store module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.app_kms_key_arn))
    error_message = "app_kms_key_arn must be a KMS key ARN (not an alias)."
  }
}

variable "emr_kms_key_arns" {
  description = "KMS keys the EMR Serverless job must use besides S3's SSE-S3 (e.g. a key of its CloudWatch log group). Empty: no KMS statement."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for k in var.emr_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", k))])
    error_message = "emr_kms_key_arns must hold KMS key ARNs."
  }
}

variable "raw_bucket_arn" {
  description = "ARN of the raw landing bucket (Firehose writes raw/trades/ and raw-errors/; Spark reads it; EMR job logs go to emr-logs/)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", var.raw_bucket_arn))
    error_message = "raw_bucket_arn must be an S3 bucket ARN."
  }
}

variable "processed_bucket_arn" {
  description = "ARN of the processed bucket (Iceberg warehouse/, publish/whale_scores/, artifacts/)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", var.processed_bucket_arn))
    error_message = "processed_bucket_arn must be an S3 bucket ARN."
  }
}

variable "checkpoint_bucket_arn" {
  description = "ARN of the Spark checkpoint bucket."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]{3,63}$", var.checkpoint_bucket_arn))
    error_message = "checkpoint_bucket_arn must be an S3 bucket ARN."
  }
}

variable "emr_log_s3_prefix" {
  description = "Key prefix in the raw bucket where EMR Serverless writes job logs (S3 monitoring configuration)."
  type        = string
  default     = "emr-logs/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.=/-]+/$", var.emr_log_s3_prefix))
    error_message = "emr_log_s3_prefix must be a key prefix ending in /."
  }
}

variable "score_snapshot_prefix" {
  description = "Key prefix in the processed bucket where Spark publishes score snapshots for the score-loader."
  type        = string
  default     = "publish/whale_scores/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.=/-]+/$", var.score_snapshot_prefix))
    error_message = "score_snapshot_prefix must be a key prefix ending in /."
  }
}

variable "alerts_table_arn" {
  description = "ARN of the DynamoDB alerts table."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/.+$", var.alerts_table_arn))
    error_message = "alerts_table_arn must be a DynamoDB table ARN."
  }
}

variable "scores_table_arn" {
  description = "ARN of the DynamoDB whale-scores table."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/.+$", var.scores_table_arn))
    error_message = "scores_table_arn must be a DynamoDB table ARN."
  }
}

variable "speed_layer_dlq_arn" {
  description = "ARN of the SQS queue receiving the speed layer's failed batches."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:.+$", var.speed_layer_dlq_arn))
    error_message = "speed_layer_dlq_arn must be an SQS queue ARN."
  }
}

variable "score_loader_dlq_arn" {
  description = "ARN of the score-loader's dead-letter queue."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:.+$", var.score_loader_dlq_arn))
    error_message = "score_loader_dlq_arn must be an SQS queue ARN."
  }
}

variable "glue_database_name" {
  description = "Name of the Glue (Iceberg catalog) database, e.g. crypto_pulse_analytics_dev_lake."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9_]{1,255}$", var.glue_database_name))
    error_message = "glue_database_name must be lower-case letters, digits and underscores."
  }
}

variable "emr_log_group_name" {
  description = "CloudWatch Logs group the EMR Serverless job writes to (monitoring configuration). null: \"/aws/emr-serverless/<prefix>\"."
  type        = string
  default     = null

  validation {
    condition     = var.emr_log_group_name == null || can(regex("^[A-Za-z0-9_./#-]{1,512}$", coalesce(var.emr_log_group_name, "x")))
    error_message = "emr_log_group_name must be a valid log group name."
  }
}

variable "firehose_log_group_name" {
  description = "CloudWatch Logs group of Firehose delivery errors. null: \"/aws/kinesisfirehose/<prefix>-raw\"."
  type        = string
  default     = null

  validation {
    condition     = var.firehose_log_group_name == null || can(regex("^[A-Za-z0-9_./#-]{1,512}$", coalesce(var.firehose_log_group_name, "x")))
    error_message = "firehose_log_group_name must be a valid log group name."
  }
}

variable "ssm_parameter_prefix" {
  description = "Path of the runtime configuration parameters the Lambda functions read. null: \"/<prefix>/config/\"."
  type        = string
  default     = null

  validation {
    condition     = var.ssm_parameter_prefix == null || can(regex("^/[A-Za-z0-9_./-]+/$", coalesce(var.ssm_parameter_prefix, "/x/")))
    error_message = "ssm_parameter_prefix must start and end with /."
  }
}

variable "metrics_namespace" {
  description = "The only CloudWatch namespace the producer and the Lambda functions may publish custom metrics to (cloudwatch:namespace condition)."
  type        = string
  default     = "CoatTail"

  validation {
    condition     = can(regex("^[A-Za-z0-9_./#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be a custom namespace (not AWS/...)."
  }
}

# ---------------------------------------------------------------------------------------------
# Producer
# ---------------------------------------------------------------------------------------------

variable "producer_trusted_services" {
  description = "AWS services that may assume the producer role (EC2 instance profile, ECS task role)."
  type        = list(string)
  default     = ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]

  validation {
    condition     = alltrue([for s in var.producer_trusted_services : contains(["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"], s)])
    error_message = "producer_trusted_services may contain only ec2.amazonaws.com and ecs-tasks.amazonaws.com."
  }
}

variable "producer_trusted_principal_arns" {
  description = "IAM principals (users/roles) that may assume the producer role to run it locally. Empty: this account (its root ARN), i.e. any principal whose own IAM policy allows sts:AssumeRole on the role."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.producer_trusted_principal_arns : can(regex("^arn:aws[a-z-]*:(iam::[0-9]{12}:(root|user/.+|role/.+)|sts::[0-9]{12}:assumed-role/.+)$", p))])
    error_message = "producer_trusted_principal_arns must hold IAM user, role or account-root ARNs."
  }
}

variable "producer_require_mfa" {
  description = "Require MFA (aws:MultiFactorAuthPresent) when a principal (not a service) assumes the producer role. Turn off only for principals that cannot carry MFA context (e.g. IAM Identity Center sessions)."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------
# GitHub Actions (OIDC)
# ---------------------------------------------------------------------------------------------

variable "github_repository" {
  description = "GitHub repository \"owner/name\" whose workflows may assume the CI roles. null: no OIDC provider and no CI roles."
  type        = string
  default     = null

  validation {
    condition     = var.github_repository == null || can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", coalesce(var.github_repository, "x/y")))
    error_message = "github_repository must be \"owner/name\"."
  }
}

variable "github_main_branch" {
  description = "Branch whose push workflows may use the plan role (deploy.yml plans on push to it)."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,255}$", var.github_main_branch))
    error_message = "github_main_branch must be a branch name."
  }
}

variable "github_environment" {
  description = "GitHub environment (with required reviewers) whose jobs may use the apply role."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,255}$", var.github_environment))
    error_message = "github_environment must be an environment name."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's IAM OIDC provider for token.actions.githubusercontent.com. An account has at most one per URL: set false and pass github_oidc_provider_arn when it exists already."
  type        = bool
  default     = true
}

variable "github_oidc_provider_arn" {
  description = "ARN of an existing GitHub OIDC provider (used when create_github_oidc_provider is false)."
  type        = string
  default     = null

  validation {
    condition     = var.github_oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", coalesce(var.github_oidc_provider_arn, "x")))
    error_message = "github_oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com OIDC provider."
  }
}

variable "github_oidc_thumbprints" {
  description = "Certificate thumbprints of token.actions.githubusercontent.com. AWS validates GitHub's tokens against its own trusted CAs and ignores these, but the API still stores a list."
  type        = list(string)
  default     = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]

  validation {
    condition     = length(var.github_oidc_thumbprints) >= 1 && length(var.github_oidc_thumbprints) <= 5 && alltrue([for t in var.github_oidc_thumbprints : can(regex("^[0-9a-f]{40}$", t))])
    error_message = "github_oidc_thumbprints must hold 1-5 lower-case 40-hex-digit SHA-1 thumbprints."
  }
}

variable "state_bucket_name" {
  description = "Terraform state bucket (crypto-pulse-analytics-tfstate-<account_id>, created by scripts/bootstrap-state.sh)."
  type        = string
  default     = null

  validation {
    condition     = var.state_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.state_bucket_name, "xxx")))
    error_message = "state_bucket_name must be a valid S3 bucket name."
  }
}

variable "lock_table_name" {
  description = "Terraform state lock table (crypto-pulse-analytics-tflock)."
  type        = string
  default     = null

  validation {
    condition     = var.lock_table_name == null || can(regex("^[A-Za-z0-9_.-]{3,255}$", coalesce(var.lock_table_name, "xxx")))
    error_message = "lock_table_name must be a valid DynamoDB table name."
  }
}

variable "tags" {
  description = "Extra tags merged onto every resource (the provider's default_tags carry the project tags)."
  type        = map(string)
  default     = {}
}
