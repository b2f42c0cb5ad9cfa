provider "aws" {
  region = var.region

  # Every taggable resource gets these; modules only add their own extra tags.
  default_tags {
    tags = local.default_tags
  }
}

# No second (us-east-1) provider: the cost alarms use AWS Budgets, which is global, instead of the
# AWS/Billing EstimatedCharges metric that exists only in us-east-1.
