#!/usr/bin/env bats
#
# Tests of scripts/bootstrap-state.sh against the local AWS emulator
# (tests/emulator/emulator.sh: moto on 127.0.0.1, started once for this file).
#
# The tests run in file order and build on each other: usage errors, dry run
# (nothing exists), first run (everything created), second run (nothing
# changed), drift repair, then Terraform's S3 backend with DynamoDB locking on
# a copy of infra/backend.tf. Every run of the script goes through a logging
# `aws` shim, so "no write call" is checked on the calls themselves, not only
# on what the script prints.
#
#   bats scripts/tests        (needs: bats, bats-support, bats-assert, jq,
#                              python3-venv, terraform)

# The jq programs use jq's $variables inside single quotes on purpose.
# shellcheck disable=SC2016
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

readonly ACCOUNT="123456789012" # moto's account id
readonly BUCKET="crypto-pulse-analytics-tfstate-${ACCOUNT}"
readonly TABLE="crypto-pulse-analytics-tflock"
readonly KEY="crypto-pulse-analytics/dev/terraform.tfstate"
# Upper bound of one script run (a real first run waits for the table).
readonly RUN_TIMEOUT=300

setup_file() {
  export REPO_ROOT
  REPO_ROOT="$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)"
  export SCRIPT="${REPO_ROOT}/scripts/bootstrap-state.sh"
  export EMU_DIR="${BATS_FILE_TMPDIR}/emu"
  local env_lines
  env_lines="$("${REPO_ROOT}/tests/emulator/emulator.sh" start "${EMU_DIR}")"
  eval "${env_lines}"
  [[ -n "${AWS_ENDPOINT_URL:-}" ]]

  # `aws` shim: logs every call's arguments, then runs the emulator's CLI.
  export SHIM_DIR="${BATS_FILE_TMPDIR}/shim"
  mkdir -p "${SHIM_DIR}"
  export REAL_AWS
  REAL_AWS="$(command -v aws)"
  cat >"${SHIM_DIR}/aws" <<'EOF'
#!/usr/bin/env bash
printf '%s\n' "$*" >>"${AWS_CALL_LOG:-/dev/null}"
exec "${REAL_AWS}" "$@"
EOF
  chmod +x "${SHIM_DIR}/aws"

  export BACKEND_FILE="${BATS_FILE_TMPDIR}/backend.hcl"
  export RUN_NO=0
}

teardown_file() {
  if [[ -f "${BATS_FILE_TMPDIR}/failed" && -f "${EMU_DIR}/moto.log" ]]; then
    local -r kept="${TMPDIR:-/tmp}/bootstrap_state.bats.moto.log"
    cp "${EMU_DIR}/moto.log" "${kept}"
    printf '# a test failed: emulator log kept in %s\n' "${kept}" >&3
  fi
  "${REPO_ROOT}/tests/emulator/emulator.sh" stop "${EMU_DIR}" 2>/dev/null
}

teardown() {
  if [[ -z "${BATS_TEST_COMPLETED:-}" ]]; then
    touch "${BATS_FILE_TMPDIR}/failed"
  fi
}

# Runs the script through the aws shim (bounded in time); the calls it made
# are then in ${AWS_CALL_LOG}.
bootstrap() {
  AWS_CALL_LOG="${BATS_TEST_TMPDIR}/aws-calls.$((++RUN_NO)).log"
  export AWS_CALL_LOG
  : >"${AWS_CALL_LOG}"
  PATH="${SHIM_DIR}:${PATH}" run timeout "${RUN_TIMEOUT}" "${SCRIPT}" \
    --backend-config "${BACKEND_FILE}" "$@"
}

# Prints the operations of the logged aws calls that are not reads.
write_calls() {
  grep -oE '(^| )(s3api|dynamodb|sts) [a-z0-9-]+' "${AWS_CALL_LOG}" \
    | awk '{print $2}' \
    | grep -vE '^(get|head|describe|list)-' || true
}

# Reads the bucket and the table back (boto3, scripts/tests/helpers) into SNAPSHOT.
snapshot() {
  SNAPSHOT="$("${COATTAIL_EMULATOR_PYTHON}" "${BATS_TEST_DIRNAME}/helpers/state_snapshot.py" \
    "${BUCKET}" "${TABLE}")"
}

# Asserts that a jq filter over SNAPSHOT gives the expected compact JSON.
# Arguments: [jq options...] filter expected
snap_is() {
  local -r expected="${*: -1}" filter="${*: -2:1}"
  local actual
  actual="$(jq -c "${@:1:$#-2}" "${filter}" <<<"${SNAPSHOT}")"
  if [[ "${actual}" != "${expected}" ]]; then
    printf 'snapshot %s\n  expected: %s\n  actual:   %s\n' "${filter}" "${expected}" "${actual}" >&2
    return 1
  fi
}

# The emulator's AWS CLI, JSON output.
awsq() {
  aws --endpoint-url "${AWS_ENDPOINT_URL}" --output json "$@"
}

# The terraform binary (PATH, or the tool chain of tools/bootstrap.sh).
terraform_bin() {
  command -v terraform 2>/dev/null \
    || { [[ -x "${COATTAIL_CACHE:-${HOME}/.cache/coattail}/bin/terraform" ]] \
      && echo "${COATTAIL_CACHE:-${HOME}/.cache/coattail}/bin/terraform"; }
}

@test "--help prints the usage and exits 0" {
  run "${SCRIPT}" --help
  assert_success
  assert_output --partial "Usage: scripts/bootstrap-state.sh"
  assert_output --partial "--dry-run"
}

@test "an unknown option exits 2 with a message" {
  run "${SCRIPT}" --frobnicate
  assert_failure 2
  assert_output --partial "unknown option: --frobnicate"
}

@test "an option without its value exits 2" {
  run "${SCRIPT}" --project
  assert_failure 2
  assert_output --partial "option --project needs a value"
}

@test "a bad region name exits 2 before any AWS call" {
  AWS_REGION="not a region" bootstrap
  assert_failure 2
  assert_output --partial "invalid region 'not a region'"
  [ ! -s "${AWS_CALL_LOG}" ]
}

@test "a missing aws CLI is a clear error (exit 1)" {
  # A PATH with what the script needs to start, but no aws.
  local bin="${BATS_TEST_TMPDIR}/bin" tool
  mkdir -p "${bin}"
  for tool in bash dirname jq; do
    ln -s "$(command -v "${tool}")" "${bin}/${tool}"
  done
  run env PATH="${bin}" "${SCRIPT}" --backend-config "${BACKEND_FILE}"
  assert_failure 1
  assert_output --partial "'aws' not found on PATH"
}

@test "no credentials is a clear error (exit 1)" {
  # Every source of the credential chain removed (the CLI looks at a
  # variable's presence, not its value, so they are unset, not emptied).
  local var
  for var in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI \
    AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \
    AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN; do
    unset "${var}"
  done
  AWS_SHARED_CREDENTIALS_FILE="${BATS_TEST_TMPDIR}/none" AWS_CONFIG_FILE="${BATS_TEST_TMPDIR}/none" \
    AWS_EC2_METADATA_DISABLED=true bootstrap
  assert_failure 1
  assert_output --partial "no AWS credentials"
  [ -z "$(write_calls)" ]
}

@test "AWS_PROFILE is honoured: an unknown profile is a clear error (exit 1)" {
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
  AWS_SHARED_CREDENTIALS_FILE="${BATS_TEST_TMPDIR}/none" AWS_CONFIG_FILE="${BATS_TEST_TMPDIR}/none" \
    AWS_PROFILE="no-such-profile" bootstrap
  assert_failure 1
  assert_output --partial "no AWS credentials"
  assert_output --partial "no-such-profile"
}

@test "--dry-run prints the plan and changes nothing" {
  bootstrap --dry-run
  assert_success
  assert_output --partial "would create bucket ${BUCKET} in us-west-2"
  assert_output --partial "would create table ${TABLE}"
  assert_output --partial "would create it with:"
  assert_output --partial "nothing was changed"
  [ -z "$(write_calls)" ]
  [ ! -e "${BACKEND_FILE}" ]
  run awsq s3api head-bucket --bucket "${BUCKET}"
  assert_failure
  run awsq dynamodb describe-table --table-name "${TABLE}"
  assert_failure
  assert_output --partial "ResourceNotFoundException"
}

@test "the first run creates the bucket, the table and the backend file" {
  bootstrap
  assert_success
  assert_output --partial "create bucket ${BUCKET}"
  assert_output --partial "create table ${TABLE}"
  assert_output --partial "backend config ${BACKEND_FILE}: created"
  assert_output --regexp "done \(changes=[1-9][0-9]*\)"

  # Bucket and table, read back with boto3 (one process).
  snapshot
  snap_is '.bucket.versioning.Status' '"Enabled"'
  snap_is '.bucket.encryption.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm' '"AES256"'
  snap_is '.bucket.public_access_block.PublicAccessBlockConfiguration
    | [.BlockPublicAcls, .IgnorePublicAcls, .BlockPublicPolicy, .RestrictPublicBuckets]' '[true,true,true,true]'
  snap_is '.bucket.ownership.OwnershipControls.Rules[0].ObjectOwnership' '"BucketOwnerEnforced"'
  snap_is --arg b "arn:aws:s3:::${BUCKET}" '[.bucket.policy.Statement[]
      | select(.Effect == "Deny" and .Principal == "*" and .Action == "s3:*"
               and .Condition.Bool["aws:SecureTransport"] == "false"
               and (.Resource | index($b)) and (.Resource | index("\($b)/*")))
      | .Sid]' '["DenyInsecureTransport"]'
  snap_is '.bucket.tagging.TagSet | from_entries | [.Project, .Environment, .ManagedBy, .CostCenter]' \
    '["crypto-pulse-analytics","shared","scripts/bootstrap-state.sh","portfolio"]'
  snap_is '.table.describe.Table.TableStatus' '"ACTIVE"'
  snap_is '[.table.describe.Table.KeySchema[] | [.AttributeName, .KeyType]]' '[["LockID","HASH"]]'
  snap_is '[.table.describe.Table.AttributeDefinitions[] | [.AttributeName, .AttributeType]]' '[["LockID","S"]]'
  snap_is '.table.describe.Table.BillingModeSummary.BillingMode' '"PAY_PER_REQUEST"'
  snap_is '.table.describe.Table.SSEDescription | [.Status, .SSEType]' '["ENABLED","KMS"]'
  snap_is '.table.describe.Table.DeletionProtectionEnabled' 'true'
  snap_is '.table.continuous_backups.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus' '"ENABLED"'
  snap_is '.table.tags.Tags | from_entries | [.Project, .Environment, .ManagedBy, .CostCenter]' \
    '["crypto-pulse-analytics","shared","scripts/bootstrap-state.sh","portfolio"]'

  # Backend file.
  run cat "${BACKEND_FILE}"
  assert_line "bucket         = \"${BUCKET}\""
  assert_line "key            = \"${KEY}\""
  assert_line 'region         = "us-west-2"'
  assert_line "dynamodb_table = \"${TABLE}\""
  assert_line 'encrypt        = true'
  assert_line "  s3       = \"${AWS_ENDPOINT_URL}\""
  assert_line "  dynamodb = \"${AWS_ENDPOINT_URL}\""
  assert_line 'use_path_style              = true'
  assert_line 'skip_credentials_validation = true'
}

@test "the second run changes nothing, makes no write call and says so" {
  local sum_before mtime_before
  sum_before="$(sha256sum "${BACKEND_FILE}")"
  mtime_before="$(stat -c %Y.%i "${BACKEND_FILE}")"
  sleep 1 # a rewrite would show in the mtime
  bootstrap
  assert_success
  assert_output --partial "state bucket ${BUCKET}: up to date"
  assert_output --partial "lock table ${TABLE}: up to date"
  assert_output --partial "backend config ${BACKEND_FILE}: unchanged"
  assert_output --partial "nothing changed: everything was up to date (changes=0)"
  refute_output --partial "warning"
  run write_calls
  assert_output ""
  # It did read: at least the identity, the bucket and the table.
  grep -q 'sts get-caller-identity' "${AWS_CALL_LOG}"
  grep -q 's3api get-bucket-policy' "${AWS_CALL_LOG}"
  grep -q 'dynamodb describe-continuous-backups' "${AWS_CALL_LOG}"
  [ "$(sha256sum "${BACKEND_FILE}")" == "${sum_before}" ]
  [ "$(stat -c %Y.%i "${BACKEND_FILE}")" == "${mtime_before}" ]
}

@test "another environment shares the bucket and the table; only the state key differs" {
  local -r other="${BATS_TEST_TMPDIR}/backend-prod.hcl"
  AWS_CALL_LOG="${BATS_TEST_TMPDIR}/aws-calls.prod.log"
  export AWS_CALL_LOG
  PATH="${SHIM_DIR}:${PATH}" run timeout "${RUN_TIMEOUT}" "${SCRIPT}" \
    --environment prod --backend-config "${other}"
  assert_success
  assert_output --partial "state bucket ${BUCKET}: up to date"
  assert_output --partial "lock table ${TABLE}: up to date"
  assert_output --partial "backend config ${other}: created"
  assert_output --partial "(changes=1)"
  [ -z "$(write_calls)" ]
  run cat "${other}"
  assert_line 'key            = "crypto-pulse-analytics/prod/terraform.tfstate"'
  assert_line "bucket         = \"${BUCKET}\""
}

@test "drift: --dry-run lists it, a run repairs and reports it, foreign policy statements and tags are kept" {
  # Break the bucket and the table behind the script's back (boto3, one process).
  "${COATTAIL_EMULATOR_PYTHON}" - "${BUCKET}" "${TABLE}" <<'EOF'
import json
import os
import sys

import boto3

bucket, table = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
dynamodb = boto3.client("dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
s3.delete_public_access_block(Bucket=bucket)
s3.put_bucket_encryption(
    Bucket=bucket,
    ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
    },
)
foreign = {"Sid": "KeepMe", "Effect": "Deny", "Principal": "*", "Action": "s3:DeleteBucket",
           "Resource": f"arn:aws:s3:::{bucket}"}
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [foreign]}))
s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "Project", "Value": "wrong"},
                                                         {"Key": "Owner", "Value": "sre"}]})
dynamodb.update_continuous_backups(
    TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
arn = dynamodb.describe_table(TableName=table)["Table"]["TableArn"]
dynamodb.untag_resource(ResourceArn=arn, TagKeys=["CostCenter"])
EOF
  printf '# edited by hand\n' >>"${BACKEND_FILE}"

  # --dry-run sees every difference and still changes nothing.
  bootstrap --dry-run
  assert_success
  assert_output --partial "would enable versioning (was: Suspended)"
  assert_output --partial "would enable point-in-time recovery (was: DISABLED)"
  assert_output --partial "-# edited by hand"
  assert_output --partial "dry run: 8 change(s) would be made; nothing was changed"
  run write_calls
  assert_output ""
  grep -q 'edited by hand' "${BACKEND_FILE}"

  bootstrap
  assert_success
  assert_output --partial "enable versioning (was: Suspended)"
  assert_output --partial "block all public access (was: none)"
  assert_output --partial "set default encryption AES256 (was: aws:kms"
  assert_output --partial "set the TLS-only bucket policy"
  assert_output --partial "tag the bucket (missing or different: CostCenter,Environment,ManagedBy,Project)"
  assert_output --partial "enable point-in-time recovery (was: DISABLED)"
  assert_output --partial "tag the table (missing or different: CostCenter)"
  assert_output --partial "backend config ${BACKEND_FILE}: updated"
  assert_output --partial "done (changes=8)"

  snapshot
  snap_is '.bucket.versioning.Status' '"Enabled"'
  snap_is '.bucket.public_access_block.PublicAccessBlockConfiguration | [.[]] | all' 'true'
  snap_is '.bucket.encryption.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm' '"AES256"'
  snap_is '[.bucket.policy.Statement[].Sid] | sort' '["DenyInsecureTransport","DenyTlsBelow1_2","KeepMe"]'
  snap_is '.bucket.tagging.TagSet | from_entries | [.Project, .Owner]' '["crypto-pulse-analytics","sre"]'
  snap_is '.table.continuous_backups.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus' '"ENABLED"'
  snap_is '.table.tags.Tags | from_entries | .CostCenter' '"portfolio"'
  run grep -c 'edited by hand' "${BACKEND_FILE}"
  assert_output "0"

  # And the run after the repair is clean again.
  bootstrap
  assert_success
  assert_output --partial "(changes=0)"
  run write_calls
  assert_output ""
}

@test "terraform init/apply with infra/backend.tf and the written file: state in S3, locking in DynamoDB" {
  local tf
  tf="$(terraform_bin)" || fail "terraform not found (run make tools / tools/bootstrap.sh)"
  # A copy: the real backend.tf plus a minimal configuration (a terraform_data
  # resource needs no provider), so no .terraform lands in the repository.
  local dir="${BATS_TEST_TMPDIR}/tf"
  mkdir -p "${dir}"
  cp "${REPO_ROOT}/infra/backend.tf" "${dir}/"
  cat >"${dir}/main.tf" <<'EOF'
resource "terraform_data" "probe" {
  input = "bootstrap-state"
}
EOF
  export TF_CLI_CONFIG_FILE="${BATS_TEST_TMPDIR}/terraformrc" # none: no user settings
  export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0
  : >"${TF_CLI_CONFIG_FILE}"

  # Emulator gap: moto ignores the Condition of bucket policy statements, so
  # the TLS-only Deny refuses every object request (the emulator speaks plain
  # HTTP; real S3 over HTTPS is not affected). Remove the policy for this
  # test; the script puts it back at the end.
  awsq s3api delete-bucket-policy --bucket "${BUCKET}"

  run timeout 120 "${tf}" -chdir="${dir}" init -no-color -backend-config="${BACKEND_FILE}"
  assert_success
  assert_output --partial 'Successfully configured the backend "s3"'

  run timeout 120 "${tf}" -chdir="${dir}" apply -no-color -auto-approve -lock-timeout=30s
  assert_success
  assert_output --partial "Apply complete! Resources: 1 added"

  # The state object is in the bucket under the key, SSE-S3 (encrypt = true).
  run awsq s3api head-object --bucket "${BUCKET}" --key "${KEY}"
  assert_success
  [ "$(jq -r .ServerSideEncryption <<<"${output}")" == "AES256" ]
  run awsq s3api get-object --bucket "${BUCKET}" --key "${KEY}" "${BATS_TEST_TMPDIR}/state.json"
  assert_success
  [ "$(jq -r '.resources[0].type' "${BATS_TEST_TMPDIR}/state.json")" == "terraform_data" ]
  # The backend keeps the state digest in the lock table; the lock itself is released.
  run awsq dynamodb get-item --table-name "${TABLE}" --key "{\"LockID\":{\"S\":\"${BUCKET}/${KEY}-md5\"}}"
  assert_success
  [[ "$(jq -r .Item.Digest.S <<<"${output}")" =~ ^[0-9a-f]{32}$ ]]
  run awsq dynamodb get-item --table-name "${TABLE}" --key "{\"LockID\":{\"S\":\"${BUCKET}/${KEY}\"}}"
  assert_success
  [ "$(jq -r '.Item // empty' <<<"${output}")" == "" ]

  # Locking: while another holder's lock item is in the table, terraform refuses to run.
  local info
  info='{"ID":"11111111-2222-3333-4444-555555555555","Operation":"OperationTypeApply","Info":"","Who":"someone@elsewhere","Version":"1.11.4","Created":"2026-01-01T00:00:00Z","Path":"'"${BUCKET}/${KEY}"'"}'
  awsq dynamodb put-item --table-name "${TABLE}" --item "$(jq -cn --arg id "${BUCKET}/${KEY}" --arg info "${info}" \
    '{LockID: {S: $id}, Info: {S: $info}}')"
  run timeout 120 "${tf}" -chdir="${dir}" plan -no-color -lock-timeout=2s
  assert_failure
  assert_output --partial "Error acquiring the state lock"
  assert_output --partial "someone@elsewhere"
  # Released: terraform works again and the state matches.
  awsq dynamodb delete-item --table-name "${TABLE}" --key "{\"LockID\":{\"S\":\"${BUCKET}/${KEY}\"}}"
  run timeout 120 "${tf}" -chdir="${dir}" plan -no-color -detailed-exitcode -lock-timeout=30s
  assert_success
  assert_output --partial "No changes."

  # Put the policy back (and show the script notices it was gone).
  bootstrap
  assert_success
  assert_output --partial "set the TLS-only bucket policy (policy was: none"
  assert_output --partial "done (changes=1)"
}

@test "--kms-key-id: SSE-KMS with a bucket key, kms_key_id in the file, idempotent" {
  local key_arn
  key_arn="$(awsq kms create-key --description "state key (test)" | jq -r .KeyMetadata.Arn)"
  local -r kms_file="${BATS_TEST_TMPDIR}/backend-kms.hcl"
  bootstrap --kms-key-id "${key_arn}" --backend-config "${kms_file}"
  assert_success
  assert_output --partial "set default encryption aws:kms ${key_arn} bucket-key (was: AES256)"
  assert_output --partial "done (changes=2)"
  run awsq s3api get-bucket-encryption --bucket "${BUCKET}"
  [ "$(jq -c '.ServerSideEncryptionConfiguration.Rules[0]
      | [.ApplyServerSideEncryptionByDefault.SSEAlgorithm, .ApplyServerSideEncryptionByDefault.KMSMasterKeyID, .BucketKeyEnabled]' \
      <<<"${output}")" == "[\"aws:kms\",\"${key_arn}\",true]" ]
  run cat "${kms_file}"
  assert_line "kms_key_id     = \"${key_arn}\""

  bootstrap --kms-key-id "${key_arn}" --backend-config "${kms_file}"
  assert_success
  assert_output --partial "(changes=0)"
  run write_calls
  assert_output ""

  run "${SCRIPT}" --kms-key-id "alias/not-an-arn"
  assert_failure 2
  assert_output --partial "--kms-key-id must be a key ARN"
}
