#!/usr/bin/env bash
#
# Installs the pinned infra tool chain (terraform, hashicorp/aws 6.x provider
# mirror, tflint + AWS ruleset, trivy, checkov, terraform-docs, shellcheck,
# bats) into a cache OUTSIDE the repository, so that later runs (and CI runs on
# the same machine) reuse it. Idempotent: a second run changes nothing and says
# "already present" for every step. Safe to run concurrently (flock).
#
# Versions live in tools/versions.env. See tools/README.md.

set -Eeuo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR

# shellcheck source-path=SCRIPTDIR source=versions.env
# shellcheck disable=SC1091  # versions.env sits beside this script (run shellcheck -x to follow)
source "${SCRIPT_DIR}/versions.env"
# shellcheck source-path=SCRIPTDIR source=../scripts/lib/log.sh
source "${SCRIPT_DIR}/../scripts/lib/log.sh"
LOG_TAG="bootstrap"
LOG_TIMESTAMPS=1

CACHE="${COATTAIL_CACHE:-${HOME}/.cache/coattail}"
readonly CACHE
readonly BIN_DIR="${CACHE}/bin"
readonly GO_DIR="${CACHE}/go"
readonly MIRROR_DIR="${CACHE}/tf-mirror"
readonly TFLINT_PLUGIN_DIR_PATH="${CACHE}/tflint-plugins"
readonly TRIVY_CACHE="${CACHE}/trivy-cache"
readonly CHECKOV_VENV="${CACHE}/venv-checkov"
readonly TERRAFORMRC="${CACHE}/terraformrc"
readonly BUILD_DIR="${CACHE}/build"
readonly LOG_DIR="${CACHE}/logs"
readonly LOCK_FILE="${CACHE}/.bootstrap.lock"

# Set by the step functions, read by run_step.
STEP_RESULT=""
# Lines of the final summary.
SUMMARY=()
# Options.
SKIP_PROVIDER=0
PROVIDER_TIMEOUT="${COATTAIL_PROVIDER_TIMEOUT:-0}"
# Set when the provider build hit its time limit.
PROVIDER_INCOMPLETE=0
# Path of the go command, set by setup_go.
GO=""

#######################################
# Prints the usage text.
#######################################
usage() {
  cat <<EOF
Usage: tools/bootstrap.sh [--skip-provider | --provider-timeout SECONDS]
       tools/bootstrap.sh --print-env | --print-make-env | --help

Installs the pinned infra tools into \${COATTAIL_CACHE:-\$HOME/.cache/coattail}
(now: ${CACHE}):

  terraform      the one on PATH if >= ${COATTAIL_TERRAFORM_MIN_VERSION}, else v${COATTAIL_TERRAFORM_BUILD_VERSION} built with go install
  aws provider   hashicorp/aws ${COATTAIL_AWS_PROVIDER_VERSION} built from source into a filesystem mirror
                 (+ ${COATTAIL_AWS5_PROVIDER_VERSION} linked from ${COATTAIL_AWS5_PLUGIN_DIR} when present)
  tflint         ${COATTAIL_TFLINT_VERSION} + tflint-ruleset-aws ${COATTAIL_TFLINT_RULESET_AWS_VERSION}
  trivy          ${COATTAIL_TRIVY_VERSION} (offline 'trivy config' with its embedded checks)
  checkov        ${COATTAIL_CHECKOV_VERSION} in a virtualenv
  terraform-docs ${COATTAIL_TERRAFORM_DOCS_VERSION}
  apt            ${COATTAIL_APT_PACKAGES}

Options:
  --print-env       print shell 'export' lines (PATH, TF_CLI_CONFIG_FILE,
                    TFLINT_PLUGIN_DIR, ...) for: eval "\$(tools/bootstrap.sh --print-env)"
  --print-make-env  the same as Makefile 'export VAR := value' lines
  --skip-provider   do not build the hashicorp/aws 6.x provider (the mirror
                    then only holds ${COATTAIL_AWS5_PROVIDER_VERSION}, if present)
                    (same as COATTAIL_SKIP_PROVIDER=1)
  --provider-timeout SECONDS
                    stop the provider build after SECONDS and go on (exit 0,
                    with a warning); the compiled packages stay in the Go
                    cache, so the next run continues from there
                    (same as COATTAIL_PROVIDER_TIMEOUT=SECONDS; 0 = no limit)
  -h, --help        show this help

Nothing is written into the repository. The first run builds from source and
takes long (see tools/README.md); later runs take seconds.
EOF
}

on_error() {
  local -r rc=$?
  err "failed (exit ${rc}) at line ${BASH_LINENO[0]}: ${BASH_COMMAND}"
  err "logs of the builds are in ${LOG_DIR}"
}

#######################################
# Runs one step function, times it and records the result.
# Arguments:
#   Step name, function name.
#######################################
run_step() {
  local -r name="$1" fn="$2"
  local start end
  log "==> ${name}"
  STEP_RESULT=""
  start="${SECONDS}"
  "${fn}"
  end="${SECONDS}"
  local -r took="$(fmt_duration $((end - start)))"
  log "<== ${name}: ${STEP_RESULT} (${took})"
  SUMMARY+=("$(printf '%-22s %-9s %s' "${name}" "${took}" "${STEP_RESULT}")")
}

#######################################
# True when version $1 >= version $2 (dotted numbers, optional leading v).
#######################################
version_ge() {
  local a="${1#v}" b="${2#v}"
  [[ "$(printf '%s\n%s\n' "${a}" "${b}" | sort -V | head -n1)" == "${b}" ]]
}

#######################################
# Stamp files record what was installed so reruns can say "already present".
# Arguments:
#   Stamp path, expected content.
#######################################
stamp_ok() {
  [[ -f "$1" && "$(<"$1")" == "$2" ]]
}

write_stamp() {
  printf '%s\n' "$2" >"$1.tmp"
  mv -f "$1.tmp" "$1"
}

#######################################
# The environment the tools need, one 'NAME=value' per line.
#######################################
env_lines() {
  echo "COATTAIL_CACHE=${CACHE}"
  echo "TF_CLI_CONFIG_FILE=${TERRAFORMRC}"
  echo "TFLINT_PLUGIN_DIR=${TFLINT_PLUGIN_DIR_PATH}"
  echo "TRIVY_CACHE_DIR=${TRIVY_CACHE}"
  echo "BC_SKIP_MAPPING=TRUE"
  echo "CKV_SKIP_PACKAGE_UPDATE_CHECK=true"
  echo "CHECKPOINT_DISABLE=1"
}

print_env() {
  local line
  # shellcheck disable=SC2016  # ${PATH} is for the eval-ing shell to expand.
  printf 'export PATH=%q:"${PATH}"\n' "${BIN_DIR}"
  while IFS= read -r line; do
    printf 'export %s=%q\n' "${line%%=*}" "${line#*=}"
  done < <(env_lines)
}

print_make_env() {
  local line
  # shellcheck disable=SC2016  # $(PATH) is for make to expand.
  printf 'export PATH := %s:$(PATH)\n' "${BIN_DIR}"
  while IFS= read -r line; do
    printf 'export %s := %s\n' "${line%%=*}" "${line#*=}"
  done < <(env_lines)
}

#######################################
# Step: Debian packages.
#######################################
step_apt() {
  local pkg missing=()
  for pkg in ${COATTAIL_APT_PACKAGES}; do
    if ! dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null \
      | grep -q 'install ok installed'; then
      missing+=("${pkg}")
    fi
  done
  if ((${#missing[@]} == 0)); then
    STEP_RESULT="already present ($(shellcheck --version | sed -n 's/^version: //p' | sed 's/^/shellcheck /'), $(bats --version))"
    return
  fi
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  log "apt-get install ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >"${LOG_DIR}/apt.log" 2>&1 \
    || { tail -n 20 "${LOG_DIR}/apt.log" >&2; die "apt-get install failed"; }
  STEP_RESULT="installed ${missing[*]}"
}

#######################################
# Finds a Go toolchain and points all Go caches into ${CACHE}/go.
# Globals:
#   GO (set), GOPATH GOMODCACHE GOCACHE GOFLAGS GOTOOLCHAIN CGO_ENABLED (exported)
#######################################
setup_go() {
  [[ -n "${GO}" ]] && return
  GO="$(command -v go || true)"
  if [[ -z "${GO}" && -x /usr/local/go/bin/go ]]; then
    GO=/usr/local/go/bin/go
  fi
  [[ -n "${GO}" ]] || die "no Go toolchain found (need go >= 1.21 on PATH or in /usr/local/go)"
  local gover
  gover="$("${GO}" env GOVERSION)"
  gover="${gover#go}"
  version_ge "${gover}" 1.21 \
    || die "go ${gover} is too old: need >= 1.21 (newer toolchains then come from the Go proxy)"
  export GOPATH="${GO_DIR}"
  export GOMODCACHE="${GO_DIR}/pkg/mod"
  export GOCACHE="${GO_DIR}/cache"
  export GOFLAGS="-modcacherw -buildvcs=false -trimpath"
  # A module asking for a newer Go makes the go command fetch that toolchain
  # (golang.org/toolchain) from the module proxy into GOMODCACHE.
  export GOTOOLCHAIN="${COATTAIL_GOTOOLCHAIN:-auto}"
  export CGO_ENABLED=0
  unset GOBIN GOWORK
  mkdir -p "${GOPATH}" "${GOMODCACHE}" "${GOCACHE}"
  log "using ${GO} (go ${gover}), caches in ${GO_DIR}"
}

#######################################
# Downloads MODULE@VERSION from the Go proxy (checked against sum.golang.org)
# and prints the directory holding its source.
# Arguments:
#   module@version, log file
#######################################
go_download() {
  local -r modver="$1" log_file="$2"
  local dir
  dir="$("${GO}" mod download -json "${modver}" 2>>"${log_file}" \
    | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')" || true
  [[ -n "${dir}" && -d "${dir}" ]] || {
    tail -n 20 "${log_file}" >&2
    die "could not download ${modver} from the Go module proxy"
  }
  echo "${dir}"
}

#######################################
# Builds a main package of a module inside a writable copy of the module, so
# its own go.mod/go.sum (and replace directives) apply. Unlike
# `go install module@version` this needs no @v/list lookup, which the proxy
# refuses for some modules (403). Uses a stamp for "already present".
# Arguments:
#   binary name, module, version, package dir in module ("." for root),
#   extra -ldflags (may be empty), destination dir,
#   optional: extra build environment, e.g. "GOEXPERIMENT=jsonv2"
#######################################
go_build_tool() {
  local -r name="$1" module="$2" version="$3" pkg_dir="$4" ldflags="$5" dest="$6"
  local -r build_env="${7:-}"
  local -r stamp="${dest}/.${name}.stamp"
  local -r want="${module}@${version} ${pkg_dir} ${ldflags} ${build_env}"
  if [[ -x "${dest}/${name}" ]] && stamp_ok "${stamp}" "${want}"; then
    STEP_RESULT="already present (${module}@${version})"
    return
  fi
  setup_go
  local -r log_file="${LOG_DIR}/${name}.log"
  : >"${log_file}"
  log "building ${module}@${version} (log: ${log_file})"
  local src
  src="$(go_download "${module}@${version}" "${log_file}")"
  local -r work="${BUILD_DIR}/${name}-${version}"
  rm -rf "${work}"
  mkdir -p "${BUILD_DIR}" "${dest}"
  cp -R "${src}" "${work}"
  chmod -R u+w "${work}"
  local -a env_args=()
  read -r -a env_args <<<"${build_env}"
  if ! (cd "${work}" && env "${env_args[@]}" "${GO}" build -trimpath -o "${dest}/${name}.tmp" \
    -ldflags "-s -w ${ldflags}" "${pkg_dir}") >>"${log_file}" 2>&1; then
    tail -n 30 "${log_file}" >&2
    rm -f "${dest}/${name}.tmp"
    die "building ${module}@${version} failed"
  fi
  mv -f "${dest}/${name}.tmp" "${dest}/${name}"
  rm -rf "${work}"
  write_stamp "${stamp}" "${want}"
  STEP_RESULT="built (${module}@${version})"
}

#######################################
# Step: terraform.
#######################################
step_terraform() {
  local tf ver
  # Ignore our own bin dir so a stale build never hides a good system one.
  tf="$(PATH="${PATH//${BIN_DIR}:/}" command -v terraform || true)"
  if [[ -n "${tf}" ]]; then
    ver="$("${tf}" version -json 2>/dev/null \
      | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
    if [[ -n "${ver}" ]] && version_ge "${ver}" "${COATTAIL_TERRAFORM_MIN_VERSION}"; then
      STEP_RESULT="already present (${tf} ${ver}, >= ${COATTAIL_TERRAFORM_MIN_VERSION})"
      return
    fi
    log "${tf} is ${ver:-of unknown version}: building v${COATTAIL_TERRAFORM_BUILD_VERSION}"
  fi
  go_build_tool terraform github.com/hashicorp/terraform \
    "v${COATTAIL_TERRAFORM_BUILD_VERSION}" . "" "${BIN_DIR}"
}

#######################################
# Step: hashicorp/aws 6.x built from source into the filesystem mirror.
#######################################
step_aws_provider() {
  local -r ver="${COATTAIL_AWS_PROVIDER_VERSION}"
  local -r dest_dir="${MIRROR_DIR}/registry.terraform.io/hashicorp/aws/${ver}/linux_amd64"
  local -r bin_name="terraform-provider-aws_v${ver}_x5"
  local -r stamp="${dest_dir}/.coattail.stamp"
  local -r want="${COATTAIL_AWS_PROVIDER_MODULE}@${COATTAIL_AWS_PROVIDER_PSEUDO} ${ver}"
  if [[ -x "${dest_dir}/${bin_name}" ]] && stamp_ok "${stamp}" "${want}"; then
    STEP_RESULT="already present (${ver} from ${COATTAIL_AWS_PROVIDER_PSEUDO})"
    return
  fi
  if ((SKIP_PROVIDER)); then
    STEP_RESULT="skipped (--skip-provider)"
    return
  fi
  setup_go
  local -r log_file="${LOG_DIR}/aws-provider.log"
  local -r mod="${COATTAIL_AWS_PROVIDER_MODULE}@${COATTAIL_AWS_PROVIDER_PSEUDO}"
  log "go mod download ${mod} (log: ${log_file})"
  local src
  src="$(go_download "${mod}" "${log_file}")"
  local -r upstream_ver="$(<"${src}/version/VERSION")"
  [[ "${upstream_ver}" == "${ver}" ]] \
    || die "${mod} has version/VERSION ${upstream_ver}, versions.env says ${ver}"

  # Build inside a writable copy of the module so its own go.mod (and any
  # replace directives) apply, as in the upstream release workflow.
  local -r work="${BUILD_DIR}/terraform-provider-aws-${ver}"
  rm -rf "${work}"
  mkdir -p "${BUILD_DIR}"
  cp -R "${src}" "${work}"
  chmod -R u+w "${work}"
  local -r jobs="${COATTAIL_BUILD_JOBS:-$(nproc)}"
  local -a limit=()
  if ((PROVIDER_TIMEOUT > 0)); then
    # timeout signals the whole process group (go build and its compilers).
    limit=(timeout --kill-after=60 "${PROVIDER_TIMEOUT}")
  fi
  log "go build terraform-provider-aws ${ver} (-p ${jobs}, time limit: ${PROVIDER_TIMEOUT}s, 0 = none)"
  log "a cold build takes hours on 2 cores; progress: tail -f ${log_file}"
  local rc=0
  (cd "${work}" && "${limit[@]}" "${GO}" build -v -p "${jobs}" -trimpath \
    -o "${BUILD_DIR}/${bin_name}.tmp" \
    -ldflags "-s -w -X github.com/hashicorp/terraform-provider-aws/version.ProviderVersion=${ver}" \
    .) >>"${log_file}" 2>&1 || rc=$?
  if ((rc != 0)); then
    rm -f "${BUILD_DIR}/${bin_name}.tmp"
    if ((rc == 124 || rc == 137)) && ((PROVIDER_TIMEOUT > 0)); then
      PROVIDER_INCOMPLETE=1
      STEP_RESULT="NOT DONE: stopped at the ${PROVIDER_TIMEOUT}s limit; compiled packages stay in ${GOCACHE}, rerun to continue"
      return
    fi
    tail -n 30 "${log_file}" >&2
    die "building terraform-provider-aws ${ver} failed (exit ${rc})"
  fi
  # Only a finished binary enters the mirror: terraform treats any version directory there as
  # installable, so an interrupted build must not leave one behind.
  mkdir -p "${dest_dir}"
  mv -f "${BUILD_DIR}/${bin_name}.tmp" "${dest_dir}/${bin_name}"
  cp -f "${work}/LICENSE" "${dest_dir}/LICENSE.txt"
  rm -rf "${work}"
  write_stamp "${stamp}" "${want}"
  STEP_RESULT="built ${ver} into ${dest_dir}"
}

#######################################
# Step: link the pre-installed 5.x provider into the same mirror.
#######################################
step_aws5_link() {
  local -r rel="registry.terraform.io/hashicorp/aws/${COATTAIL_AWS5_PROVIDER_VERSION}/linux_amd64"
  local -r src="${COATTAIL_AWS5_PLUGIN_DIR}/${rel}"
  local -r dest="${MIRROR_DIR}/${rel}"
  if [[ ! -d "${src}" ]]; then
    STEP_RESULT="skipped (no ${src})"
    return
  fi
  if [[ -L "${dest}" && "$(readlink "${dest}")" == "${src}" ]]; then
    STEP_RESULT="already present (${dest} -> ${src})"
    return
  fi
  mkdir -p "$(dirname "${dest}")"
  rm -rf "${dest}"
  ln -s "${src}" "${dest}"
  STEP_RESULT="linked ${dest} -> ${src}"
}

#######################################
# Step: terraform CLI config using the mirror.
#######################################
step_terraformrc() {
  # Heal mirrors left by an interrupted provider build (before builds went through BUILD_DIR): a
  # version directory without its provider binary makes `terraform init` fail.
  local version_dir
  for version_dir in "${MIRROR_DIR}"/registry.terraform.io/hashicorp/aws/*/linux_amd64; do
    [[ -d "${version_dir}" ]] || continue
    if ! compgen -G "${version_dir}/terraform-provider-aws_*" >/dev/null; then
      log "removing incomplete provider directory ${version_dir%/linux_amd64}"
      rm -rf "${version_dir%/linux_amd64}"
    fi
  done
  local content
  content="$(cat <<EOF
# Written by tools/bootstrap.sh: hashicorp providers come from the local
# filesystem mirror (built from source), everything else from the registry.
provider_installation {
  filesystem_mirror {
    path    = "${MIRROR_DIR}"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
)"
  if [[ -f "${TERRAFORMRC}" && "$(<"${TERRAFORMRC}")" == "${content}" ]]; then
    STEP_RESULT="already present (${TERRAFORMRC})"
    return
  fi
  mkdir -p "${MIRROR_DIR}"
  printf '%s\n' "${content}" >"${TERRAFORMRC}.tmp"
  mv -f "${TERRAFORMRC}.tmp" "${TERRAFORMRC}"
  STEP_RESULT="written ${TERRAFORMRC}"
}

step_tflint() {
  go_build_tool tflint github.com/terraform-linters/tflint \
    "${COATTAIL_TFLINT_VERSION}" . "" "${BIN_DIR}"
}

#######################################
# Step: tflint AWS ruleset, installed as a manual plugin (no source/version
# in .tflint.hcl: plugin "aws" { enabled = true }).
#######################################
step_tflint_ruleset_aws() {
  go_build_tool tflint-ruleset-aws github.com/terraform-linters/tflint-ruleset-aws \
    "${COATTAIL_TFLINT_RULESET_AWS_VERSION}" . "" "${TFLINT_PLUGIN_DIR_PATH}"
}

step_trivy() {
  go_build_tool trivy github.com/aquasecurity/trivy "${COATTAIL_TRIVY_VERSION}" ./cmd/trivy \
    "-X github.com/aquasecurity/trivy/pkg/version/app.ver=${COATTAIL_TRIVY_VERSION#v}" \
    "${BIN_DIR}" "GOEXPERIMENT=jsonv2"  # as in trivy's goreleaser.yml
  mkdir -p "${TRIVY_CACHE}"
}

step_terraform_docs() {
  go_build_tool terraform-docs github.com/terraform-docs/terraform-docs \
    "${COATTAIL_TERRAFORM_DOCS_VERSION}" . "" "${BIN_DIR}"
}

#######################################
# Picks the Python for the checkov venv: Debian's /usr/bin/python3 first (it
# is what a new machine has), else python3 on PATH.
#######################################
find_python() {
  local py
  for py in /usr/bin/python3 "$(command -v python3 || true)"; do
    if [[ -n "${py}" && -x "${py}" ]] && "${py}" -c 'import venv, ensurepip' 2>/dev/null; then
      echo "${py}"
      return
    fi
  done
  die "no python3 with the venv module (apt-get install python3-venv)"
}

#######################################
# Step: checkov in a virtualenv, dependencies pinned by checkov-constraints.txt.
#######################################
step_checkov() {
  local -r stamp="${CHECKOV_VENV}/.coattail.stamp"
  local -r constraints="${SCRIPT_DIR}/checkov-constraints.txt"
  local want
  want="checkov==${COATTAIL_CHECKOV_VERSION} $(sha256sum "${constraints}" | cut -c1-16)"
  if [[ -x "${CHECKOV_VENV}/bin/checkov" ]] && stamp_ok "${stamp}" "${want}" \
    && [[ -L "${BIN_DIR}/checkov" ]]; then
    STEP_RESULT="already present (checkov ${COATTAIL_CHECKOV_VERSION})"
    return
  fi
  local py
  py="$(find_python)"
  local -r log_file="${LOG_DIR}/checkov.log"
  log "creating ${CHECKOV_VENV} with ${py} ($("${py}" --version)) (log: ${log_file})"
  rm -rf "${CHECKOV_VENV}"
  "${py}" -m venv "${CHECKOV_VENV}" >"${log_file}" 2>&1
  if ! PIP_DISABLE_PIP_VERSION_CHECK=1 "${CHECKOV_VENV}/bin/pip" install -q \
    -c "${constraints}" "checkov==${COATTAIL_CHECKOV_VERSION}" >>"${log_file}" 2>&1; then
    tail -n 30 "${log_file}" >&2
    die "pip install checkov==${COATTAIL_CHECKOV_VERSION} failed"
  fi
  ln -sfn "${CHECKOV_VENV}/bin/checkov" "${BIN_DIR}/checkov"
  write_stamp "${stamp}" "${want}"
  STEP_RESULT="installed (checkov ${COATTAIL_CHECKOV_VERSION})"
}

#######################################
# Step: every tool answers --version (offline, a few seconds).
#######################################
step_verify() {
  local -a versions=()
  local out
  (
    export PATH="${BIN_DIR}:${PATH}" TF_CLI_CONFIG_FILE="${TERRAFORMRC}"
    terraform version 2>/dev/null | head -n1
    tflint --version | head -n1
    echo "tflint-ruleset-aws ${COATTAIL_TFLINT_RULESET_AWS_VERSION}"
    echo "trivy $(trivy --version | sed -n 's/^Version: //p')"
    terraform-docs --version | head -n1
    echo "checkov $(checkov --version)"
    shellcheck --version | sed -n 's/^version: /shellcheck /p'
    bats --version
  ) >"${LOG_DIR}/versions.txt" 2>&1 || {
    cat "${LOG_DIR}/versions.txt" >&2
    die "a tool did not run"
  }
  while IFS= read -r out; do
    [[ -n "${out}" ]] && versions+=("${out}")
  done <"${LOG_DIR}/versions.txt"
  local IFS=';'
  STEP_RESULT="ok: ${versions[*]}"
}

main() {
  local mode="install"
  while (($#)); do
    case "$1" in
      --print-env) mode="env" ;;
      --print-make-env) mode="make-env" ;;
      --skip-provider) SKIP_PROVIDER=1 ;;
      --provider-timeout)
        (($# >= 2)) || die "--provider-timeout needs a number of seconds"
        PROVIDER_TIMEOUT="$2"
        shift
        ;;
      --provider-timeout=*) PROVIDER_TIMEOUT="${1#*=}" ;;
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
  [[ "${COATTAIL_SKIP_PROVIDER:-0}" == 1 ]] && SKIP_PROVIDER=1
  [[ "${PROVIDER_TIMEOUT}" =~ ^[0-9]+$ ]] \
    || die "provider timeout must be a number of seconds, not '${PROVIDER_TIMEOUT}'"
  case "${mode}" in
    env)
      print_env
      return 0
      ;;
    make-env)
      print_make_env
      return 0
      ;;
  esac

  trap on_error ERR
  # No terraform update check (it would wait on the network).
  export CHECKPOINT_DISABLE=1
  mkdir -p "${CACHE}" "${BIN_DIR}" "${LOG_DIR}" "${BUILD_DIR}" "${MIRROR_DIR}"
  exec 9>"${LOCK_FILE}"
  if ! flock -n 9; then
    log "another bootstrap holds ${LOCK_FILE}; waiting for it"
    flock 9
  fi

  local -r start="${SECONDS}"
  log "cache: ${CACHE}"
  run_step "apt packages" step_apt
  run_step "terraform" step_terraform
  run_step "aws provider 6.x" step_aws_provider
  run_step "aws provider 5.x link" step_aws5_link
  run_step "terraformrc" step_terraformrc
  run_step "tflint" step_tflint
  run_step "tflint-ruleset-aws" step_tflint_ruleset_aws
  run_step "trivy" step_trivy
  run_step "terraform-docs" step_terraform_docs
  run_step "checkov" step_checkov
  run_step "verify" step_verify

  log "summary:"
  local line
  for line in "${SUMMARY[@]}"; do
    log "  ${line}"
  done
  log "total $(fmt_duration $((SECONDS - start)))"
  local -a mirrored=()
  local f
  for f in "${MIRROR_DIR}"/registry.terraform.io/hashicorp/aws/*/linux_amd64/terraform-provider-aws_*; do
    [[ -x "${f}" ]] && mirrored+=("$(basename "$(dirname "$(dirname "${f}")")")")
  done
  log "terraform mirror ${MIRROR_DIR} holds hashicorp/aws: ${mirrored[*]:-nothing}"
  if ((PROVIDER_INCOMPLETE)); then
    log "WARNING: hashicorp/aws ${COATTAIL_AWS_PROVIDER_VERSION} is not built yet (time limit);"
    log "WARNING: run tools/bootstrap.sh again to continue where it stopped."
  fi
  log "to use the tools:  eval \"\$(${SCRIPT_DIR}/bootstrap.sh --print-env)\""
  log "  export PATH=\"${BIN_DIR}:\$PATH\""
  log "  export TF_CLI_CONFIG_FILE=${TERRAFORMRC}"
  log "  export TFLINT_PLUGIN_DIR=${TFLINT_PLUGIN_DIR_PATH}"
}

main "$@"
