# GitHub Actions through OIDC: no long-lived AWS keys in the repository or in GitHub secrets.
#
#   plan role   pull requests and pushes to the main branch: read our resources + the state,
#               take the state lock. Used by ci.yml/deploy.yml's plan job.
#   apply role  only jobs running in the protected GitHub environment (required reviewers) may
#               assume it: create/change/delete resources named "<prefix>-*" (or tagged
#               Project=<project> where AWS assigns the ids). Used by deploy.yml's apply job.
#
# The apply role is necessarily powerful (it manages IAM roles of the stack, including its own);
# docs/SECURITY-REVIEW.md lists the residual risks and the mitigations.

locals {
  p           = var.name_prefix
  iam_head    = "arn:${local.partition}:iam::${local.account_id}:"
  s3_buckets  = "arn:${local.partition}:s3:::${local.p}-*"
  apigw_head  = "arn:${local.partition}:apigateway:${var.region}::"
  kms_key_any = "${local.arn_head.kms}key/*"
  github_sub  = local.github_enabled ? "repo:${var.github_repository}" : ""
  oidc_arn    = var.create_github_oidc_provider ? one(aws_iam_openid_connect_provider.github[*].arn) : var.github_oidc_provider_arn
  # Both names are required with github_repository (precondition on the plan role).
  state_bucket = var.state_bucket_name == null ? "" : "arn:${local.partition}:s3:::${var.state_bucket_name}"
  lock_table   = var.lock_table_name == null ? "" : "${local.arn_head.dynamodb}table/${var.lock_table_name}"

  our_log_groups = [
    "${local.arn_head.logs}log-group:/aws/lambda/${local.p}-*",
    "${local.arn_head.logs}log-group:/aws/apigateway/${local.p}-*",
    "${local.arn_head.logs}log-group:/aws/kinesisfirehose/${local.p}-*",
    "${local.arn_head.logs}log-group:/aws/emr-serverless/${local.p}*",
    "${local.arn_head.logs}log-group:API-Gateway-Execution-Logs_*",
  ]

  # REST API, usage plan and API key ids are assigned by AWS: API Gateway can only be scoped to
  # the account and region (residual risk, docs/SECURITY-REVIEW.md).
  apigw_paths = [
    "${local.apigw_head}/restapis",
    "${local.apigw_head}/restapis/*",
    "${local.apigw_head}/usageplans",
    "${local.apigw_head}/usageplans/*",
    "${local.apigw_head}/apikeys",
    "${local.apigw_head}/apikeys/*",
    "${local.apigw_head}/account",
    "${local.apigw_head}/tags/*",
  ]

  # Services that may use our keys on the apply role's behalf (creating encrypted resources).
  kms_via_services = [for s in ["dynamodb", "lambda", "kinesis", "sqs", "firehose", "logs"] : "${s}.${var.region}.${local.dns_suffix}"]
}

resource "aws_iam_openid_connect_provider" "github" {
  count = local.github_enabled && var.create_github_oidc_provider ? 1 : 0

  url             = "https://${local.github_provider_url}"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.github_oidc_thumbprints

  tags = var.tags
}

# ---------------------------------------------------------------------------------------------
# Trust policies
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "github_plan_assume" {
  count = local.github_enabled ? 1 : 0

  statement {
    sid     = "GitHubPullRequestsAndMainBranch"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_provider_url}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_provider_url}:sub"
      values = [
        "${local.github_sub}:pull_request",
        "${local.github_sub}:ref:refs/heads/${var.github_main_branch}",
      ]
    }
  }
}

data "aws_iam_policy_document" "github_apply_assume" {
  count = local.github_enabled ? 1 : 0

  statement {
    sid     = "GitHubProtectedEnvironmentOnly"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_provider_url}:aud"
      values   = ["sts.amazonaws.com"]
    }

    # Jobs that declare `environment: <name>` get this subject whatever the branch, and GitHub
    # makes them wait for the environment's required reviewers first. A plain
    # ref:refs/heads/main subject is deliberately NOT trusted: any workflow on main could then
    # apply without the approval gate.
    condition {
      test     = "StringEquals"
      variable = "${local.github_provider_url}:sub"
      values   = ["${local.github_sub}:environment:${var.github_environment}"]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Read policy (plan role; also attached to the apply role)
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "ci_read" {
  count = local.github_enabled ? 1 : 0

  statement {
    sid       = "StateRead"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:GetObject"]
    resources = [local.state_bucket, "${local.state_bucket}/*"]
  }

  statement {
    sid       = "StateLock"
    actions   = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [local.lock_table]
  }

  statement {
    sid = "ReadBucketConfig"
    actions = [
      "s3:GetBucket*",
      "s3:GetLifecycleConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetAccelerateConfiguration",
      "s3:GetIntelligentTieringConfiguration",
      "s3:GetInventoryConfiguration",
      "s3:GetMetricsConfiguration",
      "s3:GetAnalyticsConfiguration",
      "s3:ListBucket",
    ]
    resources = [local.s3_buckets]
  }

  statement {
    sid       = "ReadStreamsQueuesTables"
    actions   = ["kinesis:Describe*", "kinesis:List*", "firehose:Describe*", "firehose:List*", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags", "dynamodb:Describe*", "dynamodb:ListTagsOfResource"]
    resources = ["${local.arn_head.kinesis}stream/${local.p}-*", "${local.arn_head.firehose}deliverystream/${local.p}-*", "${local.arn_head.sqs}${local.p}-*", "${local.arn_head.dynamodb}table/${local.p}-*"]
  }

  statement {
    sid       = "ReadFunctions"
    actions   = ["lambda:Get*", "lambda:List*"]
    resources = ["${local.arn_head.lambda}function:${local.p}-*"]
  }

  statement {
    sid       = "ReadEventSourceMappings"
    actions   = ["lambda:GetEventSourceMapping", "lambda:ListTags"]
    resources = ["${local.arn_head.lambda}event-source-mapping:*"] # ids are AWS-assigned UUIDs
  }

  statement {
    sid       = "ReadApiGateway"
    actions   = ["apigateway:GET"]
    resources = local.apigw_paths
  }

  statement {
    sid       = "ReadLogsAndConfig"
    actions   = ["logs:ListTagsForResource", "logs:ListTagsLogGroup", "logs:DescribeLogStreams", "ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource"]
    resources = concat(local.our_log_groups, ["${local.arn_head.ssm}parameter/${local.p}/*"])
  }

  statement {
    sid       = "ReadMonitoring"
    actions   = ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:GetDashboard", "sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource", "budgets:ViewBudget", "budgets:ListTagsForResource"]
    resources = ["arn:${local.partition}:cloudwatch:*:${local.account_id}:alarm:${local.p}-*", "arn:${local.partition}:cloudwatch::${local.account_id}:dashboard/${local.p}-*", "arn:${local.partition}:sns:*:${local.account_id}:${local.p}-*", "arn:${local.partition}:budgets::${local.account_id}:budget/${local.p}-*"]
  }

  statement {
    sid       = "ReadEventRules"
    actions   = ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"]
    resources = ["${local.arn_head.events}rule/${local.p}-*"]
  }

  statement {
    sid       = "ReadCatalogAndQueries"
    actions   = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetTags", "athena:GetWorkGroup", "athena:ListTagsForResource"]
    resources = [local.glue_catalog_arn, local.glue_database_arn, local.glue_tables_arn, "${local.arn_head.athena}workgroup/${local.p}-*"]
  }

  statement {
    sid       = "ReadOurTaggedSparkAppsAndKeys"
    actions   = ["emr-serverless:GetApplication", "emr-serverless:ListTagsForResource", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
    resources = ["${local.arn_head["emr-serverless"]}/applications/*", local.kms_key_any]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Project"
      values   = [var.project]
    }
  }

  statement {
    sid       = "ReadIam"
    actions   = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags", "iam:ListInstanceProfilesForRole", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags", "iam:GetInstanceProfile", "iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviderTags"]
    resources = ["${local.iam_head}role/${local.p}-*", "${local.iam_head}policy/${local.p}-*", "${local.iam_head}instance-profile/${local.p}-*", "${local.iam_head}oidc-provider/${local.github_provider_url}"]
  }

  statement {
    sid       = "ListWithoutResourceLevelPermissions"
    actions   = ["kms:ListAliases", "logs:DescribeLogGroups", "ssm:DescribeParameters"]
    resources = ["*"] # these list calls support no resource-level permissions
  }
}

# ---------------------------------------------------------------------------------------------
# Apply policies (apply role only), split to stay under the 6,144-character managed policy limit
# ---------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "ci_apply_data" {
  count = local.github_enabled ? 1 : 0

  statement {
    sid       = "StateWrite"
    actions   = ["s3:PutObject"]
    resources = ["${local.state_bucket}/*"]
  }

  statement {
    sid       = "ManageBuckets"
    actions   = ["s3:CreateBucket", "s3:DeleteBucket", "s3:PutBucket*", "s3:DeleteBucket*", "s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration", "s3:ListBucketVersions"]
    resources = [local.s3_buckets]
  }

  # Glue writes the first metadata file of each Iceberg table it creates with the caller's
  # credentials (aws_glue_catalog_table with open_table_format_input).
  statement {
    sid       = "SeedIcebergMetadata"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["arn:${local.partition}:s3:::${local.p}-processed-*/warehouse/*"]
  }

  # Only for force_destroy of a dev stack's buckets (no object read or write).
  statement {
    sid       = "EmptyBucketsOnDestroy"
    actions   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
    resources = ["${local.s3_buckets}/*"]
  }

  statement {
    sid       = "ManageTables"
    actions   = ["dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive", "dynamodb:UpdateContinuousBackups", "dynamodb:TagResource", "dynamodb:UntagResource"]
    resources = ["${local.arn_head.dynamodb}table/${local.p}-*"]
  }

  statement {
    sid       = "ManageStreams"
    actions   = ["kinesis:CreateStream", "kinesis:DeleteStream", "kinesis:AddTagsToStream", "kinesis:RemoveTagsFromStream", "kinesis:TagResource", "kinesis:UntagResource", "kinesis:StartStreamEncryption", "kinesis:StopStreamEncryption", "kinesis:UpdateShardCount", "kinesis:UpdateStreamMode", "kinesis:IncreaseStreamRetentionPeriod", "kinesis:DecreaseStreamRetentionPeriod", "kinesis:EnableEnhancedMonitoring", "kinesis:DisableEnhancedMonitoring"]
    resources = ["${local.arn_head.kinesis}stream/${local.p}-*"]
  }

  statement {
    sid       = "ManageFirehoseAndQueues"
    actions   = ["firehose:CreateDeliveryStream", "firehose:DeleteDeliveryStream", "firehose:UpdateDestination", "firehose:TagDeliveryStream", "firehose:UntagDeliveryStream", "firehose:StartDeliveryStreamEncryption", "firehose:StopDeliveryStreamEncryption", "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"]
    resources = ["${local.arn_head.firehose}deliverystream/${local.p}-*", "${local.arn_head.sqs}${local.p}-*"]
  }

  statement {
    sid       = "ManageCatalogAndWorkgroup"
    actions   = ["glue:CreateDatabase", "glue:DeleteDatabase", "glue:UpdateDatabase", "glue:CreateTable", "glue:DeleteTable", "glue:UpdateTable", "glue:TagResource", "glue:UntagResource", "athena:CreateWorkGroup", "athena:DeleteWorkGroup", "athena:UpdateWorkGroup", "athena:TagResource", "athena:UntagResource"]
    resources = [local.glue_catalog_arn, local.glue_database_arn, local.glue_tables_arn, "${local.arn_head.athena}workgroup/${local.p}-*"]
  }

  # Application ids are AWS-assigned: create only with our Project tag, manage only tagged ones.
  statement {
    sid       = "CreateTaggedSparkApp"
    actions   = ["emr-serverless:CreateApplication", "emr-serverless:TagResource"]
    resources = ["${local.arn_head["emr-serverless"]}/applications/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Project"
      values   = [var.project]
    }
  }

  statement {
    sid       = "ManageTaggedSparkApp"
    actions   = ["emr-serverless:UpdateApplication", "emr-serverless:DeleteApplication", "emr-serverless:StartApplication", "emr-serverless:StopApplication", "emr-serverless:TagResource", "emr-serverless:UntagResource"]
    resources = ["${local.arn_head["emr-serverless"]}/applications/*"]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Project"
      values   = [var.project]
    }
  }
}

data "aws_iam_policy_document" "ci_apply_compute" {
  count = local.github_enabled ? 1 : 0

  statement {
    sid       = "ManageFunctions"
    actions   = ["lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency", "lambda:AddPermission", "lambda:RemovePermission", "lambda:TagResource", "lambda:UntagResource", "lambda:PutFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig"]
    resources = ["${local.arn_head.lambda}function:${local.p}-*"]
  }

  statement {
    sid       = "ManageMappingsOfOurFunctions"
    actions   = ["lambda:CreateEventSourceMapping", "lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"]
    resources = ["*"] # CreateEventSourceMapping has no resource type; the condition scopes all three.

    condition {
      test     = "ArnLike"
      variable = "lambda:FunctionArn"
      values   = ["${local.arn_head.lambda}function:${local.p}-*"]
    }
  }

  statement {
    sid       = "TagMappings"
    actions   = ["lambda:TagResource", "lambda:UntagResource"]
    resources = ["${local.arn_head.lambda}event-source-mapping:*"] # ids are AWS-assigned UUIDs
  }

  statement {
    sid       = "ManageApiGateway"
    actions   = ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"]
    resources = local.apigw_paths
  }

  statement {
    sid       = "ManageLogGroups"
    actions   = ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup", "logs:CreateLogStream", "logs:DeleteLogStream"]
    resources = local.our_log_groups
  }

  statement {
    sid       = "ManageEventRules"
    actions   = ["events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource", "events:UntagResource"]
    resources = ["${local.arn_head.events}rule/${local.p}-*"]
  }

  statement {
    sid       = "ManageConfigParameters"
    actions   = ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource"]
    resources = ["${local.arn_head.ssm}parameter/${local.p}/*"]
  }

  statement {
    sid       = "ManageMonitoring"
    actions   = ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards", "sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes", "sns:TagResource", "sns:UntagResource", "budgets:ModifyBudget", "budgets:TagResource", "budgets:UntagResource"]
    resources = ["arn:${local.partition}:cloudwatch:*:${local.account_id}:alarm:${local.p}-*", "arn:${local.partition}:cloudwatch::${local.account_id}:dashboard/${local.p}-*", "arn:${local.partition}:sns:*:${local.account_id}:${local.p}-*", "arn:${local.partition}:budgets::${local.account_id}:budget/${local.p}-*"]
  }
}

data "aws_iam_policy_document" "ci_apply_iam_kms" {
  count = local.github_enabled ? 1 : 0

  statement {
    sid       = "ManageRoles"
    actions   = ["iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy"]
    resources = ["${local.iam_head}role/${local.p}-*"]
  }

  # Only our own managed policies can be attached (never e.g. AdministratorAccess).
  statement {
    sid       = "AttachOnlyOurPolicies"
    actions   = ["iam:AttachRolePolicy", "iam:DetachRolePolicy"]
    resources = ["${local.iam_head}role/${local.p}-*"]

    condition {
      test     = "ArnLike"
      variable = "iam:PolicyARN"
      values   = ["${local.iam_head}policy/${local.p}-*"]
    }
  }

  statement {
    sid       = "ManagePoliciesProfilesOidc"
    actions   = ["iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy", "iam:CreateInstanceProfile", "iam:DeleteInstanceProfile", "iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:TagInstanceProfile", "iam:UntagInstanceProfile", "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider", "iam:TagOpenIDConnectProvider", "iam:UntagOpenIDConnectProvider"]
    resources = ["${local.iam_head}policy/${local.p}-*", "${local.iam_head}instance-profile/${local.p}-*", "${local.iam_head}oidc-provider/${local.github_provider_url}"]
  }

  statement {
    sid       = "PassOurRolesToOurServices"
    actions   = ["iam:PassRole"]
    resources = ["${local.iam_head}role/${local.p}-*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = [for s in ["lambda", "emr-serverless", "firehose", "apigateway", "ec2"] : "${s}.${local.dns_suffix}"]
    }
  }

  statement {
    sid       = "CreateTaggedKeys"
    actions   = ["kms:CreateKey", "kms:TagResource"]
    resources = ["*"] # CreateKey has no resource type; only keys carrying our Project tag.

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/Project"
      values   = [var.project]
    }
  }

  statement {
    sid       = "ManageOurTaggedKeys"
    actions   = ["kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateKeyDescription", "kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
    resources = [local.kms_key_any]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Project"
      values   = [var.project]
    }
  }

  # Creating encrypted tables, functions, streams, queues and log groups: the service uses the
  # key with our credentials (grants, data keys), never a direct Decrypt by the deploy role.
  statement {
    sid       = "UseOurTaggedKeysThroughServices"
    actions   = ["kms:CreateGrant", "kms:DescribeKey", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"]
    resources = [local.kms_key_any]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/Project"
      values   = [var.project]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = local.kms_via_services
    }
  }

  statement {
    sid       = "ManageOurAliases"
    actions   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
    resources = ["${local.arn_head.kms}alias/${local.p}-*"]
  }
}

# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------

locals {
  ci_policies = local.github_enabled ? {
    read          = data.aws_iam_policy_document.ci_read[0].json
    apply-data    = data.aws_iam_policy_document.ci_apply_data[0].json
    apply-compute = data.aws_iam_policy_document.ci_apply_compute[0].json
    apply-iam-kms = data.aws_iam_policy_document.ci_apply_iam_kms[0].json
  } : {}
}

resource "aws_iam_policy" "ci" {
  for_each = local.ci_policies

  name        = "${local.p}-ci-${each.key}"
  description = "GitHub Actions ${each.key} permissions for ${local.p}"
  policy      = each.value

  tags = var.tags
}

resource "aws_iam_role" "github_plan" {
  count = local.github_enabled ? 1 : 0

  name                 = local.role_names.github_plan
  description          = "GitHub Actions (${var.github_repository}) terraform plan: read-only + state lock"
  assume_role_policy   = data.aws_iam_policy_document.github_plan_assume[0].json
  max_session_duration = 3600

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.state_bucket_name != null && var.lock_table_name != null
      error_message = "state_bucket_name and lock_table_name are required when github_repository is set."
    }

    precondition {
      condition     = var.create_github_oidc_provider || var.github_oidc_provider_arn != null
      error_message = "Pass github_oidc_provider_arn when create_github_oidc_provider is false."
    }
  }
}

resource "aws_iam_role_policy_attachment" "github_plan_read" {
  count = local.github_enabled ? 1 : 0

  role       = aws_iam_role.github_plan[0].name
  policy_arn = aws_iam_policy.ci["read"].arn
}

resource "aws_iam_role" "github_apply" {
  count = local.github_enabled ? 1 : 0

  name                 = local.role_names.github_apply
  description          = "GitHub Actions (${var.github_repository}, environment ${var.github_environment}) terraform apply"
  assume_role_policy   = data.aws_iam_policy_document.github_apply_assume[0].json
  max_session_duration = 3600

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "github_apply" {
  for_each = local.github_enabled ? toset(keys(local.ci_policies)) : toset([])

  role       = aws_iam_role.github_apply[0].name
  policy_arn = aws_iam_policy.ci[each.key].arn
}
