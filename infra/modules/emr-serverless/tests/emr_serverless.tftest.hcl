# Plan-only tests with a mocked AWS provider: they pin the cost cap, the lifecycle settings, the
# exported Spark sizes and the job-failure route.
# Run: terraform init -backend=false -plugin-dir=/opt/tf-plugins && terraform test

mock_provider "aws" {
  mock_resource "aws_emrserverless_application" {
    override_during = plan
    defaults = {
      id  = "00fabcdefghijklm"
      arn = "arn:aws:emr-serverless:us-west-2:123456789012:/applications/00fabcdefghijklm"
    }
  }
}

variables {
  name_prefix         = "crypto-pulse-analytics-dev"
  kms_key_arn         = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
  alarm_sns_topic_arn = "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms"
}

run "spark_34_application_with_lifecycle" {
  command = plan

  assert {
    condition     = aws_emrserverless_application.spark.name == "crypto-pulse-analytics-dev-spark"
    error_message = "The application name is part of the data contract."
  }

  assert {
    condition     = aws_emrserverless_application.spark.release_label == "emr-6.15.0"
    error_message = "Default release must be emr-6.15.0 (Spark 3.4.1)."
  }

  assert {
    condition     = upper(aws_emrserverless_application.spark.type) == "SPARK"
    error_message = "The application must be a Spark application."
  }

  assert {
    condition     = aws_emrserverless_application.spark.auto_start_configuration[0].enabled == true
    error_message = "Auto-start must be on."
  }

  assert {
    condition = (
      aws_emrserverless_application.spark.auto_stop_configuration[0].enabled == true &&
      aws_emrserverless_application.spark.auto_stop_configuration[0].idle_timeout_minutes == 15
    )
    error_message = "Auto-stop must be on after 15 idle minutes."
  }

  assert {
    condition     = length(aws_emrserverless_application.spark.initial_capacity) == 0
    error_message = "No pre-initialised capacity (an idle application must hold no workers)."
  }

  assert {
    condition     = length(aws_emrserverless_application.spark.network_configuration) == 0
    error_message = "The application runs without VPC access (data contract)."
  }
}

run "maximum_capacity_is_the_cost_cap" {
  command = plan

  assert {
    condition = (
      aws_emrserverless_application.spark.maximum_capacity[0].cpu == "4 vCPU" &&
      aws_emrserverless_application.spark.maximum_capacity[0].memory == "8 GB" &&
      aws_emrserverless_application.spark.maximum_capacity[0].disk == "80 GB"
    )
    error_message = "Maximum capacity must be 4 vCPU / 8 GB / 80 GB by default."
  }
}

run "driver_and_executors_fit_the_cap" {
  command = plan

  assert {
    condition = (
      output.driver_cores == 1 && output.driver_memory == "1536m" && output.driver_memory_overhead == "384m" &&
      output.executor_cores == 1 && output.executor_memory == "1536m" && output.executor_memory_overhead == "384m"
    )
    error_message = "Default workers: 1 vCPU, 1536 MB heap + 384 MB overhead (fits a 2 GB worker)."
  }

  assert {
    condition     = output.max_executors == 3
    error_message = "1 driver + 3 executors of 1 vCPU / 2 GB fill the 4 vCPU / 8 GB cap."
  }

  assert {
    condition = output.worker_sizes == {
      driver_cores                = 1
      driver_memory_mb            = 1536
      driver_memory_overhead_mb   = 384
      executor_cores              = 1
      executor_memory_mb          = 1536
      executor_memory_overhead_mb = 384
      max_executors               = 3
      worker_disk_gb              = 20
    }
    error_message = "worker_sizes must export the same sizes as numbers."
  }

  # Whole application at full scale stays inside the cap, overhead included.
  assert {
    condition = (
      output.driver_cores + output.max_executors * output.executor_cores <= 4 &&
      (1536 + 384) + output.max_executors * (1536 + 384) <= 8 * 1024 &&
      (1 + output.max_executors) * 20 <= 80
    )
    error_message = "Driver plus max executors must fit 4 vCPU, 8 GB and 80 GB including memory overhead."
  }

  assert {
    condition     = output.spark_conf["spark.dynamicAllocation.maxExecutors"] == "3"
    error_message = "Dynamic allocation must be capped at the executors that fit."
  }

  assert {
    condition = alltrue([
      for s in [
        "--conf spark.driver.cores=1",
        "--conf spark.driver.memory=1536m",
        "--conf spark.executor.memory=1536m",
        "--conf spark.executor.memoryOverhead=384m",
        "--conf spark.emr-serverless.executor.disk=20G",
        "--conf spark.dynamicAllocation.maxExecutors=3",
        "--conf spark.sql.session.timeZone=UTC",
      ] : strcontains(output.spark_submit_parameters, s)
    ])
    error_message = "spark_submit_parameters must carry the sizes."
  }
}

run "encryption_settings_exported" {
  command = plan

  assert {
    condition     = output.spark_conf["spark.io.encryption.enabled"] == "true"
    error_message = "Local disk (shuffle/spill) encryption must be on."
  }

  assert {
    condition     = output.spark_conf["spark.ssl.internode.enabled"] == "true" && output.in_transit_encryption == "emr-mtls"
    error_message = "emr-6.15.0 must use EMR inter-worker mutual TLS."
  }

  assert {
    condition     = !contains(keys(output.spark_conf), "spark.authenticate")
    error_message = "Without a shared secret spark.authenticate must stay off (Spark would refuse to start)."
  }

  assert {
    condition = (
      output.monitoring_configuration.cloudWatchLoggingConfiguration.enabled == true &&
      output.monitoring_configuration.cloudWatchLoggingConfiguration.encryptionKeyArn == "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555" &&
      output.monitoring_configuration.cloudWatchLoggingConfiguration.logGroupName == "/aws/emr-serverless/crypto-pulse-analytics-dev-spark" &&
      output.monitoring_configuration.managedPersistenceMonitoringConfiguration.encryptionKeyArn == "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
    )
    error_message = "Job logs (CloudWatch and managed storage) must be encrypted with the customer managed key."
  }

  assert {
    condition     = !can(output.monitoring_configuration.s3MonitoringConfiguration)
    error_message = "No S3 log copy unless s3_log_uri is set."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.jobs.name == "/aws/emr-serverless/crypto-pulse-analytics-dev-spark" &&
      aws_cloudwatch_log_group.jobs.kms_key_id == "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555" &&
      aws_cloudwatch_log_group.jobs.retention_in_days == 30
    )
    error_message = "The job log group is KMS-encrypted with a retention."
  }

  assert {
    condition     = can(jsondecode(output.configuration_overrides_json).monitoringConfiguration.cloudWatchLoggingConfiguration)
    error_message = "configuration_overrides_json must be valid JSON for --configuration-overrides."
  }
}

run "rpc_auth_with_secret_and_s3_logs" {
  command = plan

  variables {
    spark_auth_secret_arn = "arn:aws:secretsmanager:us-west-2:123456789012:secret:spark-auth-AbCdEf"
    s3_log_uri            = "s3://crypto-pulse-analytics-dev-raw-123456789012/emr-logs/"
  }

  assert {
    condition = (
      output.spark_conf["spark.authenticate"] == "true" &&
      output.spark_conf["spark.network.crypto.enabled"] == "true" &&
      output.spark_conf["spark.authenticate.secret"] == "EMR.secret@arn:aws:secretsmanager:us-west-2:123456789012:secret:spark-auth-AbCdEf"
    )
    error_message = "A secret turns on Spark RPC authentication and AES encryption."
  }

  assert {
    condition     = output.in_transit_encryption == "emr-mtls+spark-rpc-auth"
    error_message = "Both in-transit mechanisms are reported."
  }

  assert {
    condition = (
      output.monitoring_configuration.s3MonitoringConfiguration.logUri == "s3://crypto-pulse-analytics-dev-raw-123456789012/emr-logs/" &&
      !can(output.monitoring_configuration.s3MonitoringConfiguration.encryptionKeyArn)
    )
    error_message = "The S3 log copy uses the bucket default encryption (the lakehouse policy accepts only SSE-S3)."
  }
}

run "older_spark_34_release_has_no_internode_tls" {
  command = plan

  variables {
    release_label = "emr-6.12.0"
  }

  assert {
    condition     = !contains(keys(output.spark_conf), "spark.ssl.internode.enabled") && output.in_transit_encryption == "none"
    error_message = "Inter-worker mTLS is only available from emr-6.15.0."
  }
}

run "job_failure_rule_routes_to_sns" {
  command = plan

  assert {
    condition = (
      jsondecode(aws_cloudwatch_event_rule.job_failed.event_pattern).source == ["aws.emr-serverless"] &&
      jsondecode(aws_cloudwatch_event_rule.job_failed.event_pattern)["detail-type"] == ["EMR Serverless Job Run State Change"] &&
      jsondecode(aws_cloudwatch_event_rule.job_failed.event_pattern).detail.state == ["FAILED"]
    )
    error_message = "The rule must match FAILED job-run state changes."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.job_failed.event_pattern).detail.applicationId == ["00fabcdefghijklm"]
    error_message = "The rule must be scoped to this application."
  }

  assert {
    condition     = aws_cloudwatch_event_target.job_failed_sns.arn == "arn:aws:sns:us-west-2:123456789012:crypto-pulse-analytics-dev-alarms"
    error_message = "The rule must publish to the alarm topic."
  }

  assert {
    condition     = startswith(aws_cloudwatch_event_rule.job_failed.name, "crypto-pulse-analytics-dev-")
    error_message = "The rule name starts with the prefix (the topic policy allows events for rule/<prefix>-*)."
  }
}

run "smaller_cap_shrinks_executors" {
  command = plan

  variables {
    max_vcpu      = 2
    max_memory_gb = 4
    max_disk_gb   = 40
  }

  assert {
    condition     = output.max_executors == 1
    error_message = "A 2 vCPU / 4 GB cap fits the driver and one executor."
  }
}

# ---------------------------------------------------------------------------------------------
# Validations and preconditions
# ---------------------------------------------------------------------------------------------

run "rejects_emr_7" {
  command = plan

  variables {
    release_label = "emr-7.1.0"
  }

  expect_failures = [var.release_label]
}

run "rejects_emr_6_11" {
  command = plan

  variables {
    release_label = "emr-6.11.0"
  }

  expect_failures = [var.release_label]
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "x"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_bad_architecture" {
  command = plan

  variables {
    architecture = "arm64"
  }

  expect_failures = [var.architecture]
}

run "rejects_vcpu_above_cap" {
  command = plan

  variables {
    max_vcpu = 8
  }

  expect_failures = [var.max_vcpu]
}

run "rejects_memory_above_cap" {
  command = plan

  variables {
    max_memory_gb = 16
  }

  expect_failures = [var.max_memory_gb]
}

run "rejects_disk_above_cap" {
  command = plan

  variables {
    max_disk_gb = 500
  }

  expect_failures = [var.max_disk_gb]
}

run "rejects_auto_stop_out_of_range" {
  command = plan

  variables {
    auto_stop_idle_minutes = 0
  }

  expect_failures = [var.auto_stop_idle_minutes]
}

run "rejects_bad_driver_vcpu" {
  command = plan

  variables {
    driver_vcpu = 3
  }

  expect_failures = [var.driver_vcpu]
}

run "rejects_bad_driver_memory" {
  command = plan

  variables {
    driver_memory_gb = 1
  }

  expect_failures = [var.driver_memory_gb]
}

run "rejects_bad_executor_vcpu" {
  command = plan

  variables {
    executor_vcpu = 8
  }

  expect_failures = [var.executor_vcpu]
}

run "rejects_bad_executor_memory" {
  command = plan

  variables {
    executor_memory_gb = 64
  }

  expect_failures = [var.executor_memory_gb]
}

run "rejects_bad_worker_disk" {
  command = plan

  variables {
    worker_disk_gb = 10
  }

  expect_failures = [var.worker_disk_gb]
}

run "rejects_bad_kms_key_arn" {
  command = plan

  variables {
    kms_key_arn = "alias/crypto-pulse-analytics-dev-streams"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_bad_log_retention" {
  command = plan

  variables {
    log_retention_in_days = 10
  }

  expect_failures = [var.log_retention_in_days]
}

run "rejects_bad_s3_log_uri" {
  command = plan

  variables {
    s3_log_uri = "s3://bucket/no-trailing-slash"
  }

  expect_failures = [var.s3_log_uri]
}

run "rejects_bad_secret_arn" {
  command = plan

  variables {
    spark_auth_secret_arn = "my-secret"
  }

  expect_failures = [var.spark_auth_secret_arn]
}

run "rejects_bad_topic_arn" {
  command = plan

  variables {
    alarm_sns_topic_arn = "arn:aws:sqs:us-west-2:123456789012:queue"
  }

  expect_failures = [var.alarm_sns_topic_arn]
}

run "rejects_invalid_worker_size" {
  command = plan

  # 2 vCPU needs at least 4 GB.
  variables {
    driver_vcpu      = 2
    driver_memory_gb = 2
  }

  expect_failures = [aws_emrserverless_application.spark]
}

run "rejects_driver_that_leaves_no_room_for_executors" {
  command = plan

  variables {
    driver_vcpu      = 4
    driver_memory_gb = 8
  }

  expect_failures = [aws_emrserverless_application.spark]
}
