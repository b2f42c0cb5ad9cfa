#!/usr/bin/env bash
#
# make e2e-infra: the root stack of infra/ against the local AWS emulator (moto + compatibility
# layer), end to end:
#
#   emulator start -> copy of infra/ + test-only override -> init -> apply -> plan (exit 0)
#   -> apply again (0 added, 0 changed, 0 destroyed) -> assertions (assert_stack.py)
#   -> hooks (tests/emulator/stack_hooks/*.sh) -> streaming off (plan = 0) -> streaming on
#   (plan = 0) -> destroy -> state empty + nothing left -> emulator stop
#
# Production files are never touched: everything runs in a temporary copy of infra/ holding the
# override (local backend, low max_retries, path-style S3) and dummy Lambda packages. The
# emulator's endpoint reaches the provider only through AWS_ENDPOINT_URL.

set -Eeuo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
readonly REPO_ROOT
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/log.sh
source "${REPO_ROOT}/scripts/lib/log.sh"
LOG_TAG="e2e-infra"
LOG_TIMESTAMPS=1
readonly EMULATOR="${SCRIPT_DIR}/emulator.sh"
readonly HOOK_DIR="${SCRIPT_DIR}/stack_hooks"
readonly NAME_PREFIX="crypto-pulse-analytics-dev"

INFRA_DIR="${REPO_ROOT}/infra"
KEEP=0
LIFECYCLE=1
HOOKS=1
WORK=""
STATE_DIR=""
EMULATOR_STARTED=0
APPLIED=0
DESTROYED=0
FAILED_PHASE=""
PHASE_NAMES=()
PHASE_SECONDS=()
PHASE_RESULTS=()
TF_INIT_ARGS=()
readonly START_SECONDS="${SECONDS}"

usage() {
  cat <<EOF
Usage: $(basename "$0") [--keep] [--no-hooks] [--no-lifecycle] [--infra-dir DIR] [-h|--help]

Applies the root stack of infra/ to the local AWS emulator (tests/emulator/emulator.sh),
checks plan = no changes, a no-op second apply and the read-back assertions
(tests/emulator/assert_stack.py), runs tests/emulator/stack_hooks/*.sh, switches streaming
off and on again (streaming_enabled; plan = 0 in both states), destroys and checks that nothing
is left. Prints the time of every phase; exits non-zero on any failure.

  --keep           keep the work directory (terraform copy, plans, emulator log) on success too
                   (it is always kept on failure)
  --no-hooks       skip tests/emulator/stack_hooks/*.sh
  --no-lifecycle   skip the streaming off/on cycle (about a minute)
  --infra-dir DIR  Terraform root to test (default: ${REPO_ROOT}/infra)
  -h, --help       this help

Environment: COATTAIL_CACHE (venvs, provider mirror), TMPDIR (work directory),
COATTAIL_TF_PLUGIN_DIR (use terraform init -plugin-dir=DIR instead of the CLI config mirror).
EOF
}

#######################################
# Runs one phase: prints its name, times it, records PASS/FAIL. A failing phase ends the run
# (the EXIT trap destroys what was applied and stops the emulator).
# Arguments: phase name, then the command.
#######################################
phase() {
  local -r name="$1"
  shift
  local -r start="${SECONDS}"
  log "==> ${name}"
  local rc=0
  "$@" || rc=$?
  local -r took=$((SECONDS - start))
  PHASE_NAMES+=("${name}")
  PHASE_SECONDS+=("${took}")
  if ((rc == 0)); then
    PHASE_RESULTS+=("PASS")
    log "<== ${name}: PASS ($(fmt_duration "${took}"))"
  else
    PHASE_RESULTS+=("FAIL")
    FAILED_PHASE="${name}"
    err "${name}: FAIL (exit ${rc}, $(fmt_duration "${took}"))"
    exit 1
  fi
}

summary() {
  local i
  printf '\n%-34s %-6s %s\n' "phase" "result" "time"
  for i in "${!PHASE_NAMES[@]}"; do
    printf '%-34s %-6s %s\n' "${PHASE_NAMES[i]}" "${PHASE_RESULTS[i]}" \
      "$(fmt_duration "${PHASE_SECONDS[i]}")"
  done
  printf '%-34s %-6s %s\n\n' "total" "" "$(fmt_duration $((SECONDS - START_SECONDS)))"
}

tf() {
  terraform -chdir="${WORK}/stack" "$@"
}

#######################################
# EXIT trap: on failure destroy what was applied (best effort), stop the emulator, print the
# summary, and keep the work directory and the emulator log for inspection.
#######################################
cleanup() {
  local rc=$?
  trap - EXIT
  set +e
  if ((rc != 0 && APPLIED == 1 && DESTROYED == 0)) && [[ -n "${WORK}" ]]; then
    log "cleanup: destroying the partly tested stack"
    tf destroy -auto-approve -input=false -no-color -lock=false \
      >"${WORK}/destroy-cleanup.log" 2>&1 \
      || err "cleanup destroy failed; see ${WORK}/destroy-cleanup.log"
  fi
  if ((EMULATOR_STARTED == 1)); then
    "${EMULATOR}" stop "${STATE_DIR}" >/dev/null 2>&1 || err "could not stop the emulator"
  fi
  ((${#PHASE_NAMES[@]} > 0)) && summary
  if ((rc != 0)); then
    err "e2e-infra FAILED${FAILED_PHASE:+ in phase \"${FAILED_PHASE}\"}"
    if [[ -n "${STATE_DIR}" && -s "${STATE_DIR}/moto.log" ]]; then
      err "emulator log: ${STATE_DIR}/moto.log (server errors, then the last lines:)"
      grep -E '" 5[0-9][0-9] |Traceback|Error:' "${STATE_DIR}/moto.log" | tail -n 15 >&2
      printf -- '---\n' >&2
      tail -n 10 "${STATE_DIR}/moto.log" >&2
    fi
    [[ -n "${WORK}" ]] && err "work directory kept: ${WORK}"
  elif ((KEEP == 1)); then
    log "e2e-infra PASSED; work directory kept: ${WORK}"
  else
    [[ -n "${WORK}" ]] && rm -rf "${WORK}"
    log "e2e-infra PASSED"
  fi
  exit "${rc}"
}

# ------------------------------------------------------------------------------------------------
# Phases
# ------------------------------------------------------------------------------------------------

start_emulator() {
  local env_lines
  env_lines="$("${EMULATOR}" start "${STATE_DIR}")" || return 1
  EMULATOR_STARTED=1
  eval "${env_lines}"
  log "emulator ${AWS_ENDPOINT_URL}, log ${STATE_DIR}/moto.log"
}

#######################################
# Terraform and the provider: the environment of tools/bootstrap.sh --print-env (PATH with the
# tool cache, TF_CLI_CONFIG_FILE = the provider filesystem mirror); -plugin-dir instead when
# COATTAIL_TF_PLUGIN_DIR is set or that mirror is missing (then /opt/tf-plugins).
#######################################
setup_terraform() {
  local bootstrap_env=""
  if [[ -x "${REPO_ROOT}/tools/bootstrap.sh" ]]; then
    bootstrap_env="$("${REPO_ROOT}/tools/bootstrap.sh" --print-env 2>/dev/null)" || bootstrap_env=""
    eval "${bootstrap_env}"
  fi
  command -v terraform >/dev/null || {
    err "terraform not found on PATH (make tools)"
    return 1
  }
  export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
  unset TF_WORKSPACE TF_DATA_DIR
  local -r cache="${COATTAIL_CACHE:-${HOME}/.cache/coattail}"
  local -r config="${TF_CLI_CONFIG_FILE:-${cache}/terraformrc}"
  if [[ -n "${COATTAIL_TF_PLUGIN_DIR:-}" ]]; then
    TF_INIT_ARGS=("-plugin-dir=${COATTAIL_TF_PLUGIN_DIR}")
  elif [[ -f "${config}" && -d "${cache}/tf-mirror/registry.terraform.io/hashicorp/aws" ]]; then
    export TF_CLI_CONFIG_FILE="${config}"
  elif [[ -d /opt/tf-plugins ]]; then
    TF_INIT_ARGS=("-plugin-dir=/opt/tf-plugins")
  else
    err "no provider mirror: run make tools (or set COATTAIL_TF_PLUGIN_DIR)"
    return 1
  fi
  log "$(terraform version | head -n 1); provider source: ${TF_INIT_ARGS[*]:-${TF_CLI_CONFIG_FILE}}"
}

#######################################
# Copies the Terraform root (without .terraform, state, tfvars, plans) into WORK/stack and adds
# the emulator-only files: the override, the variables and dummy Lambda packages.
#######################################
prepare_copy() {
  local -r stack="${WORK}/stack"
  mkdir -p "${stack}" "${WORK}/packages" || return 1
  tar -C "${INFRA_DIR}" --exclude='.terraform' --exclude='*.tfstate' --exclude='*.tfstate.*' \
    --exclude='terraform.tfvars' --exclude='*.auto.tfvars' --exclude='backend.hcl' \
    --exclude='tfplan' --exclude='.terraform.lock.hcl' -cf - . | tar -C "${stack}" -xf - \
    || return 1
  cp "${SCRIPT_DIR}/emulator_override.tf" "${stack}/emulator_override.tf" || return 1
  # moto stores Lambda code but never runs it: a placeholder bootstrap is enough.
  "${COATTAIL_EMULATOR_PYTHON}" - "${WORK}/packages" <<'EOF' || return 1
import sys
import zipfile
from pathlib import Path

for name in ("speed-layer", "api", "score-loader"):
    with zipfile.ZipFile(Path(sys.argv[1]) / f"{name}.zip", "w") as archive:
        info = zipfile.ZipInfo("bootstrap", date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o755 << 16
        archive.writestr(info, "#!/bin/sh\necho 'emulator placeholder: moto does not run Lambda'\n")
EOF
  cat >"${stack}/emulator.auto.tfvars" <<EOF || return 1
# Written by tests/emulator/e2e_infra.sh for the emulator run only.
speed_layer_package  = "${WORK}/packages/speed-layer.zip"
api_package          = "${WORK}/packages/api.zip"
score_loader_package = "${WORK}/packages/score-loader.zip"
# Exercise the optional parts too: GitHub OIDC provider + CI roles, the alarm e-mail subscription.
github_repository = "coat-tail-capital/coat-tail-capital"
alarm_email       = "alerts@example.com"
# Throw-away stack: hooks may leave objects in the buckets.
s3_force_destroy = true
EOF
  tf init -input=false -no-color "${TF_INIT_ARGS[@]}" >"${WORK}/init.log" 2>&1 || {
    tail -n 30 "${WORK}/init.log" >&2
    return 1
  }
  log "work copy ${stack} initialised"
}

#######################################
# terraform apply; the log goes to WORK/NAME.log.
# Arguments: NAME, then extra terraform arguments (e.g. -var streaming_enabled=false).
#######################################
apply_stack() {
  APPLIED=1
  local -r logfile="${WORK}/$1.log"
  shift
  if ! tf apply -auto-approve -input=false -no-color "$@" >"${logfile}" 2>&1; then
    grep -A 12 '^Error' "${logfile}" >&2 || tail -n 40 "${logfile}" >&2
    err "apply failed; full log: ${logfile}"
    return 1
  fi
  grep -E '^Apply complete' "${logfile}"
}

#######################################
# terraform plan -detailed-exitcode must be 0; on 2 the plan is printed.
# Arguments: extra terraform arguments.
#######################################
plan_no_changes() {
  local rc=0
  tf plan -detailed-exitcode -input=false -no-color -out="${WORK}/check.tfplan" "$@" \
    >"${WORK}/plan.log" 2>&1 || rc=$?
  case "${rc}" in
    0) log "plan: no changes" ;;
    2)
      err "plan after apply is not empty (perpetual diff or an emulator gap):"
      tf show -no-color "${WORK}/check.tfplan" >&2 || cat "${WORK}/plan.log" >&2
      return 1
      ;;
    *)
      tail -n 40 "${WORK}/plan.log" >&2
      return 1
      ;;
  esac
}

apply_again_no_op() {
  apply_stack apply-2 || return 1
  grep -q 'Apply complete! Resources: 0 added, 0 changed, 0 destroyed' "${WORK}/apply-2.log" || {
    err "the second apply changed something:"
    grep -E '^  # |^Apply complete' "${WORK}/apply-2.log" >&2
    return 1
  }
}

assertions() {
  tf show -json >"${WORK}/state.json" || return 1
  tf output -json >"${WORK}/outputs.json" || return 1
  "${COATTAIL_EMULATOR_PYTHON}" "${SCRIPT_DIR}/assert_stack.py" stack \
    --state "${WORK}/state.json" --outputs "${WORK}/outputs.json"
}

#######################################
# Every executable tests/emulator/stack_hooks/*.sh, sorted, with the emulator environment,
# STACK_OUTPUTS (terraform output -json), STACK_WORK_DIR and COATTAIL_EMULATOR_STATE_DIR.
# A failing hook fails the run (destroy still runs).
#######################################
run_hooks() {
  local hooks=() hook
  if [[ -d "${HOOK_DIR}" ]]; then
    while IFS= read -r hook; do
      [[ -x "${hook}" ]] && hooks+=("${hook}")
    done < <(find "${HOOK_DIR}" -maxdepth 1 -name '*.sh' -type f | LC_ALL=C sort)
  fi
  if ((${#hooks[@]} == 0)); then
    log "no hooks in ${HOOK_DIR}"
    return 0
  fi
  export STACK_OUTPUTS="${WORK}/outputs.json" STACK_WORK_DIR="${WORK}"
  export COATTAIL_EMULATOR_STATE_DIR="${STATE_DIR}"
  for hook in "${hooks[@]}"; do
    local start="${SECONDS}"
    log "hook ${hook#"${REPO_ROOT}/"}"
    if ! (cd "${REPO_ROOT}" && "${hook}"); then
      err "hook failed: ${hook}"
      return 1
    fi
    log "hook ${hook##*/}: PASS ($(fmt_duration $((SECONDS - start))))"
  done
}

#######################################
# The start/stop lifecycle (infra/README.md "Start / stop"): streaming_enabled=false removes the
# hourly-billed streaming resources and nothing else, a plan in that state is empty, and
# streaming_enabled=true brings them back under the same names with an empty plan again.
#######################################
streaming_off() {
  apply_stack apply-streaming-off -var streaming_enabled=false || return 1
  "${COATTAIL_EMULATOR_PYTHON}" "${SCRIPT_DIR}/assert_stack.py" streaming --expect off \
    --prefix "${NAME_PREFIX}" || return 1
  plan_no_changes -var streaming_enabled=false
}

streaming_on() {
  apply_stack apply-streaming-on -var streaming_enabled=true || return 1
  "${COATTAIL_EMULATOR_PYTHON}" "${SCRIPT_DIR}/assert_stack.py" streaming --expect on \
    --prefix "${NAME_PREFIX}" || return 1
  plan_no_changes
}

destroy_stack() {
  if ! tf destroy -auto-approve -input=false -no-color >"${WORK}/destroy.log" 2>&1; then
    grep -A 12 '^Error' "${WORK}/destroy.log" >&2 || tail -n 40 "${WORK}/destroy.log" >&2
    err "destroy failed; full log: ${WORK}/destroy.log"
    return 1
  fi
  DESTROYED=1
  grep -E '^Destroy complete' "${WORK}/destroy.log"
}

nothing_left() {
  local left
  left="$(tf state list)" || return 1
  if [[ -n "${left}" ]]; then
    err "terraform state still lists:"
    printf '%s\n' "${left}" >&2
    return 1
  fi
  log "terraform state is empty"
  "${COATTAIL_EMULATOR_PYTHON}" "${SCRIPT_DIR}/assert_stack.py" leftovers --prefix "${NAME_PREFIX}"
}

stop_emulator() {
  "${EMULATOR}" stop "${STATE_DIR}" || return 1
  EMULATOR_STARTED=0
}

main() {
  while (($# > 0)); do
    case "$1" in
      --keep) KEEP=1 ;;
      --no-lifecycle) LIFECYCLE=0 ;;
      --no-hooks) HOOKS=0 ;;
      --infra-dir)
        (($# >= 2)) || die "--infra-dir needs a directory"
        INFRA_DIR="$2"
        shift
        ;;
      -h | --help)
        usage
        return 0
        ;;
      *)
        usage >&2
        die "unknown argument: $1"
        ;;
    esac
    shift
  done
  [[ -f "${INFRA_DIR}/main.tf" ]] || die "not a Terraform root: ${INFRA_DIR}"
  INFRA_DIR="$(cd "${INFRA_DIR}" && pwd)"

  WORK="$(mktemp -d "${TMPDIR:-/tmp}/coattail-e2e-infra.XXXXXX")"
  STATE_DIR="${WORK}/emulator"
  trap cleanup EXIT
  # Interrupted or killed: still destroy, stop the emulator and keep the logs (via the EXIT trap).
  trap 'exit 130' INT
  trap 'exit 143' TERM
  log "work directory ${WORK}"

  phase "emulator start" start_emulator
  phase "terraform setup" setup_terraform
  phase "copy + override + init" prepare_copy
  phase "apply" apply_stack apply-1
  phase "plan -detailed-exitcode = 0" plan_no_changes
  phase "second apply = no changes" apply_again_no_op
  phase "assertions (boto3 read-back)" assertions
  if ((HOOKS == 1)); then
    phase "hooks" run_hooks
  fi
  if ((LIFECYCLE == 1)); then
    phase "stop: streaming_enabled=false" streaming_off
    phase "start: streaming_enabled=true" streaming_on
  fi
  phase "destroy" destroy_stack
  phase "nothing left" nothing_left
  phase "emulator stop" stop_emulator
}

main "$@"
