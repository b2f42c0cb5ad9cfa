#!/usr/bin/env bash
# Installs the Debian packages the C++ engine builds and tests with. Idempotent: packages already
# installed are left alone and the script says so. Nothing is fetched at build time; this is the
# only place dependencies come from.
set -Eeuo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
# shellcheck source-path=SCRIPTDIR source=../scripts/lib/log.sh
source "${SCRIPT_DIR}/../scripts/lib/log.sh"
LOG_TAG="deps"

readonly PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsimdjson-dev libabsl-dev libcli11-dev libsqlite3-dev sqlite3
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  libcurl4-openssl-dev libssl-dev nlohmann-json3-dev libzstd-dev
  clang libclang-rt-14-dev clang-format clang-tidy
  shellcheck bats bats-assert bats-support bats-file jq python3-venv
)

usage() {
  cat <<USAGE
Usage: tools/deps.sh [--check] [--help]
Installs the Debian 12 packages needed to build and test coattail (apt-get, as root).
  --check   only report what is missing; exit 1 when something is
USAGE
}

missing_packages() {
  local pkg
  for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q 'install ok installed'; then
      printf '%s\n' "${pkg}"
    fi
  done
}

main() {
  local check_only=0
  while (($# > 0)); do
    case "$1" in
      --check) check_only=1 ;;
      -h | --help) usage; return 0 ;;
      *)
        usage >&2
        die_with 2 "unknown argument: $1"
        ;;
    esac
    shift
  done
  if ! command -v dpkg-query >/dev/null 2>&1; then
    err "this is not a Debian-based system. Install the equivalents of:"
    printf '  %s\n' "${PACKAGES[@]}" >&2
    return 1
  fi
  local -a missing
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    log "all ${#PACKAGES[@]} packages already installed"
    return 0
  fi
  log "missing: ${missing[*]}"
  if ((check_only)); then
    return 1
  fi
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      die "run as root (or install sudo) to apt-get install: ${missing[*]}"
    fi
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
  log "installed ${#missing[@]} packages"
}

main "$@"
