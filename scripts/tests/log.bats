#!/usr/bin/env bats
#
# Tests of the shell library scripts/lib/log.sh (and common.sh, which loads it with aws.sh): the
# line formats of log / warn / err, the streams they use, the exit codes of die / die_with, and
# require_cmd's message. Each case runs in a fresh bash so that an exit ends only that shell.
#
#   bats scripts/tests/log.bats

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup() {
  LIB="$(cd "${BATS_TEST_DIRNAME}/../lib" && pwd)"
}

# Runs a snippet in a new bash that has sourced log.sh (set -Eeuo pipefail, as the scripts do).
lib_run() {
  run --separate-stderr bash -c "set -Eeuo pipefail; source '${LIB}/log.sh'; $1"
}

@test "log prints 'TAG: message' on stdout, nothing on stderr" {
  lib_run 'LOG_TAG=demo; log hello  world'
  assert_success
  assert_output "demo: hello world"
  [ -z "${stderr}" ]
}

@test "the default tag is coattail, and an exported LOG_TAG is kept" {
  lib_run 'log x'
  assert_output "coattail: x"
  LOG_TAG=from-env lib_run 'log x'
  assert_output "from-env: x"
}

@test "warn and err go to stderr with their level" {
  lib_run 'LOG_TAG=demo; warn careful; err broken'
  assert_success
  assert_output ""
  [ "${stderr}" == $'demo: warning: careful\ndemo: error: broken' ]
}

@test "LOG_TIMESTAMPS=1 prints [TAG HH:MM:SS] and upper-case levels" {
  lib_run 'LOG_TAG=demo; LOG_TIMESTAMPS=1; log step; err bad'
  assert_success
  assert_output --regexp '^\[demo [0-9]{2}:[0-9]{2}:[0-9]{2}\] step$'
  [[ "${stderr}" =~ ^\[demo\ [0-9]{2}:[0-9]{2}:[0-9]{2}\]\ ERROR:\ bad$ ]]
}

@test "LOG_TO_STDERR=1 keeps stdout free for data" {
  lib_run 'LOG_TAG=demo; LOG_TO_STDERR=1; log progress; echo data'
  assert_success
  assert_output "data"
  [ "${stderr}" == "demo: progress" ]
}

@test "die exits 1 with the message on stderr and runs nothing after it" {
  lib_run 'LOG_TAG=demo; die "it broke" here; echo after'
  assert_failure 1
  assert_output ""
  [ "${stderr}" == "demo: error: it broke here" ]
}

@test "die_with exits with the given code" {
  lib_run 'LOG_TAG=demo; die_with 2 "bad usage"; echo after'
  assert_failure 2
  [ "${stderr}" == "demo: error: bad usage" ]
  lib_run 'die_with 7 seven'
  assert_failure 7
}

@test "die inside a function ends the script, not only the function" {
  lib_run 'f() { die inner; }; f; echo after'
  assert_failure 1
  assert_output ""
}

@test "require_cmd passes for commands on PATH" {
  lib_run 'require_cmd bash cat; echo ok'
  assert_success
  assert_output "ok"
}

@test "require_cmd names the first missing command and exits 1" {
  lib_run 'LOG_TAG=demo; require_cmd bash no-such-cmd-xyz other-missing; echo after'
  assert_failure 1
  assert_output ""
  [ "${stderr}" == "demo: error: 'no-such-cmd-xyz' not found on PATH" ]
}

@test "require_cmd appends REQUIRE_CMD_HINT" {
  lib_run 'REQUIRE_CMD_HINT="apt-get install xyz"; require_cmd no-such-cmd-xyz'
  assert_failure 1
  [[ "${stderr}" == *"'no-such-cmd-xyz' not found on PATH (apt-get install xyz)" ]]
}

@test "fmt_duration formats seconds, minutes and hours" {
  lib_run 'fmt_duration 5; echo; fmt_duration 125; echo; fmt_duration 3723'
  assert_success
  [ "${output}" == $'5s\n2m05s\n1h02m03s' ]
}

@test "common.sh loads the logging and the AWS helpers, and runs nothing" {
  run --separate-stderr bash -c "set -Eeuo pipefail; source '${LIB}/common.sh'
    declare -F log warn err die die_with require_cmd aws_init aws_cli aws_error_code is_region_name"
  assert_success
  [ "$(wc -l <<<"${output}")" -eq 10 ]
  [ -z "${stderr}" ]
}
