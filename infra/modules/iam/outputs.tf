output "emr_execution_role_arn" {
  description = "ARN of the EMR Serverless job execution role (pass as executionRoleArn to StartJobRun). Depends on its policy, like every role output here, so consumers are created after the permissions."
  value       = aws_iam_role.emr_execution.arn
  depends_on  = [aws_iam_role_policy.emr_execution]
}

output "emr_execution_role_name" {
  description = "Name of the EMR Serverless job execution role."
  value       = aws_iam_role.emr_execution.name
}

output "lambda_role_arns" {
  description = "Execution role ARN of each Lambda function (keys: speed_layer, api, score_loader)."
  value       = { for k, r in aws_iam_role.lambda : k => r.arn }
  depends_on  = [aws_iam_role_policy.lambda]
}

output "speed_layer_role_arn" {
  description = "Execution role ARN of the speed-layer function."
  value       = aws_iam_role.lambda["speed_layer"].arn
  depends_on  = [aws_iam_role_policy.lambda]
}

output "api_role_arn" {
  description = "Execution role ARN of the api function."
  value       = aws_iam_role.lambda["api"].arn
  depends_on  = [aws_iam_role_policy.lambda]
}

output "score_loader_role_arn" {
  description = "Execution role ARN of the score-loader function."
  value       = aws_iam_role.lambda["score_loader"].arn
  depends_on  = [aws_iam_role_policy.lambda]
}

output "firehose_role_arn" {
  description = "ARN of the Firehose delivery role."
  value       = aws_iam_role.firehose.arn
  depends_on  = [aws_iam_role_policy.firehose]
}

output "producer_role_arn" {
  description = "ARN of the producer role (assume it to run the producer locally)."
  value       = aws_iam_role.producer.arn
  depends_on  = [aws_iam_role_policy.producer]
}

output "producer_instance_profile_name" {
  description = "Instance profile of the producer role, for an EC2-hosted producer."
  value       = aws_iam_instance_profile.producer.name
}

output "apigw_cloudwatch_role_arn" {
  description = "ARN of API Gateway's account-level CloudWatch Logs role."
  value       = aws_iam_role.apigw_cloudwatch.arn
  depends_on  = [aws_iam_role_policy.apigw_cloudwatch]
}

output "github_oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider used by the CI roles, or null without github_repository."
  value       = local.github_enabled ? local.oidc_arn : null
}

output "github_plan_role_arn" {
  description = "ARN of the CI plan role (GitHub variable AWS_PLAN_ROLE_ARN), or null without github_repository."
  value       = one(aws_iam_role.github_plan[*].arn)
  depends_on  = [aws_iam_role_policy_attachment.github_plan_read]
}

output "github_apply_role_arn" {
  description = "ARN of the CI apply role (GitHub variable AWS_APPLY_ROLE_ARN), or null without github_repository."
  value       = one(aws_iam_role.github_apply[*].arn)
  depends_on  = [aws_iam_role_policy_attachment.github_apply]
}
