mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
      arn        = "arn:aws:iam::123456789012:root"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:us-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }

  mock_resource "aws_dynamodb_table" {
    defaults = {
      arn = "arn:aws:dynamodb:us-west-2:123456789012:table/mock"
    }
  }
}

variables {
  name_prefix             = "crypto-pulse-analytics-dev"
  region                  = "us-west-2"
  log_group_name_patterns = ["/aws/lambda/crypto-pulse-analytics-dev-*"]
}

run "tables_follow_the_data_contract" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.alerts.name == "crypto-pulse-analytics-dev-alerts"
    error_message = "The alerts table must be named <prefix>-alerts."
  }

  assert {
    condition     = aws_dynamodb_table.alerts.hash_key == "wallet" && aws_dynamodb_table.alerts.range_key == "alert_key"
    error_message = "The alerts table keys must be wallet (hash) and alert_key (range)."
  }

  assert {
    condition = one([
      for g in aws_dynamodb_table.alerts.global_secondary_index : g
      if g.name == "by_day" && g.hash_key == "day" && g.range_key == "alert_key" && g.projection_type == "ALL"
    ]) != null
    error_message = "The alerts table needs the by_day index (day, alert_key, projection ALL)."
  }

  assert {
    condition     = aws_dynamodb_table.alerts.ttl[0].attribute_name == "expires_at" && aws_dynamodb_table.alerts.ttl[0].enabled
    error_message = "TTL must be enabled on expires_at."
  }

  assert {
    condition     = aws_dynamodb_table.whale_scores.name == "crypto-pulse-analytics-dev-whale-scores"
    error_message = "The scores table must be named <prefix>-whale-scores."
  }

  assert {
    condition     = aws_dynamodb_table.whale_scores.hash_key == "wallet" && aws_dynamodb_table.whale_scores.range_key == "horizon_ms"
    error_message = "The scores table keys must be wallet (hash) and horizon_ms (range)."
  }

  assert {
    condition = one([
      for a in aws_dynamodb_table.whale_scores.attribute : a.type if a.name == "horizon_ms"
    ]) == "N"
    error_message = "horizon_ms must be a number attribute."
  }

  assert {
    condition = one([
      for g in aws_dynamodb_table.whale_scores.global_secondary_index : g
      if g.name == "leaderboard" && g.hash_key == "board" && g.range_key == "shrunk_alpha"
    ]) != null
    error_message = "The scores table needs the sparse leaderboard index (board, shrunk_alpha)."
  }
}

run "tables_are_on_demand_recoverable_and_encrypted_with_the_cmk" {
  command = plan

  assert {
    condition = alltrue([
      for t in [aws_dynamodb_table.alerts, aws_dynamodb_table.whale_scores] :
      t.billing_mode == "PAY_PER_REQUEST" && t.point_in_time_recovery[0].enabled && t.server_side_encryption[0].enabled
    ])
    error_message = "Both tables must be PAY_PER_REQUEST with PITR and server-side encryption."
  }

  assert {
    condition = alltrue([
      for t in [aws_dynamodb_table.alerts, aws_dynamodb_table.whale_scores] :
      t.server_side_encryption[0].kms_key_arn == aws_kms_key.this.arn
    ])
    error_message = "Both tables must be encrypted with the module's customer managed key."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 7
    error_message = "The key must rotate and use the configured deletion window."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/crypto-pulse-analytics-dev-app"
    error_message = "The key alias must be alias/<prefix>-app."
  }
}

run "failure_queues_are_encrypted" {
  command = plan

  assert {
    condition     = aws_sqs_queue.speed_layer_dlq.name == "crypto-pulse-analytics-dev-speed-layer-dlq"
    error_message = "The speed layer's on-failure queue must be named <prefix>-speed-layer-dlq."
  }

  assert {
    condition = alltrue([
      for q in [aws_sqs_queue.speed_layer_dlq, aws_sqs_queue.score_loader_dlq] :
      q.kms_master_key_id == aws_kms_key.this.arn && q.message_retention_seconds == 1209600
    ])
    error_message = "Both queues must be encrypted with the CMK and keep messages 14 days by default."
  }
}

run "deletion_protection_can_be_switched_on" {
  command = plan

  variables {
    deletion_protection_enabled    = true
    point_in_time_recovery_enabled = false
  }

  assert {
    condition     = aws_dynamodb_table.alerts.deletion_protection_enabled && aws_dynamodb_table.whale_scores.deletion_protection_enabled
    error_message = "deletion_protection_enabled must reach both tables."
  }

  assert {
    condition     = !aws_dynamodb_table.alerts.point_in_time_recovery[0].enabled
    error_message = "point_in_time_recovery_enabled must reach the tables."
  }
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "Crypto_Pulse"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_bad_region" {
  command = plan

  variables {
    region = "uswest2"
  }

  expect_failures = [var.region]
}

run "rejects_bad_log_group_pattern" {
  command = plan

  variables {
    log_group_name_patterns = ["bad pattern with spaces"]
  }

  expect_failures = [var.log_group_name_patterns]
}

run "rejects_short_key_deletion_window" {
  command = plan

  variables {
    kms_deletion_window_in_days = 3
  }

  expect_failures = [var.kms_deletion_window_in_days]
}

run "rejects_too_long_queue_retention" {
  command = plan

  variables {
    dlq_message_retention_seconds = 1209601
  }

  expect_failures = [var.dlq_message_retention_seconds]
}
