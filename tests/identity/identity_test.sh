#!/usr/bin/env bash
# Output identity: a fixed simulated market (with malformed lines, duplicates and retractions) is
# scored with decay on and off, and every output (scores, alerts, dead letters, raw moments,
# counters) must digest exactly as recorded in digests.txt. A refactoring that changes one bit of
# one score fails here and names the output. A deliberate change of behaviour re-records the
# digests with --update and says why in its commit.
#
#   identity_test.sh COATTAIL_BIN [--update]
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly DIGESTS="${HERE}/digests.txt"
# The market: small enough for an ASan build in seconds, rich enough for alerts, retracted alerts,
# every reject reason the simulator injects, and resolved evaluations at both horizons.
readonly SIMULATE_ARGS=(--seed 11 --days 8 --tokens 20 --noise 150 --active-noise 10
  --lucky-noise 30 --malformed 60 --duplicates 80 --retractions 40)

die() {
  printf 'identity_test: %s\n' "$*" >&2
  exit 1
}

# Runs the engine once and prints the digests of what it wrote, each line prefixed with `label`.
score() {
  local -r bin="$1" dir="$2" label="$3"
  shift 3
  "${bin}" run --in "${dir}/events.ndjson" --db "${dir}/${label}.db" \
    --alerts "${dir}/${label}.alerts" --dead-letter "${dir}/${label}.rejected" \
    --export-stats "${dir}/${label}.csv" "$@" >"${dir}/${label}.summary" ||
    die "coattail run (${label}) failed"
  python3 "${HERE}/digest_outputs.py" --db "${dir}/${label}.db" \
    --summary "${dir}/${label}.summary" --file "alerts=${dir}/${label}.alerts" \
    --file "dead_letters=${dir}/${label}.rejected" --file "moments=${dir}/${label}.csv" |
    sed "s/^/${label} /"
}

main() {
  local -r bin="${1:?usage: identity_test.sh COATTAIL_BIN [--update]}"
  local -r mode="${2:-check}"
  WORK_DIR="$(mktemp -d)"
  trap 'rm -rf "${WORK_DIR}"' EXIT
  local -r dir="${WORK_DIR}"

  "${bin}" simulate "${SIMULATE_ARGS[@]}" --out "${dir}/events.ndjson" \
    --truth "${dir}/truth.json" >/dev/null || die "coattail simulate failed"
  {
    printf 'input %s\n' "$(sha256sum "${dir}/events.ndjson" | cut -d' ' -f1)"
    score "${bin}" "${dir}" decay_30d
    score "${bin}" "${dir}" decay_off --half-life 0
  } >"${dir}/digests.txt"

  if [[ "${mode}" == "--update" ]]; then
    cp "${dir}/digests.txt" "${DIGESTS}"
    echo "identity_test: recorded $(wc -l <"${DIGESTS}") digests in ${DIGESTS}"
    return 0
  fi
  if ! diff -u "${DIGESTS}" "${dir}/digests.txt"; then
    # An input change (the simulator) is not an engine change: say which one it is.
    if [[ "$(head -1 "${DIGESTS}")" != "$(head -1 "${dir}/digests.txt")" ]]; then
      die "the simulated input itself changed (first line); the engine outputs cannot be compared"
    fi
    die "outputs differ from the recorded digests (lines marked + above name them)"
  fi
  echo "identity_test: $(wc -l <"${DIGESTS}") digests match"
}

main "$@"
