# Test-only override for the local AWS emulator (tests/emulator/e2e_infra.sh copies it next to a
# temporary copy of infra/; it is never part of the production configuration). Terraform merges
# *_override.tf files into the configuration: the backend becomes local (state in the temporary
# copy) and the provider gets the settings below on top of its region and default_tags.
#
# The endpoint comes from AWS_ENDPOINT_URL (exported by tests/emulator/emulator.sh; honoured by
# provider >= 5.x for every service), so no endpoints block is needed here.
# skip_requesting_account_id must stay false: the account id (moto: 123456789012) is part of
# bucket names, the Glue catalog id, Athena and Budgets ids.

terraform {
  backend "local" {
    path = "terraform.tfstate"
  }
}

provider "aws" {
  # A missing emulator API fails in seconds instead of being retried for minutes.
  max_retries = 3

  # moto serves S3 on one host: path-style addressing (no bucket.localhost DNS).
  s3_use_path_style = true

  # No real STS credential check and no instance metadata lookups against the emulator.
  skip_credentials_validation = true
  skip_metadata_api_check     = true
}
