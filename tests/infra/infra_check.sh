#!/usr/bin/env bash
#
# Static checks of the Terraform in infra/ (the runner behind `make infra-check`):
#
#   fmt       terraform fmt -check -recursive infra
#   validate  terraform init -backend=false + validate, root and every module
#   test      terraform test in every module with tests/, and the root (infra/tests)
#   tflint    tflint --recursive with infra/.tflint.hcl (terraform + aws rulesets)
#   trivy     trivy config (tfsec if trivy is missing), failing on HIGH/CRITICAL
#   checkov   checkov -d infra with infra/.checkov.yaml, failing on any failed check
#   docs      terraform-docs: each README regenerated in a copy must equal the committed one
#
# Every step runs on a throw-away copy of infra/ in a temporary directory, so nothing (no
# .terraform, no lock file) is left in the tree. A missing tool is a FAIL, never a silent skip.
#
# Usage: tests/infra/infra_check.sh [--write-docs] [--keep] [STEP...]
#   STEP...       run only these steps (default: all, in the order above)
#   --write-docs  regenerate the terraform-docs sections of the READMEs IN THE TREE, then exit
#   --keep        keep the temporary directory (its path is printed)
#
# Environment: the tool chain from `tools/bootstrap.sh --print-env` (PATH, TF_CLI_CONFIG_FILE,
# TFLINT_PLUGIN_DIR, TRIVY_CACHE_DIR, ...). Without a usable TF_CLI_CONFIG_FILE the providers come
# from the filesystem mirror COATTAIL_TF_PLUGIN_DIR (default /opt/tf-plugins) when it exists.

set -Eeuo pipefail

readonly ALL_STEPS=(fmt validate test tflint trivy checkov docs)
readonly DEFAULT_PLUGIN_DIR="/opt/tf-plugins"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly REPO_ROOT
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/log.sh
source "${REPO_ROOT}/scripts/lib/log.sh"
LOG_TAG="infra-check"
readonly INFRA_DIR="${REPO_ROOT}/infra"

# Set in main.
WORK=""
KEEP_WORK=0
# Copies of infra/: TF_COPY is initialised by terraform; SCAN_COPY stays pristine for scanners.
TF_COPY=""
SCAN_COPY=""
# Results, filled by run_step.
RESULT_NAMES=()
RESULT_STATUS=()
RESULT_SECONDS=()
RESULT_NOTES=()
# Set by step functions for the summary line.
STEP_NOTE=""

#######################################
# Prints the usage text (the header comment of this file).
#######################################
usage() {
  sed -n '3,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

#######################################
# Why a tool cannot be had at all on this platform, as reported by the owner of tools/. A tool
# listed here is reported UNAVAILABLE (not a failure) when missing. Empty: every tool is expected.
# Arguments:
#   Tool name.
# Outputs:
#   The reason, or nothing.
#######################################
unavailable_reason() {
  case "$1" in
    *) ;;
  esac
}

#######################################
# Checks that a tool is on PATH.
# Arguments:
#   Tool name.
# Returns:
#   0 if found; 1 (FAIL) if missing; 2 (UNAVAILABLE) if missing with a known reason.
#######################################
require_tool() {
  local -r tool="$1"
  local reason
  if command -v "${tool}" >/dev/null 2>&1; then
    return 0
  fi
  reason="$(unavailable_reason "${tool}")"
  if [[ -n "${reason}" ]]; then
    STEP_NOTE="UNAVAILABLE: ${tool}: ${reason}"
    warn "${STEP_NOTE}"
    return 2
  fi
  STEP_NOTE="${tool} not found (install the tool chain: tools/bootstrap.sh)"
  err "${STEP_NOTE}"
  return 1
}

#######################################
# Loads the tool chain's environment and makes sure terraform finds the AWS provider offline.
# Globals:
#   TF_CLI_CONFIG_FILE (exported)
#######################################
setup_env() {
  local plugin_dir
  if [[ -x "${REPO_ROOT}/tools/bootstrap.sh" ]]; then
    eval "$("${REPO_ROOT}/tools/bootstrap.sh" --print-env)"
  else
    warn "tools/bootstrap.sh not found; using the tools on PATH"
  fi
  if [[ -n "${TF_CLI_CONFIG_FILE:-}" && -f "${TF_CLI_CONFIG_FILE}" ]]; then
    echo "terraform CLI config: ${TF_CLI_CONFIG_FILE}"
    return
  fi
  plugin_dir="${COATTAIL_TF_PLUGIN_DIR:-${DEFAULT_PLUGIN_DIR}}"
  if [[ -d "${plugin_dir}" ]]; then
    cat >"${WORK}/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "${plugin_dir}"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
    export TF_CLI_CONFIG_FILE="${WORK}/terraformrc"
    echo "terraform CLI config: filesystem mirror ${plugin_dir}"
  else
    unset TF_CLI_CONFIG_FILE
    echo "terraform CLI config: none (providers from the registry)"
  fi
}

#######################################
# Copies infra/ twice into the work directory, without .terraform dirs, lock files or state.
# Globals:
#   WORK, TF_COPY, SCAN_COPY
#######################################
make_copies() {
  local dest
  TF_COPY="${WORK}/tf/infra"
  SCAN_COPY="${WORK}/scan/infra"
  for dest in "${TF_COPY}" "${SCAN_COPY}"; do
    mkdir -p "${dest}"
    (cd "${INFRA_DIR}" && tar --exclude='.terraform' --exclude='.terraform.lock.hcl' \
      --exclude='*.tfstate' --exclude='*.tfstate.*' --exclude='backend.hcl' -cf - .) |
      (cd "${dest}" && tar -xf -)
  done
}

#######################################
# Lists the Terraform configurations: the root, then every module (paths relative to infra/).
# Outputs:
#   One directory per line.
#######################################
config_dirs() {
  local dir
  echo "."
  for dir in "${INFRA_DIR}"/modules/*/; do
    if [[ -f "${dir}versions.tf" || -f "${dir}main.tf" ]]; then
      echo "modules/$(basename "${dir}")"
    fi
  done
}

#######################################
# Step fmt: terraform fmt -check on the tree (read-only).
#######################################
step_fmt() {
  require_tool terraform || return
  terraform fmt -check -recursive -diff "${INFRA_DIR}"
}

#######################################
# Initialises one configuration of the terraform copy (no backend), once.
# Arguments:
#   Directory relative to infra/.
#######################################
init_dir() {
  local -r dir="${TF_COPY}/$1"
  [[ -d "${dir}/.terraform" ]] && return 0
  if ! terraform -chdir="${dir}" init -backend=false -input=false -no-color >"${dir}/.init.log" 2>&1; then
    err "terraform init failed in infra/$1:"
    cat "${dir}/.init.log" >&2
    return 1
  fi
}

#######################################
# Step validate: terraform validate for the root and every module.
#######################################
step_validate() {
  require_tool terraform || return
  local dir failed=0 count=0 provider
  while IFS= read -r dir; do
    count=$((count + 1))
    if init_dir "${dir}" && terraform -chdir="${TF_COPY}/${dir}" validate -no-color; then
      echo "  validate infra/${dir}: ok"
    else
      err "validate infra/${dir}: FAILED"
      failed=$((failed + 1))
    fi
  done < <(config_dirs)
  provider="$(terraform -chdir="${TF_COPY}" version -no-color 2>/dev/null | grep -o 'hashicorp/aws v[0-9.]*' || true)"
  STEP_NOTE="${count} configurations, ${failed} failed; ${provider:-provider version unknown}"
  ((failed == 0))
}

#######################################
# Step test: terraform test wherever there are *.tftest.hcl files.
#######################################
step_test() {
  require_tool terraform || return
  local dir failed=0 count=0
  while IFS= read -r dir; do
    compgen -G "${TF_COPY}/${dir}/tests/*.tftest.hcl" >/dev/null || continue
    count=$((count + 1))
    echo "  terraform test infra/${dir}"
    if init_dir "${dir}" && terraform -chdir="${TF_COPY}/${dir}" test -no-color; then
      echo "  test infra/${dir}: ok"
    else
      err "test infra/${dir}: FAILED"
      failed=$((failed + 1))
    fi
  done < <(config_dirs)
  STEP_NOTE="${count} configurations with tests, ${failed} failed"
  if ((count == 0)); then
    STEP_NOTE="no tests found"
    return 1
  fi
  ((failed == 0))
}

#######################################
# Step tflint: recursive lint with the repository's configuration and the AWS ruleset.
#######################################
step_tflint() {
  require_tool tflint || return
  (cd "${SCAN_COPY}" && tflint --recursive --config "${SCAN_COPY}/.tflint.hcl" --format compact --no-color)
}

#######################################
# Step trivy: misconfiguration scan failing on HIGH and CRITICAL (tfsec as a fallback).
#######################################
step_trivy() {
  if command -v trivy >/dev/null 2>&1; then
    STEP_NOTE="trivy"
    trivy config --quiet --skip-check-update --severity HIGH,CRITICAL --exit-code 1 \
      --skip-dirs '**/.terraform' "${SCAN_COPY}"
  elif command -v tfsec >/dev/null 2>&1; then
    STEP_NOTE="tfsec (trivy not found)"
    tfsec --minimum-severity HIGH --no-color --exclude-downloaded-modules "${SCAN_COPY}"
  else
    require_tool trivy
  fi
}

#######################################
# Step checkov: every check must pass or be skipped inline with a reason.
#######################################
step_checkov() {
  require_tool checkov || return
  checkov -d "${SCAN_COPY}" --config-file "${SCAN_COPY}/.checkov.yaml"
}

#######################################
# Regenerates the terraform-docs section of one README in place.
# Arguments:
#   Configuration directory (absolute).
#######################################
render_docs() {
  # --lockfile=false: the same output with or without a .terraform.lock.hcl next to it.
  terraform-docs markdown table --lockfile=false --output-file README.md --output-mode inject "$1" >/dev/null
}

#######################################
# Step docs: the generated section of every README must be up to date.
#######################################
step_docs() {
  require_tool terraform-docs || return
  local dir readme failed=0
  while IFS= read -r dir; do
    readme="${SCAN_COPY}/${dir}/README.md"
    if [[ ! -f "${readme}" ]]; then
      err "infra/${dir}/README.md: missing"
      failed=$((failed + 1))
      continue
    fi
    if ! grep -q '<!-- BEGIN_TF_DOCS -->' "${readme}"; then
      err "infra/${dir}/README.md: no <!-- BEGIN_TF_DOCS --> / <!-- END_TF_DOCS --> markers"
      failed=$((failed + 1))
      continue
    fi
    cp "${readme}" "${readme}.committed"
    if ! render_docs "${SCAN_COPY}/${dir}" || ! diff -u "${readme}.committed" "${readme}"; then
      err "infra/${dir}/README.md: out of date (run: tests/infra/infra_check.sh --write-docs)"
      failed=$((failed + 1))
    else
      echo "  infra/${dir}/README.md: up to date"
    fi
  done < <(config_dirs)
  STEP_NOTE="${failed} README(s) missing or out of date"
  ((failed == 0))
}

#######################################
# Regenerates the terraform-docs sections of the READMEs in the tree.
#######################################
write_docs() {
  require_tool terraform-docs || return 1
  local dir
  while IFS= read -r dir; do
    if grep -qs '<!-- BEGIN_TF_DOCS -->' "${INFRA_DIR}/${dir}/README.md"; then
      render_docs "${INFRA_DIR}/${dir}"
      echo "regenerated infra/${dir}/README.md"
    else
      warn "skipped infra/${dir}: README.md missing or without markers"
    fi
  done < <(config_dirs)
}

#######################################
# Runs one step and records its status and duration.
# Arguments:
#   Step name.
#######################################
run_step() {
  local -r name="$1"
  local start status rc=0
  STEP_NOTE=""
  echo
  echo "==> ${name}"
  start="$(date +%s)"
  "step_${name}" || rc=$?
  case "${rc}" in
    0) status="PASS" ;;
    2) [[ "${STEP_NOTE}" == UNAVAILABLE:* ]] && status="UNAVAILABLE" || status="FAIL" ;;
    *) status="FAIL" ;;
  esac
  RESULT_NAMES+=("${name}")
  RESULT_STATUS+=("${status}")
  RESULT_SECONDS+=("$(($(date +%s) - start))")
  RESULT_NOTES+=("${STEP_NOTE}")
  echo "<== ${name}: ${status}"
}

#######################################
# Prints the summary table.
# Returns:
#   0 if no step failed.
#######################################
summary() {
  local i failed=0
  echo
  echo "infra-check summary"
  for i in "${!RESULT_NAMES[@]}"; do
    printf '  %-11s %-9s %5ss  %s\n' "${RESULT_STATUS[i]}" "${RESULT_NAMES[i]}" \
      "${RESULT_SECONDS[i]}" "${RESULT_NOTES[i]}"
    [[ "${RESULT_STATUS[i]}" == "FAIL" ]] && failed=$((failed + 1))
  done
  if ((failed > 0)); then
    echo "infra-check: ${failed} step(s) FAILED"
    return 1
  fi
  echo "infra-check: all steps passed"
}

cleanup() {
  if [[ -n "${WORK}" && -d "${WORK}" ]]; then
    if ((KEEP_WORK)); then
      echo "kept work directory: ${WORK}"
    else
      rm -rf "${WORK}"
    fi
  fi
}

main() {
  local steps=() step write=0
  while (($# > 0)); do
    case "$1" in
      --write-docs) write=1 ;;
      --keep) KEEP_WORK=1 ;;
      -h | --help)
        usage
        return 0
        ;;
      -*)
        err "unknown option: $1"
        usage >&2
        return 2
        ;;
      *)
        if [[ " ${ALL_STEPS[*]} " != *" $1 "* ]]; then
          err "unknown step: $1 (steps: ${ALL_STEPS[*]})"
          return 2
        fi
        steps+=("$1")
        ;;
    esac
    shift
  done
  ((${#steps[@]} > 0)) || steps=("${ALL_STEPS[@]}")

  WORK="$(mktemp -d "${TMPDIR:-/tmp}/infra-check.XXXXXX")"
  trap cleanup EXIT
  setup_env
  if ((write)); then
    write_docs
    return
  fi
  make_copies
  for step in "${steps[@]}"; do
    run_step "${step}"
  done
  summary
}

main "$@"
