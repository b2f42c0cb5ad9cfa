# The batch/scoring compute: one EMR Serverless Spark 3.4 application with a hard capacity cap, no
# pre-initialised capacity, auto-start and auto-stop, plus the job log group, the Spark settings
# that fit the cap (exported for job submission) and an EventBridge rule that turns a FAILED job run
# into an SNS notification. The execution role lives in the iam module. See README.md.

locals {
  application_name = "${var.name_prefix}-spark"
  log_group_name   = "/aws/emr-serverless/${local.application_name}"

  # --- Worker sizes that fit the cap ---------------------------------------------------------
  # A worker's memory = JVM heap + memoryOverhead (Spark default max(384 MB, 10 %)); EMR Serverless
  # rounds the sum up to whole GB. Overhead is set explicitly and 128 MB is left as headroom, so a
  # 2 GB worker runs a 1536 MB heap + 384 MB overhead = 1920 MB.
  driver_mb            = var.driver_memory_gb * 1024
  executor_mb          = var.executor_memory_gb * 1024
  driver_overhead_mb   = max(384, ceil(local.driver_mb * 0.1))
  executor_overhead_mb = max(384, ceil(local.executor_mb * 0.1))
  driver_heap_mb       = local.driver_mb - local.driver_overhead_mb - 128
  executor_heap_mb     = local.executor_mb - local.executor_overhead_mb - 128

  # How many executors fit next to the driver inside every dimension of the cap.
  max_executors = max(0, min(
    floor((var.max_vcpu - var.driver_vcpu) / var.executor_vcpu),
    floor((var.max_memory_gb - var.driver_memory_gb) / var.executor_memory_gb),
    floor((var.max_disk_gb - var.worker_disk_gb) / var.worker_disk_gb),
  ))

  # EMR Serverless worker sizes: 1 vCPU 2-8 GB, 2 vCPU 4-16 GB, 4 vCPU 8-30 GB.
  max_memory_for_vcpu = { 1 = 8, 2 = 16, 4 = 30 }
  driver_size_valid   = var.driver_memory_gb >= 2 * var.driver_vcpu && var.driver_memory_gb <= local.max_memory_for_vcpu[var.driver_vcpu]
  executor_size_valid = var.executor_memory_gb >= 2 * var.executor_vcpu && var.executor_memory_gb <= local.max_memory_for_vcpu[var.executor_vcpu]

  # --- Encryption in transit / on local disk ---------------------------------------------------
  internode_tls  = var.release_label == "emr-6.15.0"
  spark_rpc_auth = var.spark_auth_secret_arn != null

  sizing_conf = {
    "spark.driver.cores"                       = tostring(var.driver_vcpu)
    "spark.driver.memory"                      = "${local.driver_heap_mb}m"
    "spark.driver.memoryOverhead"              = "${local.driver_overhead_mb}m"
    "spark.executor.cores"                     = tostring(var.executor_vcpu)
    "spark.executor.memory"                    = "${local.executor_heap_mb}m"
    "spark.executor.memoryOverhead"            = "${local.executor_overhead_mb}m"
    "spark.emr-serverless.driver.disk"         = "${var.worker_disk_gb}G"
    "spark.emr-serverless.executor.disk"       = "${var.worker_disk_gb}G"
    "spark.dynamicAllocation.enabled"          = "true"
    "spark.dynamicAllocation.minExecutors"     = "1"
    "spark.dynamicAllocation.initialExecutors" = "1"
    "spark.dynamicAllocation.maxExecutors"     = tostring(local.max_executors)
  }

  encryption_conf = merge(
    # Shuffle files, spills and cached blocks on the worker's local disk.
    { "spark.io.encryption.enabled" = "true" },
    # EMR-managed mutual TLS between workers (control messages and shuffle), emr-6.15.0+.
    local.internode_tls ? { "spark.ssl.internode.enabled" = "true" } : {},
    # Spark's own RPC authentication + AES encryption; needs a shared secret outside YARN/Kubernetes.
    local.spark_rpc_auth ? {
      "spark.authenticate"           = "true"
      "spark.network.crypto.enabled" = "true"
      "spark.authenticate.secret"    = "EMR.secret@${var.spark_auth_secret_arn}"
    } : {},
  )

  # Iceberg timestamp columns are UTC without zone (glue module); pin the session zone.
  session_conf = { "spark.sql.session.timeZone" = "UTC" }

  spark_conf = merge(local.sizing_conf, local.session_conf, local.encryption_conf)

  spark_submit_parameters = join(" ", [for k in sort(keys(local.spark_conf)) : "--conf ${k}=${local.spark_conf[k]}"])

  # --- Job monitoring configuration (StartJobRun configurationOverrides.monitoringConfiguration) --
  # Provider 5.100 has no monitoring_configuration on the application (added in 6.19), so the job
  # submission script passes this with every StartJobRun. S3 copy: bucket default encryption only.
  monitoring_configuration = merge(
    {
      managedPersistenceMonitoringConfiguration = {
        enabled          = true
        encryptionKeyArn = var.kms_key_arn
      }
      cloudWatchLoggingConfiguration = {
        enabled             = true
        logGroupName        = local.log_group_name
        logStreamNamePrefix = "jobs"
        encryptionKeyArn    = var.kms_key_arn
        logTypes = {
          SPARK_DRIVER   = ["STDOUT", "STDERR"]
          SPARK_EXECUTOR = ["STDOUT", "STDERR"]
        }
      }
    },
    var.s3_log_uri == null ? {} : {
      s3MonitoringConfiguration = {
        logUri = var.s3_log_uri
      }
    },
  )
}

# ---------------------------------------------------------------------------------------------
# Application
# ---------------------------------------------------------------------------------------------

resource "aws_emrserverless_application" "spark" {
  name          = local.application_name
  release_label = var.release_label
  # Upper case: AWS accepts it, moto accepts only upper case, and the provider stores it lower-cased
  # (StateFunc), so plans stay empty after apply.
  type         = "SPARK"
  architecture = var.architecture

  auto_start_configuration {
    enabled = true
  }

  auto_stop_configuration {
    enabled              = true
    idle_timeout_minutes = var.auto_stop_idle_minutes
  }

  # The cost cap. No initial_capacity block: nothing is pre-initialised, so an idle application
  # holds no workers and costs nothing.
  maximum_capacity {
    cpu    = "${var.max_vcpu} vCPU"
    memory = "${var.max_memory_gb} GB"
    disk   = "${var.max_disk_gb} GB"
  }

  # No network_configuration: jobs reach S3, Glue, KMS, STS and CloudWatch Logs without a VPC.

  # With provider >= 6.19 the job monitoring configuration can move here:
  #   monitoring_configuration { cloudwatch_logging_configuration { ... } managed_persistence_monitoring_configuration { ... } }
  # Until then it is exported (output monitoring_configuration) for StartJobRun.

  tags = merge(var.tags, { Name = local.application_name })

  lifecycle {
    precondition {
      condition     = local.driver_size_valid && local.executor_size_valid
      error_message = "Driver and executor sizes must be valid EMR Serverless workers: 1 vCPU with 2-8 GB, 2 vCPU with 4-16 GB, 4 vCPU with 8-30 GB."
    }

    precondition {
      condition     = local.max_executors >= 1
      error_message = "The driver plus at least one executor must fit into max_vcpu / max_memory_gb / max_disk_gb."
    }
  }
}

resource "aws_cloudwatch_log_group" "jobs" {
  #checkov:skip=CKV_AWS_338:Job stdout/stderr are debugging aids; 30 days (variable) bounds the CloudWatch storage cost of a dev stack. EMR managed storage keeps the Spark UI logs, the optional S3 copy keeps logs for the raw bucket's 90 days.
  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.kms_key_arn

  tags = merge(var.tags, { Name = local.log_group_name })
}

# ---------------------------------------------------------------------------------------------
# Job failure notification: EventBridge -> SNS
# ---------------------------------------------------------------------------------------------

resource "aws_cloudwatch_event_rule" "job_failed" {
  name        = "${var.name_prefix}-emr-job-failed"
  description = "A job run of EMR Serverless application ${local.application_name} reached state FAILED."

  event_pattern = jsonencode({
    source        = ["aws.emr-serverless"]
    "detail-type" = ["EMR Serverless Job Run State Change"]
    detail = {
      applicationId = [aws_emrserverless_application.spark.id]
      state         = ["FAILED"]
    }
  })

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "job_failed_sns" {
  rule      = aws_cloudwatch_event_rule.job_failed.name
  target_id = "sns-alarm-topic"
  arn       = var.alarm_sns_topic_arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 20
  }
}
