#!/usr/bin/env bash
#
# Logging and failure helpers shared by every shell script of the repository (scripts/, tools/,
# tests/). Source it; it defines functions and three settings, and runs nothing.
#
#   LOG_TAG         name at the start of every line (default: coattail)
#   LOG_TIMESTAMPS  0: "TAG: message" (default)
#                   1: "[TAG HH:MM:SS] message" (long-running tools: bootstrap, e2e, emulator)
#   LOG_TO_STDERR   0: log goes to stdout (default); 1: to stderr, for scripts whose stdout is
#                   data (emulator.sh prints shell lines to eval)
#
# warn, err and die always write to stderr:
#   LOG_TIMESTAMPS=0  "TAG: warning: message"    "TAG: error: message"
#   LOG_TIMESTAMPS=1  "[TAG HH:MM:SS] WARNING: message"  "[TAG HH:MM:SS] ERROR: message"
#
# Callers set the settings after sourcing (plain assignments; the defaults below only apply when
# the variable is unset, so an exported value wins).

LOG_TAG="${LOG_TAG:-coattail}"
LOG_TIMESTAMPS="${LOG_TIMESTAMPS:-0}"
LOG_TO_STDERR="${LOG_TO_STDERR:-0}"
# Appended in parentheses to require_cmd's message when not empty, e.g. "see scripts/README.md".
REQUIRE_CMD_HINT="${REQUIRE_CMD_HINT:-}"

#######################################
# Prints one line with the tag (and the time) in front.
# Arguments:
#   Level label (empty for plain log lines), message words.
#######################################
_log_line() {
  local -r level="$1"
  shift
  if [[ "${LOG_TIMESTAMPS}" == 1 ]]; then
    printf '[%s %(%H:%M:%S)T] %s%s\n' "${LOG_TAG}" -1 "${level:+${level^^}: }" "$*"
  else
    printf '%s: %s%s\n' "${LOG_TAG}" "${level:+${level}: }" "$*"
  fi
}

#######################################
# Progress: stdout, or stderr when LOG_TO_STDERR=1.
# Arguments:
#   Message words.
#######################################
log() {
  if [[ "${LOG_TO_STDERR}" == 1 ]]; then
    _log_line "" "$@" >&2
  else
    _log_line "" "$@"
  fi
}

#######################################
# A warning on stderr.
# Arguments:
#   Message words.
#######################################
warn() {
  _log_line warning "$@" >&2
}

#######################################
# An error on stderr (without exiting).
# Arguments:
#   Message words.
#######################################
err() {
  _log_line error "$@" >&2
}

#######################################
# Prints an error and exits with the given code.
# Arguments:
#   Exit code, message words.
#######################################
die_with() {
  local -r rc="$1"
  shift
  err "$@"
  exit "${rc}"
}

#######################################
# Prints an error and exits with 1.
# Arguments:
#   Message words.
#######################################
die() {
  die_with 1 "$@"
}

#######################################
# Fails (exit 1) naming the first command that is not on PATH.
# Arguments:
#   Command names.
#######################################
require_cmd() {
  local cmd
  for cmd in "$@"; do
    command -v "${cmd}" >/dev/null 2>&1 \
      || die "'${cmd}' not found on PATH${REQUIRE_CMD_HINT:+ (${REQUIRE_CMD_HINT})}"
  done
}

#######################################
# Formats a number of seconds as 1h02m03s / 2m03s / 3s.
# Arguments:
#   Seconds.
#######################################
fmt_duration() {
  local -r s="$1"
  if ((s >= 3600)); then
    printf '%dh%02dm%02ds' $((s / 3600)) $((s % 3600 / 60)) $((s % 60))
  elif ((s >= 60)); then
    printf '%dm%02ds' $((s / 60)) $((s % 60))
  else
    printf '%ds' "${s}"
  fi
}
