#!/usr/bin/env bats
# Tests of the local AWS emulator harness (tests/emulator/emulator.sh): start / start again / env /
# reset / stop, isolation of two state directories, and the compatibility layer (compat_check.py).
# The first run creates the pinned venv (about a minute); later runs take seconds.

bats_require_minimum_version 1.5.0

setup_file() {
  REPO_ROOT="$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)"
  export REPO_ROOT
  export EMULATOR="${REPO_ROOT}/tests/emulator/emulator.sh"
  # Creating the venv can take a minute; do it once, outside the per-test timings.
  "${EMULATOR}" venv >/dev/null
}

setup() {
  DIR="${BATS_TEST_TMPDIR}/emulator"
  OTHER="${BATS_TEST_TMPDIR}/other"
}

teardown() {
  "${EMULATOR}" stop "${DIR}" >/dev/null 2>&1 || true
  "${EMULATOR}" stop "${OTHER}" >/dev/null 2>&1 || true
}

# Starts the emulator for DIR and exports its environment into the test.
start_and_eval() {
  local lines
  lines="$("${EMULATOR}" start "$1" 2>/dev/null)"
  eval "${lines}"
}

@test "--help lists the commands" {
  run "${EMULATOR}" --help
  [ "${status}" -eq 0 ]
  for word in start env reset stop STATE_DIR; do
    [[ "${output}" == *"${word}"* ]]
  done
}

@test "an unknown command or a missing STATE_DIR is rejected" {
  run "${EMULATOR}" launch "${DIR}"
  [ "${status}" -ne 0 ]
  [[ "${output}" == *"unknown command"* ]]
  run "${EMULATOR}" start
  [ "${status}" -ne 0 ]
  [[ "${output}" == *"STATE_DIR"* ]]
}

@test "env and reset fail clearly when no emulator runs" {
  run "${EMULATOR}" env "${DIR}"
  [ "${status}" -ne 0 ]
  [[ "${output}" == *"no emulator running"* ]]
  run "${EMULATOR}" reset "${DIR}"
  [ "${status}" -ne 0 ]
  run "${EMULATOR}" status "${DIR}"
  [ "${status}" -eq 1 ]
}

@test "start prints only export lines on stdout and writes the state files" {
  run --separate-stderr "${EMULATOR}" start "${DIR}"
  [ "${status}" -eq 0 ]
  [[ "${output}" == *"export AWS_ENDPOINT_URL=http://127.0.0.1:"* ]]
  [[ "${output}" == *"export AWS_ACCESS_KEY_ID=testing"* ]]
  [[ "${output}" == *"export AWS_REGION=us-west-2"* ]]
  [[ "${output}" == *"export COATTAIL_EMULATOR_PYTHON="* ]]
  [[ "${output}" == *"unset AWS_PROFILE"* ]]
  # Every stdout line is shell to evaluate (nothing else leaks into eval).
  while IFS= read -r line; do
    [[ "${line}" =~ ^(export|unset|case)\  ]]
  done <<<"${output}"
  [ -s "${DIR}/endpoint" ] && [ -s "${DIR}/pid" ] && [ -s "${DIR}/port" ]
  [ -s "${DIR}/moto.log" ]
  grep -q "compatibility layer" "${DIR}/moto.log"
}

@test "the started emulator serves the AWS CLI and boto3 from the venv" {
  start_and_eval "${DIR}"
  [[ "$(command -v aws)" == "${COATTAIL_CACHE:-${HOME}/.cache/coattail}/venv-emulator/bin/aws" ]]
  run aws s3api create-bucket --bucket bats-bucket \
    --create-bucket-configuration LocationConstraint=us-west-2
  [ "${status}" -eq 0 ]
  run "${COATTAIL_EMULATOR_PYTHON}" -c \
    'import boto3; print([b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]])'
  [ "${status}" -eq 0 ]
  [[ "${output}" == *"bats-bucket"* ]]
  run aws sts get-caller-identity --query Account --output text
  [ "${output}" = "123456789012" ]
}

@test "starting twice reuses the running server" {
  run "${EMULATOR}" start "${DIR}"
  [ "${status}" -eq 0 ]
  local -r pid="$(cat "${DIR}/pid")" endpoint="$(cat "${DIR}/endpoint")"
  run "${EMULATOR}" start "${DIR}"
  [ "${status}" -eq 0 ]
  [[ "${output}" == *"already running"* ]]
  [ "$(cat "${DIR}/pid")" = "${pid}" ]
  [ "$(cat "${DIR}/endpoint")" = "${endpoint}" ]
  run "${EMULATOR}" env "${DIR}"
  [ "${status}" -eq 0 ]
  [[ "${output}" == *"AWS_ENDPOINT_URL=${endpoint}"* ]]
}

@test "reset wipes all emulated state" {
  start_and_eval "${DIR}"
  aws s3api create-bucket --bucket bats-reset \
    --create-bucket-configuration LocationConstraint=us-west-2 >/dev/null
  # AWS CLI v1 ignores AWS_ENDPOINT_URL for sqs (its sqs customization pins the legacy endpoint).
  aws --endpoint-url "${AWS_ENDPOINT_URL}" sqs create-queue --queue-name bats-reset >/dev/null
  run "${EMULATOR}" reset "${DIR}"
  [ "${status}" -eq 0 ]
  run aws s3api list-buckets --query 'Buckets[].Name' --output text
  [[ "${output}" != *"bats-reset"* ]]
  run aws --endpoint-url "${AWS_ENDPOINT_URL}" sqs list-queues --output text
  [[ "${output}" != *"bats-reset"* ]]
}

@test "stop ends the process group, keeps the log; stop again is harmless; start again works" {
  start_and_eval "${DIR}"
  local -r pid="$(cat "${DIR}/pid")"
  run "${EMULATOR}" stop "${DIR}"
  [ "${status}" -eq 0 ]
  ! kill -0 "${pid}" 2>/dev/null
  [ ! -e "${DIR}/endpoint" ] && [ ! -e "${DIR}/pid" ]
  [ -s "${DIR}/moto.log" ]
  grep -q "stopped" "${DIR}/moto.log"
  run "${EMULATOR}" stop "${DIR}"
  [ "${status}" -eq 0 ]
  [[ "${output}" == *"not running"* ]]
  start_and_eval "${DIR}"
  run aws s3api list-buckets
  [ "${status}" -eq 0 ]
}

@test "two state directories get two independent servers" {
  start_and_eval "${DIR}"
  local -r first="${AWS_ENDPOINT_URL}"
  aws s3api create-bucket --bucket bats-only-first \
    --create-bucket-configuration LocationConstraint=us-west-2 >/dev/null
  start_and_eval "${OTHER}"
  [ "${AWS_ENDPOINT_URL}" != "${first}" ]
  run aws s3api list-buckets --query 'Buckets[].Name' --output text
  [[ "${output}" != *"bats-only-first"* ]]
}

@test "a server that died is replaced by the next start" {
  start_and_eval "${DIR}"
  local -r pid="$(cat "${DIR}/pid")"
  kill -KILL "${pid}"
  while kill -0 "${pid}" 2>/dev/null; do sleep 0.1; done
  run "${EMULATOR}" status "${DIR}"
  [ "${status}" -eq 1 ]
  start_and_eval "${DIR}"
  [ "$(cat "${DIR}/pid")" != "${pid}" ]
  run aws s3api list-buckets
  [ "${status}" -eq 0 ]
}

@test "every compatibility patch behaves like AWS (compat_check.py)" {
  start_and_eval "${DIR}"
  run "${COATTAIL_EMULATOR_PYTHON}" "${REPO_ROOT}/tests/emulator/compat_check.py"
  echo "${output}"
  [ "${status}" -eq 0 ]
  [[ "${output}" == *"compatibility checks passed"* ]]
}
