# Remote state in S3 with DynamoDB locking, as a PARTIAL configuration: nothing account-specific is
# committed. scripts/bootstrap-state.sh creates the bucket and the lock table and writes
# infra/backend.hcl (git-ignored), e.g.
#
#   bucket         = "crypto-pulse-analytics-tfstate-<account_id>"
#   key            = "crypto-pulse-analytics/dev/terraform.tfstate"
#   region         = "us-west-2"
#   dynamodb_table = "crypto-pulse-analytics-tflock"
#   encrypt        = true
#
# and then: terraform -chdir=infra init -backend-config=backend.hcl
# (Terraform >= 1.11 also offers S3-native locking with use_lockfile = true and marks dynamodb_table
# as deprecated; the DynamoDB lock table works with every Terraform version this root allows (>= 1.8;
# S3-native locking needs 1.10). Both may be set while migrating.)
terraform {
  backend "s3" {}
}
