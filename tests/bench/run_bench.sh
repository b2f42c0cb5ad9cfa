#!/usr/bin/env bash
#
# End-to-end benchmark of the engine against DuckDB on one NDJSON file (`make bench`).
#
# 1. Makes the events file with `coattail simulate` (cached in BENCH_DIR by seed, flags and binary).
# 2. Runs `coattail run --export-stats` with decay off, pinned to one core; measures wall time, CPU
#    time and peak RSS (measure.py: wait4's rusage).
# 3. Runs the parser-only reference, `coattail validate --in FILE` with no outputs, timed the same
#    way on the same core: reading and parsing every line, no engine.
# 4. Computes the same forward returns and per-wallet n/mean/variance in DuckDB (duckdb_stats.py),
#    once with one thread pinned to the same core, once with all threads.
# 5. Compares the engine's stats with single-threaded DuckDB's (compare_stats.py) and prints the
#    report (report.py), also written to BENCH_DIR/run/report.md, with the engine's events/s as a
#    share of the parser-only reference.
#
# Exit status: 0 when the engine and DuckDB agree; 1 on disagreement; 2 on a usage or setup error.
# Speed targets are reported, not enforced: this is a benchmark, not a timed test.

set -Eeuo pipefail
shopt -s inherit_errexit

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
readonly REPO_ROOT
# log, warn, err, die, die_with; messages are prefixed with LOG_TAG.
# shellcheck source-path=SCRIPTDIR/../.. source=scripts/lib/common.sh
source "${REPO_ROOT}/scripts/lib/common.sh"
LOG_TAG="run_bench"
# The bench venv's directory; set once in main.
VENV=""

usage() {
  cat <<'EOF'
Usage: tests/bench/run_bench.sh [--quick | --selftest | --lint | --help]

  --quick     a small file (a week of data) for development; no minimum event count
  --selftest  run the benchmark tooling's own tests (pytest in the bench venv) and exit
  --lint      ruff (check + format --check) and mypy --strict on tests/bench, shellcheck on
              this script, and exit

Environment (defaults in brackets):
  COATTAIL_BIN        engine binary [build/release/coattail, else build/release/apps/coattail]
  COATTAIL_CACHE      cache root, holding the Python venv venv-bench [$HOME/.cache/coattail]
  BENCH_DIR           events file, outputs and report [build/bench]
  BENCH_EVENTS_FILE   use this NDJSON file instead of generating one
  BENCH_GENERATOR     simulator | python (tests/bench/gen_events.py, for development) [simulator]
  BENCH_SEED          simulator seed [1]
  BENCH_SIM_ARGS      size flags for the generator [simulator: --days 130 --tokens 40 --activity 3
                      (11.4M lines), quick: --days 7 --tokens 10 (181k lines); python:
                      --days 60 --tokens 40 --wallets 2000 --trades 7000000 (10.5M lines),
                      quick: --days 7 --tokens 10 --wallets 500 --trades 70000]
  BENCH_MIN_EVENTS    fail when the file has fewer lines [10000000; quick: 1]
  BENCH_ENGINE_ARGS   extra flags for `coattail run` []
  BENCH_CPU           core for the single-core runs [0]
  BENCH_TIMEOUT       limit in seconds for each step [1200]
  BENCH_DUCKDB_ALL    also time DuckDB with all threads: 1 | 0 [1]

The report also times `coattail validate --in FILE` (parser only, no engine) on the same core and
prints the engine's events/s as a share of it.
EOF
}

# Prints a step banner on stderr so that stdout stays the report.
step() {
  log "== $* ($(date +%H:%M:%S))" >&2
}

# Creates or refreshes the venv when requirements.txt or the interpreter changed.
ensure_venv() {
  local venv="$1"
  local requirements="${SCRIPT_DIR}/requirements.txt"
  local stamp="${venv}/.bench-stamp"
  local want
  want="$(sha256sum "${requirements}" | cut -d' ' -f1)"
  want+=" $(python3 -c 'import sys; print(sys.version)')"
  if [[ -x "${venv}/bin/python" && -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]]; then
    return 0
  fi
  step "creating ${venv}"
  rm -rf "${venv}"
  mkdir -p "$(dirname "${venv}")"
  timeout 600 python3 -m venv "${venv}"
  timeout 900 "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check \
    --require-hashes --only-binary=:all: -r "${requirements}"
  echo "${want}" >"${stamp}"
}

# Prints the default size flags of generator "$1" for size "$2" (quick | full).
default_sim_args() {
  case "$1:$2" in
    simulator:quick) echo "--days 7 --tokens 10" ;;
    simulator:full) echo "--days 130 --tokens 40 --activity 3" ;;
    python:quick) echo "--days 7 --tokens 10 --wallets 500 --trades 70000" ;;
    python:full) echo "--days 60 --tokens 40 --wallets 2000 --trades 7000000" ;;
  esac
}

# Prints the path of the events file, generating it when it is not cached.
make_events() {
  local bin="$1" generator="$2" sim_args="$3" seed="$4" dir="$5" timeout_s="$6"
  if [[ -n "${BENCH_EVENTS_FILE:-}" ]]; then
    if [[ ! -f "${BENCH_EVENTS_FILE}" ]]; then
      die_with 2 "BENCH_EVENTS_FILE not found: ${BENCH_EVENTS_FILE}"
    fi
    echo "${BENCH_EVENTS_FILE}"
    return 0
  fi
  local source_id
  if [[ "${generator}" == "python" ]]; then
    source_id="$(sha256sum "${SCRIPT_DIR}/gen_events.py" | cut -d' ' -f1)"
  else
    source_id="$(sha256sum "${bin}" | cut -d' ' -f1)"
  fi
  local key
  key="$(printf '%s\n' "${generator}" "${seed}" "${sim_args}" "${source_id}" \
    | sha256sum | cut -c1-16)"
  local events="${dir}/events-${key}.ndjson"
  if [[ -s "${events}" ]]; then
    step "reusing ${events}"
    echo "${events}"
    return 0
  fi
  # Only one cached file at a time: a full one is several GB.
  rm -f "${dir}"/events-*.ndjson "${dir}"/truth-*.json "${dir}"/*.partial
  local -a args
  read -r -a args <<<"${sim_args}"
  step "generating events (${generator} ${sim_args}, seed ${seed})"
  if [[ "${generator}" == "python" ]]; then
    timeout "${timeout_s}" "${VENV}/bin/python" "${SCRIPT_DIR}/gen_events.py" \
      --seed "${seed}" --out "${events}.partial" "${args[@]}" >&2
  else
    timeout "${timeout_s}" "${bin}" simulate --seed "${seed}" --out "${events}.partial" \
      --truth "${dir}/truth-${key}.json" "${args[@]}" >&2
  fi
  mv "${events}.partial" "${events}"
  echo "${events}"
}

# Runs a command under measure.py with a time limit: figures into "$1".json, output into
# "$1".out and "$1".err.
measured() {
  local prefix="$1" timeout_s="$2"
  shift 2
  "${VENV}/bin/python" "${SCRIPT_DIR}/measure.py" --timeout "${timeout_s}" --json "${prefix}.json" \
    --stdout "${prefix}.out" --stderr "${prefix}.err" -- "$@"
}

# Prints the `coattail run` flags that switch decay off (the comparison is of plain moments).
decay_off_flags() {
  local bin="$1"
  local help
  help="$("${bin}" run --help 2>&1 || true)"
  if grep -q -- '--half-life-ms' <<<"${help}"; then
    echo "--half-life-ms 0"
  elif grep -q -- '--half-life' <<<"${help}"; then
    echo "--half-life 0"
  else
    die_with 2 "${bin} run has no --half-life option: cannot switch decay off"
  fi
}

# Prefix that pins a command to one core, when taskset exists.
pin_prefix() {
  local cpu="$1"
  if command -v taskset >/dev/null 2>&1; then
    echo "taskset -c ${cpu}"
  else
    warn "taskset not found: single-core runs are not pinned"
  fi
}

# Runs duckdb_stats.py on events "$3" under measure.py (prefix "$1", limit "$2"). Arguments up
# to "--" go to duckdb_stats.py; the ones after it prefix the command (e.g. taskset).
run_duckdb() {
  local prefix="$1" timeout_s="$2" events="$3"
  shift 3
  local -a extra=()
  while (($#)) && [[ "$1" != "--" ]]; do
    extra+=("$1")
    shift
  done
  (($#)) && shift
  if ! measured "${prefix}" "${timeout_s}" "$@" "${VENV}/bin/python" \
    "${SCRIPT_DIR}/duckdb_stats.py" --in "${events}" --out "${prefix}_stats.csv" \
    --json "${prefix}_figures.json" "${extra[@]}"; then
    err "DuckDB run failed; its output:"
    tail -n 20 "${prefix}.err" >&2 || true
    return 2
  fi
}

run_selftest() {
  step "bench tooling tests"
  cd "${SCRIPT_DIR}"
  timeout 900 "${VENV}/bin/python" -m pytest -q -p no:cacheprovider "${SCRIPT_DIR}"
}

# Settings: tests/bench/ruff.toml and tests/bench/mypy.ini.
run_lint() {
  step "lint of tests/bench"
  cd "${SCRIPT_DIR}"
  timeout 300 "${VENV}/bin/ruff" check .
  timeout 300 "${VENV}/bin/ruff" format --check .
  timeout 600 "${VENV}/bin/mypy"
  if command -v shellcheck >/dev/null 2>&1; then
    timeout 120 shellcheck -x "${SCRIPT_DIR}/run_bench.sh"
  else
    warn "shellcheck not found: run_bench.sh not checked"
  fi
}

main() {
  local quick=0 selftest=0 lint=0
  while (($#)); do
    case "$1" in
      --quick) quick=1 ;;
      --selftest) selftest=1 ;;
      --lint) lint=1 ;;
      -h | --help)
        usage
        return 0
        ;;
      *)
        err "unknown argument: $1"
        usage >&2
        return 2
        ;;
    esac
    shift
  done

  local cache="${COATTAIL_CACHE:-${HOME}/.cache/coattail}"
  VENV="${cache}/venv-bench"
  ensure_venv "${VENV}"
  if ((selftest)); then
    run_selftest
    return
  fi
  if ((lint)); then
    run_lint
    return
  fi

  local bin="${COATTAIL_BIN:-}"
  if [[ -z "${bin}" ]]; then
    bin="${REPO_ROOT}/build/release/coattail"
    [[ -x "${bin}" ]] || bin="${REPO_ROOT}/build/release/apps/coattail"
  fi
  local dir="${BENCH_DIR:-${REPO_ROOT}/build/bench}"
  local generator="${BENCH_GENERATOR:-simulator}"
  local seed="${BENCH_SEED:-1}"
  local timeout_s="${BENCH_TIMEOUT:-1200}"
  local cpu="${BENCH_CPU:-0}"
  local sim_args min_events
  if ((quick)); then
    sim_args="${BENCH_SIM_ARGS:-$(default_sim_args "${generator}" quick)}"
    min_events="${BENCH_MIN_EVENTS:-1}"
  else
    sim_args="${BENCH_SIM_ARGS:-$(default_sim_args "${generator}" full)}"
    min_events="${BENCH_MIN_EVENTS:-10000000}"
  fi
  if [[ ! -x "${bin}" ]]; then
    die_with 2 "engine binary not found: ${bin} (build it, or set COATTAIL_BIN)"
  fi
  case "${generator}" in
    simulator | python) ;;
    *)
      die_with 2 "BENCH_GENERATOR must be simulator or python, not ${generator}"
      ;;
  esac
  mkdir -p "${dir}"

  local events
  events="$(make_events "${bin}" "${generator}" "${sim_args}" "${seed}" "${dir}" "${timeout_s}")"
  local lines
  lines="$(wc -l <"${events}" | tr -d ' ')"
  if ((lines < min_events)); then
    die_with 2 "${events} has ${lines} events, fewer than BENCH_MIN_EVENTS=${min_events}:" \
      "raise BENCH_SIM_ARGS"
  fi

  local -a pin engine_args decay
  read -r -a pin <<<"$(pin_prefix "${cpu}")"
  read -r -a engine_args <<<"${BENCH_ENGINE_ARGS:-}"
  local decay_text
  decay_text="$(decay_off_flags "${bin}")"
  read -r -a decay <<<"${decay_text}"
  local out="${dir}/run"
  rm -rf "${out}"
  mkdir -p "${out}"

  step "engine: ${lines} events, one core"
  if ! measured "${out}/engine" "${timeout_s}" "${pin[@]}" "${bin}" run --in "${events}" \
    --db "${out}/state.db" "${decay[@]}" --export-stats "${out}/engine_stats.csv" \
    "${engine_args[@]}"; then
    err "engine run failed; its output:"
    tail -n 20 "${out}/engine.out" "${out}/engine.err" >&2 || true
    return 2
  fi

  local -a reference_reports=()
  # CLI11 answers `--help` with the top-level help (exit 0) for an unknown subcommand: look for
  # an option only validate has.
  local validate_help
  validate_help="$("${bin}" validate --help 2>&1 || true)"
  if [[ "${validate_help}" == *--accepted* ]]; then
    step "parser-only reference: coattail validate, one core"
    if ! measured "${out}/reference" "${timeout_s}" "${pin[@]}" "${bin}" validate \
      --in "${events}"; then
      err "parser-only reference run failed; its output:"
      tail -n 20 "${out}/reference.out" "${out}/reference.err" >&2 || true
      return 2
    fi
    reference_reports=(--reference-measure "${out}/reference.json"
      --reference-output "${out}/reference.out")
  else
    warn "${bin} has no validate command: no parser-only reference"
  fi

  step "DuckDB, 1 thread"
  run_duckdb "${out}/duckdb1" "${timeout_s}" "${events}" --threads 1 -- "${pin[@]}"
  local -a duck_reports=(--duckdb-measure "${out}/duckdb1.json"
    --duckdb-figures "${out}/duckdb1_figures.json")
  if [[ "${BENCH_DUCKDB_ALL:-1}" == "1" ]]; then
    step "DuckDB, all threads"
    run_duckdb "${out}/duckdball" "${timeout_s}" "${events}" --
    duck_reports+=(--duckdb-measure "${out}/duckdball.json"
      --duckdb-figures "${out}/duckdball_figures.json")
  fi

  step "comparing engine and DuckDB stats"
  local compare_status=0
  "${VENV}/bin/python" "${SCRIPT_DIR}/compare_stats.py" "${out}/engine_stats.csv" \
    "${out}/duckdb1_stats.csv" --json "${out}/comparison.json" >&2 || compare_status=$?
  if ((compare_status == 2)); then
    err "could not read the stats files"
    return 2
  fi

  local report_status=0
  "${VENV}/bin/python" "${SCRIPT_DIR}/report.py" --events "${lines}" --events-file "${events}" \
    --engine-measure "${out}/engine.json" --engine-output "${out}/engine.out" \
    --engine-output "${out}/engine.err" "${reference_reports[@]}" "${duck_reports[@]}" \
    --comparison "${out}/comparison.json" --out "${out}/report.md" || report_status=$?
  local mode=""
  ((quick)) && mode=" --quick"
  echo "command: tests/bench/run_bench.sh${mode} (engine ${bin}; outputs in ${out})"
  if ((compare_status != 0 || report_status != 0)); then
    err "the engine's stats disagree with DuckDB's:" \
      "${out}/engine_stats.csv vs ${out}/duckdb1_stats.csv"
    return 1
  fi
}

main "$@"
