output "application_id" {
  description = "EMR Serverless application id (StartJobRun --application-id)."
  value       = aws_emrserverless_application.spark.id
}

output "application_arn" {
  description = "EMR Serverless application ARN (scope emr-serverless:StartJobRun etc. in IAM)."
  value       = aws_emrserverless_application.spark.arn
}

output "application_name" {
  description = "EMR Serverless application name (<prefix>-spark)."
  value       = aws_emrserverless_application.spark.name
}

output "release_label" {
  description = "EMR release of the application (Spark 3.4)."
  value       = aws_emrserverless_application.spark.release_label
}

output "architecture" {
  description = "Worker CPU architecture."
  value       = var.architecture
}

output "maximum_capacity" {
  description = "The cost cap of the application."
  value = {
    cpu    = "${var.max_vcpu} vCPU"
    memory = "${var.max_memory_gb} GB"
    disk   = "${var.max_disk_gb} GB"
  }
}

output "driver_cores" {
  description = "spark.driver.cores."
  value       = var.driver_vcpu
}

output "driver_memory" {
  description = "spark.driver.memory (JVM heap; the worker also holds driver_memory_overhead)."
  value       = "${local.driver_heap_mb}m"
}

output "driver_memory_overhead" {
  description = "spark.driver.memoryOverhead."
  value       = "${local.driver_overhead_mb}m"
}

output "executor_cores" {
  description = "spark.executor.cores."
  value       = var.executor_vcpu
}

output "executor_memory" {
  description = "spark.executor.memory (JVM heap; the worker also holds executor_memory_overhead)."
  value       = "${local.executor_heap_mb}m"
}

output "executor_memory_overhead" {
  description = "spark.executor.memoryOverhead."
  value       = "${local.executor_overhead_mb}m"
}

output "max_executors" {
  description = "spark.dynamicAllocation.maxExecutors: executors that fit next to the driver inside the cap."
  value       = local.max_executors
}

output "worker_disk" {
  description = "Ephemeral disk per worker (spark.emr-serverless.driver.disk / executor.disk)."
  value       = "${var.worker_disk_gb}G"
}

output "worker_sizes" {
  description = "The sizes as plain numbers (for scripts that build their own Spark arguments): cores, heap and overhead in MB, executors, disk in GB."
  value = {
    driver_cores                = var.driver_vcpu
    driver_memory_mb            = local.driver_heap_mb
    driver_memory_overhead_mb   = local.driver_overhead_mb
    executor_cores              = var.executor_vcpu
    executor_memory_mb          = local.executor_heap_mb
    executor_memory_overhead_mb = local.executor_overhead_mb
    max_executors               = local.max_executors
    worker_disk_gb              = var.worker_disk_gb
  }
}

output "spark_conf" {
  description = "Spark configuration that fits the cap and turns on the encryption settings (map; also rendered in spark_submit_parameters)."
  value       = local.spark_conf
}

output "spark_submit_parameters" {
  description = "The same configuration as one string for StartJobRun jobDriver.sparkSubmit.sparkSubmitParameters (append --py-files etc. as needed)."
  value       = local.spark_submit_parameters
}

output "in_transit_encryption" {
  description = "How traffic between Spark workers is protected: emr-mtls (spark.ssl.internode.enabled), spark-rpc-auth (spark.authenticate + spark.network.crypto), both, or none."
  value = (
    local.internode_tls && local.spark_rpc_auth ? "emr-mtls+spark-rpc-auth" :
    local.internode_tls ? "emr-mtls" :
    local.spark_rpc_auth ? "spark-rpc-auth" : "none"
  )
}

output "monitoring_configuration" {
  description = "StartJobRun configurationOverrides.monitoringConfiguration: CloudWatch Logs and managed storage encrypted with the customer managed key, optional S3 copy."
  value       = local.monitoring_configuration
}

output "configuration_overrides_json" {
  description = "JSON for `aws emr-serverless start-job-run --configuration-overrides` (monitoringConfiguration only; Spark settings travel in spark_submit_parameters)."
  value       = jsonencode({ monitoringConfiguration = local.monitoring_configuration })
}

output "log_group_name" {
  description = "CloudWatch log group of the job logs."
  value       = aws_cloudwatch_log_group.jobs.name
}

output "log_group_arn" {
  description = "ARN of the job log group (the execution role needs logs:DescribeLogGroups, logs:CreateLogStream, logs:DescribeLogStreams, logs:PutLogEvents on it)."
  value       = aws_cloudwatch_log_group.jobs.arn
}

output "job_failure_rule_name" {
  description = "EventBridge rule that forwards FAILED job runs to SNS."
  value       = aws_cloudwatch_event_rule.job_failed.name
}

output "job_failure_rule_arn" {
  description = "ARN of the job-failure EventBridge rule."
  value       = aws_cloudwatch_event_rule.job_failed.arn
}
