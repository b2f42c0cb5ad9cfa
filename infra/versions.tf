terraform {
  # 1.8: provider-defined functions and the test framework's mock providers/overrides used by the
  # module tests. Developed with 1.11.
  required_version = ">= 1.8"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Validated with 5.100.0 and written to stay valid for 6.x (no attributes removed in 6.0).
      version = ">= 5.100.0, < 7.0.0"
    }
  }
}
