variable "name_prefix" {
  description = "Prefix of every name in this module, e.g. \"crypto-pulse-analytics-dev\". The application becomes \"<prefix>-spark\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]{3,32}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower-case letters, digits and hyphens."
  }
}

variable "release_label" {
  description = "EMR release. Only the Spark 3.4 releases are accepted: emr-6.12.0 (Spark 3.4.0) to emr-6.15.0 (Spark 3.4.1). Inter-worker mTLS (spark.ssl.internode.enabled) needs emr-6.15.0."
  type        = string
  default     = "emr-6.15.0"

  validation {
    condition     = contains(["emr-6.12.0", "emr-6.13.0", "emr-6.14.0", "emr-6.15.0"], var.release_label)
    error_message = "release_label must be a Spark 3.4 release: emr-6.12.0, emr-6.13.0, emr-6.14.0 or emr-6.15.0."
  }
}

variable "architecture" {
  description = "CPU architecture of the workers: ARM64 (Graviton, about 20% cheaper per vCPU-hour) or X86_64. Jobs with native (non-pure-Python/JVM) dependencies must be built for it."
  type        = string
  default     = "ARM64"

  validation {
    condition     = contains(["ARM64", "X86_64"], var.architecture)
    error_message = "architecture must be ARM64 or X86_64."
  }
}

variable "max_vcpu" {
  description = "Cost cap: maximum vCPUs the application may hold across all running jobs (at most 4)."
  type        = number
  default     = 4

  validation {
    condition     = var.max_vcpu >= 1 && var.max_vcpu <= 4 && floor(var.max_vcpu) == var.max_vcpu
    error_message = "max_vcpu must be a whole number between 1 and 4 (the project's cost cap)."
  }
}

variable "max_memory_gb" {
  description = "Cost cap: maximum memory in GB the application may hold across all running jobs (at most 8)."
  type        = number
  default     = 8

  validation {
    condition     = var.max_memory_gb >= 2 && var.max_memory_gb <= 8 && floor(var.max_memory_gb) == var.max_memory_gb
    error_message = "max_memory_gb must be a whole number between 2 and 8 (the project's cost cap)."
  }
}

variable "max_disk_gb" {
  description = "Cost cap: maximum ephemeral disk in GB across all workers. Every worker gets at least 20 GB (free up to 20 GB per worker), so the default 80 GB admits the driver plus three executors."
  type        = number
  default     = 80

  validation {
    condition     = var.max_disk_gb >= 20 && var.max_disk_gb <= 200 && floor(var.max_disk_gb) == var.max_disk_gb
    error_message = "max_disk_gb must be a whole number between 20 and 200."
  }
}

variable "auto_stop_idle_minutes" {
  description = "The application stops after this many idle minutes (auto-stop is always on; auto-start is always on)."
  type        = number
  default     = 15

  validation {
    condition     = var.auto_stop_idle_minutes >= 1 && var.auto_stop_idle_minutes <= 60 && floor(var.auto_stop_idle_minutes) == var.auto_stop_idle_minutes
    error_message = "auto_stop_idle_minutes must be a whole number between 1 and 60."
  }
}

variable "driver_vcpu" {
  description = "vCPUs of the Spark driver worker (EMR Serverless sizes: 1, 2 or 4)."
  type        = number
  default     = 1

  validation {
    condition     = contains([1, 2, 4], var.driver_vcpu)
    error_message = "driver_vcpu must be 1, 2 or 4."
  }
}

variable "driver_memory_gb" {
  description = "Memory in GB of the Spark driver worker, JVM heap plus overhead (1 vCPU: 2-8 GB, 2 vCPU: 4-16 GB, 4 vCPU: 8-30 GB)."
  type        = number
  default     = 2

  validation {
    condition     = var.driver_memory_gb >= 2 && var.driver_memory_gb <= 30 && floor(var.driver_memory_gb) == var.driver_memory_gb
    error_message = "driver_memory_gb must be a whole number between 2 and 30."
  }
}

variable "executor_vcpu" {
  description = "vCPUs of each Spark executor worker (EMR Serverless sizes: 1, 2 or 4)."
  type        = number
  default     = 1

  validation {
    condition     = contains([1, 2, 4], var.executor_vcpu)
    error_message = "executor_vcpu must be 1, 2 or 4."
  }
}

variable "executor_memory_gb" {
  description = "Memory in GB of each Spark executor worker, JVM heap plus overhead (1 vCPU: 2-8 GB, 2 vCPU: 4-16 GB, 4 vCPU: 8-30 GB)."
  type        = number
  default     = 2

  validation {
    condition     = var.executor_memory_gb >= 2 && var.executor_memory_gb <= 30 && floor(var.executor_memory_gb) == var.executor_memory_gb
    error_message = "executor_memory_gb must be a whole number between 2 and 30."
  }
}

variable "worker_disk_gb" {
  description = "Ephemeral disk in GB of every worker (20-200; 20 GB per worker is included in the price)."
  type        = number
  default     = 20

  validation {
    condition     = var.worker_disk_gb >= 20 && var.worker_disk_gb <= 200 && floor(var.worker_disk_gb) == var.worker_disk_gb
    error_message = "worker_disk_gb must be a whole number between 20 and 200."
  }
}

variable "kms_key_arn" {
  description = "Customer managed key (the kinesis module's streams key) that encrypts the job logs: the CloudWatch log group, the CloudWatch log streams and EMR managed storage (Spark UI event logs). Its key policy must allow logs.<region>.amazonaws.com for /aws/emr-serverless/<prefix>-* and emr-serverless.amazonaws.com; the job execution role needs kms:GenerateDataKey/kms:Decrypt on it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the job log group /aws/emr-serverless/<prefix>-spark."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "s3_log_uri" {
  description = "Optional S3 location for a copy of the job logs (e.g. the s3-lakehouse output emr_log_uri, s3://<raw>/emr-logs/). Written with the bucket default encryption (SSE-S3; see README). null: no S3 copy."
  type        = string
  default     = null

  validation {
    condition     = var.s3_log_uri == null || can(regex("^s3://[a-z0-9.-]{3,63}(/.*)?/$", var.s3_log_uri))
    error_message = "s3_log_uri must look like s3://bucket/prefix/ (ending with a slash) or be null."
  }
}

variable "spark_auth_secret_arn" {
  description = <<-EOT
    Optional Secrets Manager secret holding a shared secret for Spark RPC authentication. When set, the
    exported Spark configuration adds spark.authenticate=true, spark.network.crypto.enabled=true and
    spark.authenticate.secret=EMR.secret@<arn> (EMR Serverless resolves the reference at run time; the
    execution role needs secretsmanager:GetSecretValue on it). null: rely on EMR Serverless inter-worker
    mutual TLS (spark.ssl.internode.enabled, emr-6.15.0+), because outside YARN/Kubernetes Spark refuses
    spark.authenticate without a configured secret.
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.spark_auth_secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.spark_auth_secret_arn))
    error_message = "spark_auth_secret_arn must be a Secrets Manager secret ARN or null."
  }
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic (from the monitoring module) that receives the job-failure events. Its topic policy must allow events.amazonaws.com for rule/<prefix>-*."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be an SNS topic ARN."
  }
}

variable "tags" {
  description = "Extra tags merged onto every resource (the root provider's default_tags carry the project tags)."
  type        = map(string)
  default     = {}
}
