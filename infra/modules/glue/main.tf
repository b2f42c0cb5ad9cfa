# The lake catalog: one Glue database and the four Iceberg tables of the data contract. Terraform
# creates each table once with its seed schema (Glue writes the first Iceberg metadata file); from
# then on Spark owns the table: its partition spec, schema evolution and every commit (which rewrites
# the metadata_location parameter and the column list). See README.md.

locals {
  database_name = "${replace(var.name_prefix, "-", "_")}_lake"
  database_uri  = "s3://${var.processed_bucket_name}/${var.warehouse_prefix}/${local.database_name}.db"

  # Seed schemas exactly as in the data contract. partition_spec is applied by Spark
  # (ALTER TABLE ... ADD PARTITION FIELD ...): the Glue API cannot express Iceberg hidden partitions.
  tables = {
    trades = {
      description    = "Decoded DEX trades, one row per (chain, tx_hash, log_index); removed=true marks rows undone by a chain reorg."
      partition_spec = ["days(block_time)"]
      columns = [
        { name = "chain", type = "string" },
        { name = "block_number", type = "bigint" },
        { name = "block_time", type = "timestamp" },
        { name = "tx_hash", type = "string" },
        { name = "log_index", type = "bigint" },
        { name = "wallet", type = "string" },
        { name = "token", type = "string" },
        { name = "side", type = "string" },
        { name = "amount", type = "double" },
        { name = "price_usd", type = "double" },
        { name = "usd_value", type = "double" },
        { name = "removed", type = "boolean" },
        { name = "ingest_time", type = "timestamp" },
      ]
    }
    prices = {
      description    = "Token USD prices over time."
      partition_spec = ["days(time)"]
      columns = [
        { name = "token", type = "string" },
        { name = "time", type = "timestamp" },
        { name = "price_usd", type = "double" },
      ]
    }
    whale_scores = {
      description    = "Per wallet and horizon alpha scores (shrinkage, FDR q-values, hit rates, behaviour flags, PnL)."
      partition_spec = []
      columns = [
        { name = "wallet", type = "string" },
        { name = "horizon_ms", type = "bigint" },
        { name = "tier", type = "string" },
        { name = "effective_n", type = "double" },
        { name = "mean_return", type = "double" },
        { name = "std_error", type = "double" },
        { name = "shrunk_alpha", type = "double" },
        { name = "t_stat", type = "double" },
        { name = "p_value", type = "double" },
        { name = "q_value", type = "double" },
        { name = "hit_rate", type = "double" },
        { name = "hit_rate_lower", type = "double" },
        { name = "smart_money", type = "boolean" },
        { name = "bot_like", type = "boolean" },
        { name = "exchange_like", type = "boolean" },
        { name = "wash_like", type = "boolean" },
        { name = "realized_pnl_usd", type = "double" },
        { name = "unrealized_pnl_usd", type = "double" },
        { name = "volume_usd", type = "double" },
        { name = "trade_count", type = "bigint" },
        { name = "as_of", type = "timestamp" },
        { name = "computed_at", type = "timestamp" },
      ]
    }
    alerts_history = {
      description    = "Every alert the speed layer raised, with the score evidence behind it."
      partition_spec = ["days(event_time)"]
      columns = [
        { name = "alert_id", type = "string" },
        { name = "rule", type = "string" },
        { name = "chain", type = "string" },
        { name = "tx_hash", type = "string" },
        { name = "log_index", type = "bigint" },
        { name = "wallet", type = "string" },
        { name = "token", type = "string" },
        { name = "side", type = "string" },
        { name = "usd_value", type = "double" },
        { name = "shrunk_alpha", type = "double" },
        { name = "t_stat", type = "double" },
        { name = "q_value", type = "double" },
        { name = "effective_n", type = "double" },
        { name = "hit_rate", type = "double" },
        { name = "reason", type = "string" },
        { name = "event_time", type = "timestamp" },
      ]
    }
  }
}

resource "aws_glue_catalog_database" "lake" {
  name         = local.database_name
  description  = "${var.name_prefix} lakehouse: Iceberg tables in s3://${var.processed_bucket_name}/${var.warehouse_prefix}/"
  location_uri = local.database_uri

  tags = merge(var.tags, { Name = local.database_name })
}

resource "aws_glue_catalog_table" "iceberg" {
  for_each = local.tables

  database_name = aws_glue_catalog_database.lake.name
  name          = each.key
  description   = each.value.description
  table_type    = "EXTERNAL_TABLE"

  # Glue creates the Iceberg table (format v2) and writes its first metadata file at the location.
  open_table_format_input {
    iceberg_input {
      metadata_operation = "CREATE"
      version            = "2"
    }
  }

  storage_descriptor {
    location = "${local.database_uri}/${each.key}"

    dynamic "columns" {
      for_each = each.value.columns

      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }

  lifecycle {
    # Spark owns the table after creation: every Iceberg commit rewrites parameters
    # (metadata_location, previous_metadata_location, table_type=ICEBERG) and the storage
    # descriptor (columns with iceberg.field.* parameters, location), and schema evolution adds
    # columns. Terraform must not "correct" that, or it would roll the table back to an old
    # snapshot. Changing the seed schema later = a Spark ALTER TABLE, not a Terraform change.
    ignore_changes = [parameters, storage_descriptor]
  }
}
