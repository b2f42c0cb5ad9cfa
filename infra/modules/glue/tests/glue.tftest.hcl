# Plan-only tests with a mocked AWS provider: they pin the database name, the Iceberg table
# definitions and the seed schemas of the data contract.
# Run: terraform init -backend=false -plugin-dir=/opt/tf-plugins && terraform test

mock_provider "aws" {}

variables {
  name_prefix           = "crypto-pulse-analytics-dev"
  processed_bucket_name = "crypto-pulse-analytics-dev-processed-123456789012"
}

run "database_follows_contract" {
  command = plan

  assert {
    condition     = aws_glue_catalog_database.lake.name == "crypto_pulse_analytics_dev_lake"
    error_message = "Database name must be <prefix with - replaced by _>_lake."
  }

  assert {
    condition     = aws_glue_catalog_database.lake.location_uri == "s3://crypto-pulse-analytics-dev-processed-123456789012/warehouse/crypto_pulse_analytics_dev_lake.db"
    error_message = "Database location must be the warehouse/<db>.db prefix of the processed bucket."
  }
}

run "four_iceberg_v2_tables" {
  command = plan

  assert {
    condition     = sort(keys(aws_glue_catalog_table.iceberg)) == sort(["alerts_history", "prices", "trades", "whale_scores"])
    error_message = "Exactly the four contract tables."
  }

  assert {
    condition = alltrue([
      for t in aws_glue_catalog_table.iceberg :
      t.table_type == "EXTERNAL_TABLE" &&
      t.open_table_format_input[0].iceberg_input[0].metadata_operation == "CREATE" &&
      t.open_table_format_input[0].iceberg_input[0].version == "2"
    ])
    error_message = "Every table is an Iceberg v2 table created through the Glue API."
  }

  assert {
    condition = alltrue([
      for k, t in aws_glue_catalog_table.iceberg :
      t.storage_descriptor[0].location == "s3://crypto-pulse-analytics-dev-processed-123456789012/warehouse/crypto_pulse_analytics_dev_lake.db/${k}"
    ])
    error_message = "Table locations must be s3://<processed>/warehouse/<db>.db/<table>."
  }

  assert {
    condition     = alltrue([for t in aws_glue_catalog_table.iceberg : length(t.partition_keys) == 0])
    error_message = "No Hive partition keys: Iceberg partitioning is a hidden partition spec owned by Spark."
  }
}

run "seed_schemas_match_data_contract" {
  command = plan

  assert {
    condition = [for c in aws_glue_catalog_table.iceberg["trades"].storage_descriptor[0].columns : "${c.name}:${c.type}"] == [
      "chain:string", "block_number:bigint", "block_time:timestamp", "tx_hash:string", "log_index:bigint",
      "wallet:string", "token:string", "side:string", "amount:double", "price_usd:double", "usd_value:double",
      "removed:boolean", "ingest_time:timestamp",
    ]
    error_message = "trades columns differ from the data contract."
  }

  assert {
    condition = [for c in aws_glue_catalog_table.iceberg["prices"].storage_descriptor[0].columns : "${c.name}:${c.type}"] == [
      "token:string", "time:timestamp", "price_usd:double",
    ]
    error_message = "prices columns differ from the data contract."
  }

  assert {
    condition = [for c in aws_glue_catalog_table.iceberg["whale_scores"].storage_descriptor[0].columns : "${c.name}:${c.type}"] == [
      "wallet:string", "horizon_ms:bigint", "tier:string", "effective_n:double", "mean_return:double",
      "std_error:double", "shrunk_alpha:double", "t_stat:double", "p_value:double", "q_value:double",
      "hit_rate:double", "hit_rate_lower:double", "smart_money:boolean", "bot_like:boolean",
      "exchange_like:boolean", "wash_like:boolean", "realized_pnl_usd:double", "unrealized_pnl_usd:double",
      "volume_usd:double", "trade_count:bigint", "as_of:timestamp", "computed_at:timestamp",
    ]
    error_message = "whale_scores columns differ from the data contract."
  }

  assert {
    condition = [for c in aws_glue_catalog_table.iceberg["alerts_history"].storage_descriptor[0].columns : "${c.name}:${c.type}"] == [
      "alert_id:string", "rule:string", "chain:string", "tx_hash:string", "log_index:bigint", "wallet:string",
      "token:string", "side:string", "usd_value:double", "shrunk_alpha:double", "t_stat:double", "q_value:double",
      "effective_n:double", "hit_rate:double", "reason:string", "event_time:timestamp",
    ]
    error_message = "alerts_history columns differ from the data contract."
  }
}

run "partition_specs_exported_for_spark" {
  command = plan

  assert {
    condition = output.partition_specs == {
      trades         = ["days(block_time)"]
      prices         = ["days(time)"]
      whale_scores   = []
      alerts_history = ["days(event_time)"]
    }
    error_message = "Partition specs must follow the data contract (day transforms)."
  }

  assert {
    condition     = output.warehouse_uri == "s3://crypto-pulse-analytics-dev-processed-123456789012/warehouse/"
    error_message = "warehouse_uri must point at the processed bucket's warehouse prefix."
  }

  assert {
    condition     = output.table_locations["trades"] == "s3://crypto-pulse-analytics-dev-processed-123456789012/warehouse/crypto_pulse_analytics_dev_lake.db/trades"
    error_message = "table_locations must match the table definitions."
  }
}

run "custom_warehouse_prefix" {
  command = plan

  variables {
    warehouse_prefix = "lake/warehouse"
  }

  assert {
    condition     = aws_glue_catalog_table.iceberg["prices"].storage_descriptor[0].location == "s3://crypto-pulse-analytics-dev-processed-123456789012/lake/warehouse/crypto_pulse_analytics_dev_lake.db/prices"
    error_message = "warehouse_prefix must be honoured."
  }
}

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "Bad_Prefix"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_bad_bucket_name" {
  command = plan

  variables {
    processed_bucket_name = "s3://not-a-name"
  }

  expect_failures = [var.processed_bucket_name]
}

run "rejects_bad_warehouse_prefix" {
  command = plan

  variables {
    warehouse_prefix = "/warehouse/"
  }

  expect_failures = [var.warehouse_prefix]
}
