# IAM for the whole stack, in one place for review (docs/SECURITY-REVIEW.md walks through it):
#   emr.tf       EMR Serverless job execution role
#   lambda.tf    execution roles of the speed-layer, api and score-loader functions
#   firehose.tf  Firehose delivery role (trades stream -> raw bucket)
#   producer.tf  producer role (EC2 / ECS task / local principal) + instance profile
#   apigw.tf     API Gateway's account-level CloudWatch Logs role
#   github.tf    GitHub Actions OIDC provider, plan role and apply role
# Every statement is scoped to ARNs of this stack. The few "*" resources are actions that AWS
# does not scope by resource; each carries a condition or a comment.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  dns_suffix = "amazonaws.com"

  # "arn:aws:<service>:<region>:<account>:" for regional services of this stack.
  arn_head = {
    for s in ["logs", "ssm", "kinesis", "firehose", "dynamodb", "sqs", "glue", "athena", "emr-serverless", "lambda", "cloudwatch", "sns", "kms", "events"] :
    s => "arn:${local.partition}:${s}:${var.region}:${local.account_id}:"
  }

  role_names = {
    emr_execution    = "${var.name_prefix}-emr-execution"
    speed_layer      = var.function_names.speed_layer
    api              = var.function_names.api
    score_loader     = var.function_names.score_loader
    firehose         = "${var.name_prefix}-firehose"
    producer         = "${var.name_prefix}-producer"
    apigw_cloudwatch = "${var.name_prefix}-apigw-cloudwatch"
    github_plan      = "${var.name_prefix}-github-plan"
    github_apply     = "${var.name_prefix}-github-apply"
  }

  ssm_prefix          = coalesce(var.ssm_parameter_prefix, "/${var.name_prefix}/config/")
  ssm_path_arn        = "${local.arn_head.ssm}parameter${trimsuffix(local.ssm_prefix, "/")}"
  emr_log_group_name  = coalesce(var.emr_log_group_name, "/aws/emr-serverless/${var.name_prefix}")
  firehose_log_group  = coalesce(var.firehose_log_group_name, "/aws/kinesisfirehose/${var.name_prefix}-raw")
  glue_database_arn   = "${local.arn_head.glue}database/${var.glue_database_name}"
  glue_tables_arn     = "${local.arn_head.glue}table/${var.glue_database_name}/*"
  glue_catalog_arn    = "${local.arn_head.glue}catalog"
  github_enabled      = var.github_repository != null
  github_provider_url = "token.actions.githubusercontent.com"
}
