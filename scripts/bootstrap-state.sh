#!/usr/bin/env bash
#
# Creates, once per AWS account, what Terraform's S3 backend needs before the
# first `terraform init` of infra/: the state bucket
# <project>-tfstate-<account_id> and the lock table <project>-tflock. Then it
# writes the backend configuration file (infra/backend.hcl by default) that
# `terraform -chdir=infra init -backend-config=backend.hcl` reads.
#
# Idempotent: every property is read back and only what differs is changed
# (drift is repaired and reported); a second run makes no write call and says
# "up to date" / "unchanged" (changes=0). See scripts/README.md.

# The jq programs below use jq's $variables inside single quotes on purpose.
# shellcheck disable=SC2016
set -Eeuo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
readonly REPO_ROOT

# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "${SCRIPT_DIR}/lib/common.sh"
LOG_TAG="bootstrap-state"
REQUIRE_CMD_HINT="install it; see scripts/README.md"

# Defaults (the same as the Terraform root stack's variables).
readonly DEFAULT_PROJECT="crypto-pulse-analytics"
readonly DEFAULT_ENVIRONMENT="dev"
readonly DEFAULT_REGION="us-west-2"
readonly DEFAULT_COST_CENTER="portfolio"
# How long to wait for the lock table to become ACTIVE, and the poll interval.
readonly TABLE_WAIT_SECONDS="${BOOTSTRAP_STATE_TABLE_WAIT_SECONDS:-600}"
readonly POLL_SECONDS="${BOOTSTRAP_STATE_POLL_SECONDS:-5}"
# Sids of the bucket policy statements this script owns (others are kept).
readonly SID_TLS_ONLY="DenyInsecureTransport"
readonly SID_TLS_VERSION="DenyTlsBelow1_2"

# Options.
PROJECT="${DEFAULT_PROJECT}"
ENVIRONMENT="${DEFAULT_ENVIRONMENT}"
REGION=""
COST_CENTER="${DEFAULT_COST_CENTER}"
KMS_KEY_ID=""
BACKEND_CONFIG="${REPO_ROOT}/infra/backend.hcl"
DRY_RUN=0

# Derived, set by main.
ACCOUNT_ID=""
PARTITION=""
BUCKET=""
TABLE=""
STATE_KEY=""
TAGS_JSON=""
# Number of write calls made (or, with --dry-run, that would be made).
CHANGES=0
# Output of the last aws_read call.
READ_OUT=""
# 1 when --dry-run found no bucket / no table (their properties are not read).
BUCKET_ABSENT=0
TABLE_ABSENT=0
# Temporary directory, removed on exit.
WORK_DIR=""

#######################################
# Prints the usage text.
#######################################
usage() {
  cat <<EOF
Usage: scripts/bootstrap-state.sh [options]

Creates (or repairs) the Terraform remote state resources of the account the
AWS credentials belong to, then writes the backend configuration file:

  bucket  <project>-tfstate-<account_id>: versioning, default encryption,
          all four public access blocks, TLS-only bucket policy, object
          ownership BucketOwnerEnforced, tags
  table   <project>-tflock: hash key LockID (S), on-demand (PAY_PER_REQUEST),
          point-in-time recovery, server-side encryption (AWS managed KMS key),
          deletion protection, tags
  file    backend configuration (bucket, key <project>/<environment>/terraform.tfstate,
          region, dynamodb_table, encrypt = true) for
          terraform -chdir=infra init -backend-config=backend.hcl

Every property is read first and only what differs is changed; a second run
changes nothing and says so (changes=0).

Options:
  --project NAME         project name (default: ${DEFAULT_PROJECT})
  --environment ENV      environment of the state key (default: ${DEFAULT_ENVIRONMENT})
  --region REGION        AWS region (default: \$AWS_REGION, \$AWS_DEFAULT_REGION, ${DEFAULT_REGION})
  --cost-center NAME     CostCenter tag (default: ${DEFAULT_COST_CENTER})
  --kms-key-id KEY_ARN   encrypt the bucket with this customer managed KMS key
                         (SSE-KMS + S3 Bucket Key; also written as kms_key_id);
                         default: SSE-S3 (AES256; why: scripts/README.md)
  --backend-config PATH  file to write (default: infra/backend.hcl, git-ignored)
  --dry-run              read everything, print what would change, change nothing
  -h, --help             show this help

Environment:
  AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN
                         credentials, used by the AWS CLI as usual
  AWS_REGION             region (see --region)
  AWS_ENDPOINT_URL       an AWS emulator (tests): passed as --endpoint-url to
                         every aws call, and the backend file then also gets the
                         endpoints and the settings Terraform needs to use it

Requires the AWS CLI (the 'aws' on PATH, v1 or v2) and jq.
Exit status: 0 success, 1 failure (AWS error, no credentials, missing tool),
2 bad usage (unknown option, invalid value, bad region name).
EOF
}

#######################################
# Removes the temporary directory.
#######################################
cleanup() {
  if [[ -n "${WORK_DIR}" ]]; then
    rm -rf -- "${WORK_DIR}"
  fi
}

#######################################
# Reports an unexpected failure (set -e) with its location.
#######################################
on_error() {
  local -r rc=$?
  err "unexpected failure (exit ${rc}) at line ${BASH_LINENO[0]}: ${BASH_COMMAND}"
}

#######################################
# Exits with status 2 and a hint.
# Arguments:
#   Message words.
#######################################
usage_error() {
  err "$*"
  echo "Try 'scripts/bootstrap-state.sh --help'." >&2
  exit 2
}

#######################################
# Parses the command line into the option globals.
# Arguments:
#   The script's arguments.
#######################################
parse_args() {
  while (($# > 0)); do
    case "$1" in
      --project | --environment | --region | --cost-center | --kms-key-id | --backend-config)
        (($# >= 2)) || usage_error "option $1 needs a value"
        case "$1" in
          --project) PROJECT="$2" ;;
          --environment) ENVIRONMENT="$2" ;;
          --region) REGION="$2" ;;
          --cost-center) COST_CENTER="$2" ;;
          --kms-key-id) KMS_KEY_ID="$2" ;;
          --backend-config) BACKEND_CONFIG="$2" ;;
        esac
        shift 2
        ;;
      --dry-run)
        DRY_RUN=1
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *)
        usage_error "unknown option: $1"
        ;;
    esac
  done

  if [[ -z "${REGION}" ]]; then
    REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-${DEFAULT_REGION}}}"
  fi
  # The bucket name <project>-tfstate-<12 digits> must stay within S3's 63.
  [[ "${PROJECT}" =~ ^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$ ]] \
    || usage_error "invalid --project '${PROJECT}' (3-42 characters: a-z, 0-9, '-')"
  [[ "${ENVIRONMENT}" =~ ^[a-z0-9][a-z0-9-]{0,30}$ ]] \
    || usage_error "invalid --environment '${ENVIRONMENT}' (a-z, 0-9, '-')"
  [[ "${COST_CENTER}" =~ ^[A-Za-z0-9\ ._:/=+@-]{1,256}$ ]] \
    || usage_error "invalid --cost-center '${COST_CENTER}'"
  is_region_name "${REGION}" \
    || usage_error "invalid region '${REGION}' (from --region, AWS_REGION or AWS_DEFAULT_REGION; e.g. us-west-2)"
  if [[ -n "${KMS_KEY_ID}" && ! "${KMS_KEY_ID}" =~ ^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$ ]]; then
    usage_error "--kms-key-id must be a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)"
  fi
  [[ -d "$(dirname -- "${BACKEND_CONFIG}")" ]] \
    || usage_error "directory of --backend-config '${BACKEND_CONFIG}' does not exist"
}

#######################################
# Runs a read-only aws call and keeps its output in READ_OUT.
# Arguments:
#   Error code(s) meaning "absent" (an ERE alternation, may be empty), then
#   the AWS CLI arguments.
# Returns:
#   0 when the call succeeded, 1 when it failed with an "absent" code; any
#   other failure exits.
#######################################
aws_read() {
  local -r absent="$1"
  shift
  if READ_OUT="$(aws_cli "$@")"; then
    return 0
  fi
  READ_OUT=""
  local code
  code="$(aws_error_code)"
  if [[ -n "${absent}" && "${code}" =~ ^(${absent})$ ]]; then
    return 1
  fi
  die "aws $1 $2 failed: $(aws_error_text)"
}

#######################################
# Makes one change (a write call), or with --dry-run only announces it.
# Counts it in CHANGES either way.
# Arguments:
#   [--retry-on CODE]: retry up to 12 times (5 s apart) on this error code,
#   then a description of the change, then the AWS CLI arguments.
#######################################
apply_change() {
  local retry_on=""
  if [[ "$1" == "--retry-on" ]]; then
    retry_on="$2"
    shift 2
  fi
  local -r what="$1"
  shift
  CHANGES=$((CHANGES + 1))
  if ((DRY_RUN)); then
    log "  would ${what}"
    return 0
  fi
  log "  ${what}"
  local attempt
  for attempt in {1..12}; do
    if aws_cli "$@" >/dev/null; then
      return 0
    fi
    if [[ -z "${retry_on}" || "$(aws_error_code)" != "${retry_on}" ]]; then
      break
    fi
    log "  (${retry_on}: retrying in 5 s, attempt ${attempt}/12)"
    sleep 5
  done
  die "could not ${what}: $(aws_error_text)"
}

#######################################
# jq with the given program over the given JSON, compact output.
# Arguments:
#   JSON text, jq program, further jq arguments.
#######################################
jqc() {
  local -r json="$1" program="$2"
  shift 2
  jq -c "$@" "${program}" <<<"${json}"
}

#######################################
# Finds the account the credentials belong to (sts get-caller-identity).
# Globals:
#   ACCOUNT_ID, PARTITION (set)
#######################################
resolve_identity() {
  local out
  if ! out="$(aws_cli sts get-caller-identity)"; then
    local -r text="$(aws_error_text)"
    case "${text}" in
      *"Unable to locate credentials"* | *"NoCredentialProviders"* | *"retrieving credentials"* \
        | *"The config profile"*"could not be found"* | *"InvalidClientTokenId"* | *"SignatureDoesNotMatch"*)
        die "no AWS credentials (or invalid ones): set AWS_PROFILE (e.g. after 'aws sso login') or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (${text})"
        ;;
      *"ExpiredToken"* | *"expired"*)
        die "the AWS credentials have expired: refresh them (${text})"
        ;;
      *"Could not connect"* | *"Could not resolve"* | *"Connect timeout"* | *"Name or service not known"*)
        die "cannot reach STS in region ${REGION}${AWS_ENDPOINT_URL:+ at ${AWS_ENDPOINT_URL}} (wrong region or no network?): ${text}"
        ;;
      *)
        die "sts get-caller-identity failed (credentials or region ${REGION} not usable): ${text}"
        ;;
    esac
  fi
  ACCOUNT_ID="$(jqc "${out}" '.Account' -r)"
  local arn
  arn="$(jqc "${out}" '.Arn' -r)"
  PARTITION="$(cut -d: -f2 <<<"${arn}")"
  [[ "${ACCOUNT_ID}" =~ ^[0-9]{12}$ && -n "${PARTITION}" ]] \
    || die "unexpected sts get-caller-identity answer: ${out}"
  log "account ${ACCOUNT_ID} (${arn}), region ${REGION}${AWS_ENDPOINT_URL:+, endpoint ${AWS_ENDPOINT_URL}}"
}

#######################################
# Sets the names derived from the options and the account.
#######################################
derive_names() {
  BUCKET="${PROJECT}-tfstate-${ACCOUNT_ID}"
  TABLE="${PROJECT}-tflock"
  STATE_KEY="${PROJECT}/${ENVIRONMENT}/terraform.tfstate"
  # The four tags of the stack. Environment is "shared" and not the
  # --environment value: one bucket and one table hold the state of every
  # environment (the key differs), so the tag must not flip between runs.
  # ManagedBy names this script: Terraform does not manage these resources.
  TAGS_JSON="$(jq -cn --arg p "${PROJECT}" --arg c "${COST_CENTER}" \
    '{Project: $p, Environment: "shared", ManagedBy: "scripts/bootstrap-state.sh", CostCenter: $c}')"
}

# ---------------------------------------------------------------------------
# State bucket
# ---------------------------------------------------------------------------

#######################################
# Creates the bucket if it does not exist; fails if it exists elsewhere.
#######################################
ensure_bucket_exists() {
  local head
  if head="$(aws_cli s3api head-bucket --bucket "${BUCKET}" --expected-bucket-owner "${ACCOUNT_ID}")"; then
    # Newer CLIs return BucketRegion here; older ones need get-bucket-location.
    local location
    location="$(jqc "${head:-"{}"}" '.BucketRegion // ""' -r)"
    if [[ -z "${location}" ]]; then
      aws_read "" s3api get-bucket-location --bucket "${BUCKET}"
      location="$(jqc "${READ_OUT:-"{}"}" '.LocationConstraint // "us-east-1"' -r)"
    fi
    [[ "${location}" == "EU" ]] && location="eu-west-1"
    [[ "${location}" == "${REGION}" ]] \
      || die "bucket ${BUCKET} exists in region ${location}, not ${REGION}: use --region ${location}"
    return 0
  fi
  case "$(aws_error_code)" in
    404 | NoSuchBucket | NotFound) ;;
    403 | AccessDenied | Forbidden)
      die "bucket ${BUCKET} exists but is not accessible with these credentials (another account's, or missing s3:ListBucket): $(aws_error_text)"
      ;;
    *) die "aws s3api head-bucket failed: $(aws_error_text)" ;;
  esac
  local args=(s3api create-bucket --bucket "${BUCKET}" --object-ownership BucketOwnerEnforced)
  # us-east-1 takes no location constraint (and rejects one).
  if [[ "${REGION}" != "us-east-1" ]]; then
    args+=(--create-bucket-configuration "LocationConstraint=${REGION}")
  fi
  apply_change "create bucket ${BUCKET} in ${REGION}" "${args[@]}"
  if ((DRY_RUN)); then
    BUCKET_ABSENT=1
  fi
}

#######################################
# Object ownership: BucketOwnerEnforced (ACLs disabled).
#######################################
ensure_bucket_ownership() {
  local current="none"
  if ((!BUCKET_ABSENT)) && aws_read "OwnershipControlsNotFoundError" \
    s3api get-bucket-ownership-controls --bucket "${BUCKET}"; then
    current="$(jqc "${READ_OUT}" '.OwnershipControls.Rules[0].ObjectOwnership // "none"' -r)"
  fi
  if [[ "${current}" != "BucketOwnerEnforced" ]]; then
    apply_change "set object ownership BucketOwnerEnforced (was: ${current})" \
      s3api put-bucket-ownership-controls --bucket "${BUCKET}" \
      --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'
  fi
}

#######################################
# All four public access blocks on.
#######################################
ensure_bucket_public_access_block() {
  local current="none"
  if ((!BUCKET_ABSENT)) && aws_read "NoSuchPublicAccessBlockConfiguration" \
    s3api get-public-access-block --bucket "${BUCKET}"; then
    current="$(jqc "${READ_OUT}" '.PublicAccessBlockConfiguration
      | [.BlockPublicAcls, .IgnorePublicAcls, .BlockPublicPolicy, .RestrictPublicBuckets]
      | map(. == true) | if all then "all" else tostring end' -r)"
  fi
  if [[ "${current}" != "all" ]]; then
    apply_change "block all public access (was: ${current})" \
      s3api put-public-access-block --bucket "${BUCKET}" \
      --public-access-block-configuration \
      'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true'
  fi
}

#######################################
# Versioning Enabled (every state write stays recoverable).
#######################################
ensure_bucket_versioning() {
  local current="never enabled"
  if ((!BUCKET_ABSENT)); then
    aws_read "" s3api get-bucket-versioning --bucket "${BUCKET}"
    # An empty answer means versioning was never enabled.
    current="$(jqc "${READ_OUT:-"{}"}" '.Status // "never enabled"' -r)"
  fi
  if [[ "${current}" != "Enabled" ]]; then
    apply_change "enable versioning (was: ${current})" \
      s3api put-bucket-versioning --bucket "${BUCKET}" --versioning-configuration Status=Enabled
  fi
}

#######################################
# Default encryption.
# Choice: SSE-S3 (AES256) by default. The S3 backend with encrypt = true
# (and no kms_key_id) requests SSE-S3 on every state object it writes anyway,
# so the bucket default matches what is stored. SSE-KMS with the AWS managed
# key aws/s3 would add no access control (its key policy lets every principal
# of the account use it through S3) but would add KMS request costs and
# throttling; the real access control is IAM plus the bucket policy (the CI
# roles of infra/modules/iam get no KMS permission for the state). Whoever
# wants key-level control passes --kms-key-id with a customer managed key:
# then SSE-KMS with an S3 Bucket Key (fewer KMS calls) and kms_key_id in the
# backend file.
#######################################
ensure_bucket_encryption() {
  local desired want_text
  if [[ -n "${KMS_KEY_ID}" ]]; then
    desired="$(jq -cn --arg k "${KMS_KEY_ID}" '{Rules: [{ApplyServerSideEncryptionByDefault:
      {SSEAlgorithm: "aws:kms", KMSMasterKeyID: $k}, BucketKeyEnabled: true}]}')"
    want_text="aws:kms ${KMS_KEY_ID} bucket-key"
  else
    desired='{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
    want_text="AES256"
  fi
  local current="none"
  if ((!BUCKET_ABSENT)) && aws_read "ServerSideEncryptionConfigurationNotFoundError" \
    s3api get-bucket-encryption --bucket "${BUCKET}"; then
    # Compare only what this script sets (the bucket key is moot for SSE-S3).
    current="$(jqc "${READ_OUT}" '.ServerSideEncryptionConfiguration.Rules[0]
      | [.ApplyServerSideEncryptionByDefault.SSEAlgorithm,
         (if .ApplyServerSideEncryptionByDefault.SSEAlgorithm == "aws:kms"
          then .ApplyServerSideEncryptionByDefault.KMSMasterKeyID,
               (if .BucketKeyEnabled then "bucket-key" else "no-bucket-key" end)
          else empty end)]
      | map(select(. != null)) | join(" ")' -r)"
  fi
  if [[ "${current}" != "${want_text}" ]]; then
    apply_change "set default encryption ${want_text} (was: ${current})" \
      s3api put-bucket-encryption --bucket "${BUCKET}" \
      --server-side-encryption-configuration "${desired}"
  fi
}

#######################################
# Bucket policy: deny any request without TLS, and TLS older than 1.2.
# Statements with other Sids are kept as they are.
#######################################
ensure_bucket_policy() {
  local -r arn="arn:${PARTITION}:s3:::${BUCKET}"
  local ours
  ours="$(jq -cn --arg b "${arn}" --arg s1 "${SID_TLS_ONLY}" --arg s2 "${SID_TLS_VERSION}" '[
    {Sid: $s1, Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [$b, "\($b)/*"],
     Condition: {Bool: {"aws:SecureTransport": "false"}}},
    {Sid: $s2, Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [$b, "\($b)/*"],
     Condition: {NumericLessThan: {"s3:TlsVersion": "1.2"}}}]')"
  local current='{"Version":"2012-10-17","Statement":[]}' state="none"
  if ((!BUCKET_ABSENT)) && aws_read "NoSuchBucketPolicy" \
    s3api get-bucket-policy --bucket "${BUCKET}"; then
    current="$(jqc "${READ_OUT}" '.Policy | fromjson')"
    state="present"
  fi
  # Normalize what AWS may rewrite (single values vs lists, Principal "*").
  local -r norm='def norm: (.Action |= ([.] | flatten | sort))
    | (.Resource |= ([.] | flatten | sort))
    | (.Principal |= (if . == {"AWS": "*"} or . == {"AWS": ["*"]} then "*" else . end));'
  local matches
  matches="$(jqc "${current}" "${norm}"'
    ([.Statement[]? | select(.Sid as $s | $ours | map(.Sid) | index($s)) | norm] | sort_by(.Sid))
    == ($ours | map(norm) | sort_by(.Sid))' --argjson ours "${ours}")"
  if [[ "${matches}" != "true" ]]; then
    local merged
    merged="$(jqc "${current}" '.Version //= "2012-10-17"
      | .Statement = ([.Statement[]? | select(.Sid as $s | $ours | map(.Sid) | index($s) | not)] + $ours)' \
      --argjson ours "${ours}")"
    apply_change "set the TLS-only bucket policy (policy was: ${state}, statements ${SID_TLS_ONLY}/${SID_TLS_VERSION} missing or different)" \
      s3api put-bucket-policy --bucket "${BUCKET}" --policy "${merged}"
  fi
}

#######################################
# Tags: the four required tags with the right values; other tags are kept.
#######################################
ensure_bucket_tags() {
  local current='{}'
  if ((!BUCKET_ABSENT)) && aws_read "NoSuchTagSet" \
    s3api get-bucket-tagging --bucket "${BUCKET}"; then
    current="$(jqc "${READ_OUT}" '.TagSet | from_entries')"
  fi
  local missing
  missing="$(jqc "${current}" '. as $c | $want | to_entries | map(select($c[.key] != .value)) | from_entries' \
    --argjson want "${TAGS_JSON}")"
  if [[ "${missing}" != "{}" ]]; then
    local tagging
    # put-bucket-tagging replaces the whole set; aws:* tags cannot be written.
    tagging="$(jqc "${current}" '{TagSet: (with_entries(select(.key | startswith("aws:") | not))
      + $want | to_entries | map({Key: .key, Value: .value}))}' --argjson want "${TAGS_JSON}")"
    apply_change "tag the bucket (missing or different: $(jqc "${missing}" 'keys | join(",")' -r))" \
      s3api put-bucket-tagging --bucket "${BUCKET}" --tagging "${tagging}"
  fi
}

#######################################
# The state bucket and all its properties.
#######################################
ensure_state_bucket() {
  local -r before="${CHANGES}"
  ensure_bucket_exists
  ensure_bucket_ownership
  ensure_bucket_public_access_block
  ensure_bucket_versioning
  ensure_bucket_encryption
  ensure_bucket_policy
  ensure_bucket_tags
  report "state bucket ${BUCKET}" "${before}"
}

# ---------------------------------------------------------------------------
# Lock table
# ---------------------------------------------------------------------------

#######################################
# Waits until the table is ACTIVE (after a create or an update).
#######################################
wait_table_active() {
  ((DRY_RUN)) && return 0
  local -r deadline=$((SECONDS + TABLE_WAIT_SECONDS))
  local status=""
  while :; do
    aws_read "" dynamodb describe-table --table-name "${TABLE}"
    status="$(jqc "${READ_OUT}" '.Table.TableStatus' -r)"
    [[ "${status}" == "ACTIVE" ]] && return 0
    ((SECONDS < deadline)) \
      || die "table ${TABLE} still ${status} after ${TABLE_WAIT_SECONDS} s"
    log "  waiting for table ${TABLE} to become ACTIVE (now ${status})"
    sleep "${POLL_SECONDS}"
  done
}

#######################################
# Creates the table if needed (and waits until it is ACTIVE); checks the key
# schema of an existing one. Leaves the describe-table answer in READ_OUT
# (both paths end with a describe-table call).
#######################################
ensure_table_exists() {
  if aws_read "ResourceNotFoundException" dynamodb describe-table --table-name "${TABLE}"; then
    local key
    key="$(jqc "${READ_OUT}" '.Table as $t | [$t.KeySchema[] | .AttributeName as $n
      | "\($n):\(.KeyType):\($t.AttributeDefinitions[] | select(.AttributeName == $n) | .AttributeType)"]
      | join(",")' -r)"
    [[ "${key}" == "LockID:HASH:S" ]] \
      || die "table ${TABLE} exists with key schema ${key}; Terraform needs a single hash key LockID (S). Fix or remove it by hand."
    return 0
  fi
  apply_change "create table ${TABLE} (hash key LockID S, PAY_PER_REQUEST, SSE KMS)" \
    dynamodb create-table --table-name "${TABLE}" \
    --attribute-definitions AttributeName=LockID,AttributeType=S \
    --key-schema AttributeName=LockID,KeyType=HASH \
    --billing-mode PAY_PER_REQUEST \
    --sse-specification Enabled=true,SSEType=KMS \
    --tags "$(jqc "${TAGS_JSON}" 'to_entries | map({Key: .key, Value: .value})')"
  if ((DRY_RUN)); then
    TABLE_ABSENT=1
    return 0
  fi
  wait_table_active
}

#######################################
# On-demand capacity (a lock table sees a few requests per Terraform run).
# Arguments:
#   describe-table answer.
#######################################
ensure_table_billing() {
  local -r current="$(jqc "$1" '.Table.BillingModeSummary.BillingMode // "PROVISIONED"' -r)"
  if [[ "${current}" != "PAY_PER_REQUEST" ]]; then
    apply_change "switch table to PAY_PER_REQUEST (was: ${current})" \
      dynamodb update-table --table-name "${TABLE}" --billing-mode PAY_PER_REQUEST
    wait_table_active
  fi
}

#######################################
# Server-side encryption with KMS (the AWS managed key aws/dynamodb).
# Arguments:
#   describe-table answer.
#######################################
ensure_table_sse() {
  local -r current="$(jqc "$1" '.Table.SSEDescription.Status // "DEFAULT (AWS owned key)"' -r)"
  case "${current}" in
    ENABLED | ENABLING | UPDATING) ;;
    *)
      apply_change "enable table SSE with KMS (was: ${current})" \
        dynamodb update-table --table-name "${TABLE}" --sse-specification Enabled=true,SSEType=KMS
      wait_table_active
      ;;
  esac
}

#######################################
# Deletion protection. Old AWS CLIs (before 2.11 / 1.27.9x) neither show nor
# set it: then warn and skip.
# Arguments:
#   describe-table answer.
#######################################
ensure_table_deletion_protection() {
  local -r current="$(jqc "$1" '.Table.DeletionProtectionEnabled' -r)"
  case "${current}" in
    true) ;;
    false)
      apply_change "enable table deletion protection" \
        dynamodb update-table --table-name "${TABLE}" --deletion-protection-enabled
      wait_table_active
      ;;
    *)
      warn "this AWS CLI does not report DeletionProtectionEnabled (too old?): deletion protection of ${TABLE} not checked"
      ;;
  esac
}

#######################################
# Point-in-time recovery. Right after a create AWS may still answer
# ContinuousBackupsUnavailableException: then retry.
#######################################
ensure_table_pitr() {
  local current="DISABLED"
  if ((!TABLE_ABSENT)); then
    aws_read "" dynamodb describe-continuous-backups --table-name "${TABLE}"
    current="$(jqc "${READ_OUT}" '.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus // "DISABLED"' -r)"
  fi
  case "${current}" in
    ENABLED | ENABLING) ;;
    *)
      apply_change --retry-on ContinuousBackupsUnavailableException \
        "enable point-in-time recovery (was: ${current})" \
        dynamodb update-continuous-backups --table-name "${TABLE}" \
        --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true
      ;;
  esac
}

#######################################
# Tags: the four required tags with the right values; other tags are kept.
# Arguments:
#   Table ARN.
#######################################
ensure_table_tags() {
  local -r arn="$1"
  local current='{}'
  if ((!TABLE_ABSENT)); then
    aws_read "" dynamodb list-tags-of-resource --resource-arn "${arn}"
    current="$(jqc "${READ_OUT}" '(.Tags // []) | from_entries')"
  fi
  local missing
  missing="$(jqc "${current}" '. as $c | $want | to_entries | map(select($c[.key] != .value)) | from_entries' \
    --argjson want "${TAGS_JSON}")"
  if [[ "${missing}" != "{}" ]]; then
    apply_change "tag the table (missing or different: $(jqc "${missing}" 'keys | join(",")' -r))" \
      dynamodb tag-resource --resource-arn "${arn}" \
      --tags "$(jqc "${missing}" 'to_entries | map({Key: .key, Value: .value})')"
  fi
}

#######################################
# The lock table and all its properties.
#######################################
ensure_lock_table() {
  local -r before="${CHANGES}"
  ensure_table_exists
  local describe arn
  if ((TABLE_ABSENT)); then
    # --dry-run and no table: the create above already covers these.
    describe='{"Table":{"BillingModeSummary":{"BillingMode":"PAY_PER_REQUEST"},"SSEDescription":{"Status":"ENABLED"},"DeletionProtectionEnabled":false}}'
    arn="arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT_ID}:table/${TABLE}"
  else
    # READ_OUT: the describe-table answer of ensure_table_exists.
    describe="${READ_OUT}"
    arn="$(jqc "${describe}" '.Table.TableArn' -r)"
  fi
  ensure_table_billing "${describe}"
  ensure_table_sse "${describe}"
  ensure_table_deletion_protection "${describe}"
  ensure_table_pitr
  ensure_table_tags "${arn}"
  report "lock table ${TABLE}" "${before}"
}

# ---------------------------------------------------------------------------
# Backend configuration file
# ---------------------------------------------------------------------------

#######################################
# Prints the backend configuration.
#######################################
render_backend_config() {
  cat <<EOF
# Terraform S3 backend settings for infra/ (infra/backend.tf is a partial
# configuration). Written by scripts/bootstrap-state.sh: re-run it instead of
# editing. Names an account: keep it out of git.
#   terraform -chdir=infra init -backend-config=backend.hcl
bucket         = "${BUCKET}"
key            = "${STATE_KEY}"
region         = "${REGION}"
dynamodb_table = "${TABLE}"
encrypt        = true
EOF
  if [[ -n "${KMS_KEY_ID}" ]]; then
    printf 'kms_key_id     = "%s"\n' "${KMS_KEY_ID}"
  fi
  if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then
    cat <<EOF

# AWS_ENDPOINT_URL was set: an emulator, for tests only. Real AWS never needs
# these settings.
endpoints = {
  s3       = "${AWS_ENDPOINT_URL}"
  dynamodb = "${AWS_ENDPOINT_URL}"
  sts      = "${AWS_ENDPOINT_URL}"
  iam      = "${AWS_ENDPOINT_URL}"
}
use_path_style              = true
skip_credentials_validation = true
skip_region_validation      = true
skip_requesting_account_id  = true
skip_metadata_api_check     = true
EOF
  fi
}

#######################################
# Writes the backend configuration file if its content differs (atomically).
#######################################
ensure_backend_config() {
  local -r path="${BACKEND_CONFIG}"
  local -r new="${WORK_DIR}/backend.hcl"
  render_backend_config >"${new}"
  if [[ -f "${path}" ]] && cmp -s "${new}" "${path}"; then
    log "backend config ${path}: unchanged"
    return 0
  fi
  CHANGES=$((CHANGES + 1))
  local verb="create"
  [[ -e "${path}" ]] && verb="update"
  if ((DRY_RUN)); then
    log "backend config ${path}: would ${verb} it with:"
    if [[ -f "${path}" ]]; then
      diff -u "${path}" "${new}" | sed 's/^/  /' || true
    else
      sed 's/^/  /' "${new}"
    fi
    return 0
  fi
  local tmp
  tmp="$(mktemp "${path}.XXXXXX")"
  cat "${new}" >"${tmp}"
  chmod 0644 "${tmp}"
  mv -f -- "${tmp}" "${path}"
  log "backend config ${path}: ${verb}d"
}

#######################################
# Prints "<what>: up to date" when nothing was (or would be) changed since
# the count given.
# Arguments:
#   Resource description, CHANGES before.
#######################################
report() {
  local -r what="$1" before="$2"
  local -r n=$((CHANGES - before))
  if ((n == 0)); then
    log "${what}: up to date"
  elif ((DRY_RUN)); then
    log "${what}: ${n} change(s) would be made"
  else
    log "${what}: ${n} change(s) made"
  fi
}

main() {
  parse_args "$@"
  trap on_error ERR
  trap cleanup EXIT
  require_cmd aws jq
  WORK_DIR="$(mktemp -d)"
  aws_init "${REGION}" "${WORK_DIR}/aws.err"
  ((DRY_RUN)) && log "dry run: nothing will be changed"
  resolve_identity
  derive_names
  ensure_state_bucket
  ensure_lock_table
  ensure_backend_config
  if ((DRY_RUN)); then
    log "dry run: ${CHANGES} change(s) would be made; nothing was changed"
  elif ((CHANGES == 0)); then
    log "nothing changed: everything was up to date (changes=0)"
  else
    log "done (changes=${CHANGES})"
  fi
  log "next: terraform -chdir=infra init -backend-config=$(backend_config_hint)"
}

#######################################
# The -backend-config argument to show: relative to infra/ when the file is
# there.
#######################################
backend_config_hint() {
  local -r abs="$(cd "$(dirname -- "${BACKEND_CONFIG}")" && pwd)/$(basename -- "${BACKEND_CONFIG}")"
  if [[ "${abs}" == "${REPO_ROOT}/infra/"* ]]; then
    printf '%s' "${abs#"${REPO_ROOT}"/infra/}"
  else
    printf '%s' "${abs}"
  fi
}

main "$@"
