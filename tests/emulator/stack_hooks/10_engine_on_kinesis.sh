#!/usr/bin/env bash
#
# Stack hook of tests/emulator/e2e_infra.sh: the engine on the applied stack. Simulates a market
# with malformed lines, duplicates and reorg retractions mixed in, produces it to the trades
# stream, runs the engine from Kinesis into DynamoDB (killed with SIGKILL after its first
# checkpoint, then restarted), runs the same events from the file, and checks with
# check_pipeline.py that the two agree, that the dead-letter stream holds exactly the injected bad
# lines, and that every count reconciles.
#
# Environment: the emulator's (AWS_ENDPOINT_URL, credentials, AWS_REGION, PATH with its python),
# STACK_OUTPUTS (terraform output -json), COATTAIL_BIN (default build/asan/coattail, else
# build/release/coattail).

set -Eeuo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
REPO_ROOT="$(cd "${SCRIPT_DIR}/../../.." && pwd)"
readonly REPO_ROOT
# shellcheck source-path=SCRIPTDIR source=../../../scripts/lib/log.sh
source "${REPO_ROOT}/scripts/lib/log.sh"
LOG_TAG="engine-on-kinesis"
LOG_TIMESTAMPS=1
LOG_TO_STDERR=1

coattail_bin() {
  local candidate
  for candidate in "${COATTAIL_BIN:-}" "${REPO_ROOT}/build/asan/coattail" \
    "${REPO_ROOT}/build/release/coattail"; do
    if [[ -n "${candidate}" && -x "${candidate}" ]]; then
      printf '%s\n' "${candidate}"
      return 0
    fi
  done
  die "no coattail binary: build it first (make build-asan) or set COATTAIL_BIN"
}

output() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["value"])' \
    "${STACK_OUTPUTS}" "$1"
}

# Waits until the run's SQLite store holds a checkpoint past line 0, then kills the run.
kill_after_first_checkpoint() {
  local pid="$1" db="$2" deadline=$((SECONDS + 120)) line
  while ((SECONDS < deadline)); do
    if ! kill -0 "${pid}" 2>/dev/null; then
      die "the engine ended before its first checkpoint; see ${db%.db}.run1.txt"
    fi
    line="$(python3 -c 'import sqlite3,sys
try:
    r = sqlite3.connect(sys.argv[1]).execute("select input_line from checkpoint").fetchone()
    print(r[0] if r else 0)
except sqlite3.Error:
    print(0)' "${db}")"
    if ((line > 0)); then
      kill -9 "${pid}"
      wait "${pid}" 2>/dev/null || true
      log "killed the engine (SIGKILL) after its checkpoint at event ${line}"
      return 0
    fi
    sleep 0.2
  done
  die "no checkpoint within 120 s"
}

main() {
  [[ -n "${STACK_OUTPUTS:-}" && -r "${STACK_OUTPUTS}" ]] || die "STACK_OUTPUTS is not set"
  [[ -n "${AWS_ENDPOINT_URL:-}" ]] || die "AWS_ENDPOINT_URL is not set: run me from e2e_infra.sh"
  local bin work trades dead alerts scores
  bin="$(coattail_bin)"
  work="$(mktemp -d "${TMPDIR:-/tmp}/coattail-engine-e2e.XXXXXX")"
  trades="$(output trades_stream_name)"
  dead="$(output dead_letter_stream_name)"
  alerts="$(output alerts_table_name)"
  scores="$(output scores_table_name)"
  log "binary ${bin}; work dir ${work}"
  log "streams ${trades} / ${dead}; tables ${alerts} / ${scores}"

  "${bin}" simulate --seed 11 --days 3 --malformed 25 --duplicates 20 --retractions 10 \
    --out "${work}/events.ndjson" --truth "${work}/truth.json" >&2

  local started=${SECONDS}
  "${bin}" produce --in "${work}/events.ndjson" --stream "${trades}" \
    --dead-letter-stream "${dead}" >"${work}/produce.txt"
  log "produce: $(tr '\n' ' ' <"${work}/produce.txt") ($((SECONDS - started)) s)"

  "${bin}" run --in "${work}/events.ndjson" --db "${work}/file.db" \
    --alerts "${work}/file_alerts.ndjson" --dead-letter "${work}/file_rejected.ndjson" \
    >"${work}/file_run.txt"

  # The stream run: killed after its first checkpoint, then resumed to the end of the stream.
  started=${SECONDS}
  local -a stream_run=("${bin}" run --source "kinesis:${trades}" --db "${work}/stream.db"
    --alerts "${work}/stream_alerts.ndjson" --dead-letter "${work}/stream_rejected.ndjson"
    --sink "dynamodb:${alerts}" --scores-table "${scores}" --checkpoint-every 50000
    --stop-when-idle 5s)
  "${stream_run[@]}" >"${work}/stream.run1.txt" 2>&1 &
  kill_after_first_checkpoint "$!" "${work}/stream.db"
  "${stream_run[@]}" >"${work}/stream_run.txt"
  log "stream run resumed and drained ($((SECONDS - started)) s): $(grep -E \
    '^(resumed_from_line|get_records_calls|dynamodb_alert_items|dynamodb_score_items)=' \
    "${work}/stream_run.txt" | tr '\n' ' ')"

  python3 "${SCRIPT_DIR}/../check_pipeline.py" --work "${work}" --dead-letter-stream "${dead}" \
    --alerts-table "${alerts}" --scores-table "${scores}"
  rm -rf "${work}"
}

main "$@"
