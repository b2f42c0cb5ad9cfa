#!/usr/bin/env bats
# Tests of the infra-check runner itself (not of the Terraform): argument handling, the
# per-step summary, and that it leaves nothing behind in the tree.

setup() {
  REPO_ROOT="$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)"
  SCRIPT="${REPO_ROOT}/tests/infra/infra_check.sh"
}

@test "--help prints the steps" {
  run "${SCRIPT}" --help
  [ "${status}" -eq 0 ]
  [[ "${output}" == *"fmt"* && "${output}" == *"checkov"* && "${output}" == *"terraform-docs"* ]]
}

@test "an unknown step is rejected" {
  run "${SCRIPT}" lint-everything
  [ "${status}" -eq 2 ]
  [[ "${output}" == *"unknown step: lint-everything"* ]]
}

@test "an unknown option is rejected" {
  run "${SCRIPT}" --frobnicate
  [ "${status}" -eq 2 ]
}

@test "fmt runs and reports PASS in the summary" {
  command -v terraform >/dev/null || skip "terraform not installed"
  run "${SCRIPT}" fmt
  [ "${status}" -eq 0 ]
  [[ "${output}" == *"infra-check summary"* ]]
  [[ "${output}" =~ PASS[[:space:]]+fmt ]]
}

@test "a missing tool is a FAIL, not a silent skip" {
  command -v terraform >/dev/null || skip "terraform not installed"
  # A PATH with terraform but without the scanners (and no tool chain to re-add them).
  local bin="${BATS_TEST_TMPDIR}/bin"
  mkdir -p "${bin}"
  ln -s "$(command -v terraform)" "${bin}/terraform"
  run env -i HOME="${BATS_TEST_TMPDIR}" PATH="${bin}:/usr/bin:/bin" COATTAIL_CACHE="${BATS_TEST_TMPDIR}/none" \
    bash -c "cd '${REPO_ROOT}' && '${SCRIPT}' tflint"
  [ "${status}" -eq 1 ]
  [[ "${output}" =~ FAIL[[:space:]]+tflint ]]
}

@test "validate leaves no .terraform directory or lock file in the tree" {
  command -v terraform >/dev/null || skip "terraform not installed"
  local before after
  before="$(find "${REPO_ROOT}/infra" -name .terraform -o -name .terraform.lock.hcl | sort)"
  run "${SCRIPT}" validate
  after="$(find "${REPO_ROOT}/infra" -name .terraform -o -name .terraform.lock.hcl | sort)"
  [ "${before}" == "${after}" ]
}
