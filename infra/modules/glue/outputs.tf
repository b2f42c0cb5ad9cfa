output "database_name" {
  description = "Glue database of the lake (<prefix with _>_lake)."
  value       = aws_glue_catalog_database.lake.name
}

output "database_arn" {
  description = "ARN of the Glue database (scope glue:GetDatabase / GetTable / UpdateTable ... in IAM together with the catalog and table ARNs)."
  value       = aws_glue_catalog_database.lake.arn
}

output "database_location_uri" {
  description = "Location of the database in the warehouse (s3://<processed>/<warehouse>/<database>.db)."
  value       = aws_glue_catalog_database.lake.location_uri
}

output "warehouse_uri" {
  description = "Iceberg warehouse root for Spark (spark.sql.catalog.<catalog>.warehouse)."
  value       = "s3://${var.processed_bucket_name}/${var.warehouse_prefix}/"
}

output "table_names" {
  description = "Map of table key to Glue table name (trades, prices, whale_scores, alerts_history)."
  value       = { for k, t in aws_glue_catalog_table.iceberg : k => t.name }
}

output "table_arns" {
  description = "Map of table name to Glue table ARN."
  value       = { for k, t in aws_glue_catalog_table.iceberg : k => t.arn }
}

output "table_locations" {
  description = "Map of table name to its S3 location."
  value       = { for k, t in local.tables : k => "${local.database_uri}/${k}" }
}

output "partition_specs" {
  description = "Iceberg partition transforms per table that the Spark jobs apply once (ALTER TABLE <catalog>.<db>.<table> ADD PARTITION FIELD <transform>); empty list = unpartitioned."
  value       = { for k, t in local.tables : k => t.partition_spec }
}
