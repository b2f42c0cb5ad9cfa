# tflint configuration for infra/ (root and modules), used by tests/infra/infra_check.sh:
#   tflint --recursive --config "$PWD/.tflint.hcl"   (from infra/)
# The AWS ruleset is installed as a manual plugin by tools/bootstrap.sh into $TFLINT_PLUGIN_DIR
# (no source/version here, so `tflint --init` never tries to download it).

config {
  # Also inspect the local module calls with the values the root passes.
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
}

# Beyond the recommended preset: every variable and output documented, one naming style, and the
# standard file layout (main.tf, variables.tf, outputs.tf, versions.tf).
rule "terraform_documented_variables" {
  enabled = true
}

rule "terraform_documented_outputs" {
  enabled = true
}

rule "terraform_naming_convention" {
  enabled = true
}

rule "terraform_standard_module_structure" {
  enabled = true
}
