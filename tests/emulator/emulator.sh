#!/usr/bin/env bash
#
# Local AWS emulator for the tests: moto in server mode (pinned, in a venv outside the repository)
# with the repo's compatibility layer (tests/emulator/moto_compat.py), on 127.0.0.1 and a free port.
#
#   eval "$(tests/emulator/emulator.sh start STATE_DIR)"   # start (or reuse), export the env
#   tests/emulator/emulator.sh env STATE_DIR                # the export lines of a running server
#   tests/emulator/emulator.sh reset STATE_DIR              # wipe all emulated state
#   tests/emulator/emulator.sh stop STATE_DIR               # stop; STATE_DIR/moto.log is kept
#
# Only the export lines go to stdout; progress and errors go to stderr.

set -Eeuo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib/log.sh
source "${SCRIPT_DIR}/../../scripts/lib/log.sh"
LOG_TAG="emulator"
LOG_TIMESTAMPS=1
# stdout carries only the shell lines to eval.
LOG_TO_STDERR=1
readonly CACHE="${COATTAIL_CACHE:-${HOME}/.cache/coattail}"
readonly VENV="${COATTAIL_EMULATOR_VENV:-${CACHE}/venv-emulator}"
readonly REQUIREMENTS="${SCRIPT_DIR}/requirements.txt"
readonly REGION="${COATTAIL_EMULATOR_REGION:-us-west-2}"
readonly START_TIMEOUT="${COATTAIL_EMULATOR_START_TIMEOUT:-90}"
readonly STOP_TIMEOUT=15

usage() {
  cat <<EOF
Usage: $(basename "$0") start|env|reset|stop|status STATE_DIR
       $(basename "$0") venv | --help

Local AWS emulator: moto server $(moto_pin) with the compatibility layer of
tests/emulator/moto_compat.py, bound to 127.0.0.1 on a free port.

  start STATE_DIR  ensure the venv (${VENV}), start the server (or reuse the
                   one already running for STATE_DIR), wait until it answers and
                   print export lines for: eval "\$(... start STATE_DIR)"
                   AWS_ENDPOINT_URL, test credentials, AWS_REGION=${REGION}, PATH
                   (AWS CLI v1 + python with boto3), COATTAIL_EMULATOR_PYTHON
  env STATE_DIR    the same export lines for the running server
  reset STATE_DIR  wipe all emulated state (POST /moto-api/reset)
  stop STATE_DIR   stop the server (its whole process group); keep moto.log
  status STATE_DIR exit 0 when the server answers, 1 otherwise
  venv             only create / verify the venv (prints its path)

Files in STATE_DIR: endpoint, pid, port, moto.log.
Environment: COATTAIL_CACHE (default ~/.cache/coattail), COATTAIL_EMULATOR_REGION
(default us-west-2), COATTAIL_EMULATOR_START_TIMEOUT seconds (default 90),
COATTAIL_EMULATOR_BASE_PYTHON (python used to create the venv; default python3).
EOF
}

moto_pin() {
  sed -n 's/^moto\[server\]==//p' "${REQUIREMENTS}"
}

#######################################
# Prints the id of the venv wanted now: requirements.txt + base python version.
#######################################
venv_stamp() {
  local -r python="$1"
  {
    sha256sum "${REQUIREMENTS}" | cut -d' ' -f1
    "${python}" -c 'import sys; print(sys.version.split()[0])'
  } | tr '\n' ' '
}

#######################################
# Finds a python (>= 3.9) that can create venvs with pip.
#######################################
base_python() {
  local candidate
  for candidate in "${COATTAIL_EMULATOR_BASE_PYTHON:-}" python3 /usr/bin/python3; do
    [[ -n "${candidate}" ]] || continue
    command -v "${candidate}" >/dev/null 2>&1 || continue
    if "${candidate}" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 9))' \
      2>/dev/null; then
      command -v "${candidate}"
      return 0
    fi
  done
  die "no python3 (>= 3.9) with the venv and ensurepip modules" \
    "(on Debian: apt-get install python3-venv)"
}

#######################################
# Creates or reuses the pinned venv. Serialized with flock: parallel starts share one build.
#######################################
ensure_venv() {
  mkdir -p "${CACHE}"
  local -r lock="${CACHE}/.venv-emulator.lock"
  (
    flock -w 900 9 || die "timed out waiting for ${lock}"
    local python wanted
    python="$(base_python)"
    if [[ -x "${VENV}/bin/python" && -f "${VENV}/.stamp" ]]; then
      # The base python of an existing venv is the one its pyvenv.cfg names; compare with it.
      wanted="$(venv_stamp "${VENV}/bin/python")"
      if [[ "$(cat "${VENV}/.stamp")" == "${wanted}" ]]; then
        exit 0
      fi
      log "venv ${VENV} is out of date (requirements changed): rebuilding"
    fi
    log "creating ${VENV} with ${python}" \
      "(pinned moto[server]==$(moto_pin), boto3, awscli v1; 1.5 to 3 minutes)"
    rm -rf "${VENV}"
    "${python}" -m venv "${VENV}" >&2
    "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check \
      --no-input -r "${REQUIREMENTS}" >&2 \
      || { rm -rf "${VENV}"; die "pip install -r ${REQUIREMENTS} failed"; }
    venv_stamp "${VENV}/bin/python" >"${VENV}/.stamp"
    log "venv ready: ${VENV}"
  ) 9>"${lock}"
}

#######################################
# Succeeds when our moto server answers its health probe (GET /coattail-health = 200).
#######################################
answers() {
  local -r endpoint="$1"
  "${VENV}/bin/python" - "${endpoint}" <<'EOF' 2>/dev/null
import sys
import urllib.error
import urllib.request

try:
    urllib.request.urlopen(sys.argv[1] + "/coattail-health", timeout=5).read()
except (OSError, urllib.error.URLError):
    sys.exit(1)
EOF
}

#######################################
# Succeeds while PID runs. A zombie (exited, not yet reaped by its new parent: the server outlives
# the shell that started it) counts as gone.
#######################################
pid_alive() {
  local -r pid="$1"
  [[ "${pid}" =~ ^[0-9]+$ ]] && kill -0 "${pid}" 2>/dev/null || return 1
  local stat=""
  if [[ -r "/proc/${pid}/stat" ]]; then
    stat="$(cat "/proc/${pid}/stat" 2>/dev/null)" || return 1
    stat="${stat##*) }"
    [[ "${stat:0:1}" != "Z" ]] || return 1
  fi
  return 0
}

#######################################
# Reads STATE_DIR/pid and STATE_DIR/endpoint into PID / ENDPOINT; fails unless the server answers.
#######################################
running() {
  local -r dir="$1"
  PID="$(cat "${dir}/pid" 2>/dev/null || true)"
  ENDPOINT="$(cat "${dir}/endpoint" 2>/dev/null || true)"
  [[ -n "${ENDPOINT}" ]] && pid_alive "${PID}" && answers "${ENDPOINT}"
}

print_env() {
  local -r endpoint="$1"
  local -r bin="${VENV}/bin"
  printf 'export AWS_ENDPOINT_URL=%q\n' "${endpoint}"
  printf 'export AWS_ACCESS_KEY_ID=testing\n'
  printf 'export AWS_SECRET_ACCESS_KEY=testing\n'
  printf 'export AWS_REGION=%q\n' "${REGION}"
  printf 'export AWS_DEFAULT_REGION=%q\n' "${REGION}"
  printf 'export AWS_EC2_METADATA_DISABLED=true\n'
  printf 'unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_DEFAULT_PROFILE\n'
  printf 'export COATTAIL_EMULATOR_PYTHON=%q\n' "${bin}/python"
  printf 'export COATTAIL_EMULATOR_ENDPOINT=%q\n' "${endpoint}"
  # Prepend the venv's bin (AWS CLI v1, python with boto3) once, even when evaluated again.
  # shellcheck disable=SC2016 # ${PATH} is expanded by the shell that evaluates these lines.
  printf 'case ":${PATH}:" in *:%q:*) ;; *) export PATH=%q:"${PATH}" ;; esac\n' "${bin}" "${bin}"
}

show_log_tail() {
  local -r logfile="$1"
  if [[ -s "${logfile}" ]]; then
    printf -- '--- last lines of %s ---\n' "${logfile}" >&2
    tail -n 30 "${logfile}" >&2
    printf -- '--- end of %s ---\n' "${logfile}" >&2
  fi
}

cmd_start() {
  local -r dir="$1"
  mkdir -p "${dir}"
  if running "${dir}"; then
    log "already running for ${dir}: ${ENDPOINT} (pid ${PID})"
    print_env "${ENDPOINT}"
    return 0
  fi
  if pid_alive "${PID:-}"; then
    # A server that no longer answers: stop it before starting a new one.
    stop_pid "${PID}"
  fi
  ensure_venv
  rm -f "${dir}/endpoint" "${dir}/pid" "${dir}/port"
  local -r logfile="${dir}/moto.log"
  printf '==== %(%F %T)T start (%s) ====\n' -1 "$0" >>"${logfile}"
  # setsid: the server leads its own process group, so stop can signal the whole group. stdio is
  # detached so that $(emulator.sh start) returns without waiting for the server.
  (
    cd "${SCRIPT_DIR}"
    export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ of moto_compat in the source tree
    exec setsid "${VENV}/bin/python" -u serve.py --host 127.0.0.1 --port 0 \
      --port-file "${dir}/port" </dev/null >>"${logfile}" 2>&1
  ) &
  local -r pid=$!
  printf '%s\n' "${pid}" >"${dir}/pid"

  local -r deadline=$((SECONDS + START_TIMEOUT))
  local port="" endpoint=""
  while ((SECONDS < deadline)); do
    if ! pid_alive "${pid}"; then
      show_log_tail "${logfile}"
      die "moto server exited during start-up; log: ${logfile}"
    fi
    if [[ -z "${port}" && -s "${dir}/port" ]]; then
      port="$(cat "${dir}/port")"
      endpoint="http://127.0.0.1:${port}"
    fi
    if [[ -n "${endpoint}" ]] && answers "${endpoint}"; then
      printf '%s\n' "${endpoint}" >"${dir}/endpoint"
      log "moto ready at ${endpoint} (pid ${pid}, log ${logfile})"
      print_env "${endpoint}"
      return 0
    fi
    sleep 0.3
  done
  show_log_tail "${logfile}"
  stop_pid "${pid}"
  die "moto server not ready after ${START_TIMEOUT}s; log: ${logfile}"
}

#######################################
# Sends TERM to the process group of PID (then KILL after STOP_TIMEOUT) and waits until it is gone.
#######################################
stop_pid() {
  local -r pid="$1"
  pid_alive "${pid}" || return 0
  kill -TERM -- "-${pid}" 2>/dev/null || kill -TERM "${pid}" 2>/dev/null || true
  local -r deadline=$((SECONDS + STOP_TIMEOUT))
  while pid_alive "${pid}" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if pid_alive "${pid}"; then
    log "pid ${pid} ignored TERM for ${STOP_TIMEOUT}s: KILL"
    kill -KILL -- "-${pid}" 2>/dev/null || kill -KILL "${pid}" 2>/dev/null || true
    while pid_alive "${pid}"; do
      sleep 0.2
    done
  fi
}

cmd_stop() {
  local -r dir="$1"
  local pid
  pid="$(cat "${dir}/pid" 2>/dev/null || true)"
  if pid_alive "${pid}"; then
    stop_pid "${pid}"
    printf '==== %(%F %T)T stopped ====\n' -1 >>"${dir}/moto.log"
    log "stopped pid ${pid}; log kept: ${dir}/moto.log"
  else
    log "not running (${dir})"
  fi
  rm -f "${dir}/endpoint" "${dir}/pid" "${dir}/port"
}

cmd_env() {
  local -r dir="$1"
  running "${dir}" || die "no emulator running for ${dir} (start it first)"
  print_env "${ENDPOINT}"
}

cmd_reset() {
  local -r dir="$1"
  running "${dir}" || die "no emulator running for ${dir} (start it first)"
  "${VENV}/bin/python" - "${ENDPOINT}" <<'EOF' || die "reset failed; log: ${dir}/moto.log"
import sys
import urllib.request

request = urllib.request.Request(sys.argv[1] + "/moto-api/reset", data=b"", method="POST")
urllib.request.urlopen(request, timeout=30).read()
EOF
  log "state wiped (${ENDPOINT})"
}

main() {
  local -r cmd="${1:-}"
  case "${cmd}" in
    -h | --help | help)
      usage
      return 0
      ;;
    venv)
      ensure_venv
      printf '%s\n' "${VENV}"
      return 0
      ;;
    start | env | reset | stop | status) ;;
    *)
      usage >&2
      die "unknown command: '${cmd}'"
      ;;
  esac
  (($# == 2)) || {
    usage >&2
    die "${cmd} needs exactly one STATE_DIR argument"
  }
  local dir="$2"
  mkdir -p "${dir}"
  dir="$(cd "${dir}" && pwd)"
  case "${cmd}" in
    start) cmd_start "${dir}" ;;
    env) cmd_env "${dir}" ;;
    reset) cmd_reset "${dir}" ;;
    stop) cmd_stop "${dir}" ;;
    status) running "${dir}" ;;
  esac
}

main "$@"
