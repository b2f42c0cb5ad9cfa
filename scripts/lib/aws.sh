#!/usr/bin/env bash
#
# AWS CLI helpers of the operator scripts (bootstrap-state.sh). Source it after log.sh; it defines
# functions and two globals, and runs nothing.
#
#   aws_init REGION ERR_FILE, then aws_cli ARGS... runs the AWS CLI found on PATH with --region,
#   --output json, and --endpoint-url "${AWS_ENDPOINT_URL}" when that is set (the Debian AWS CLI
#   2.9 ignores AWS_ENDPOINT_URL, so it is passed explicitly). AWS_PROFILE and the credential
#   variables are left to the CLI. The stderr of the last aws_cli call is kept in AWS_ERR_FILE;
#   aws_error_code extracts the service's error code from it.

# Arguments added to every aws call; set by aws_init.
AWS_GLOBAL_ARGS=()
# stderr of the last aws_cli call; set by aws_init.
AWS_ERR_FILE=""

#######################################
# True when the argument looks like an AWS region name (us-west-2,
# us-gov-west-1, eu-central-2, ...). Does not prove the region exists.
# Arguments:
#   Region.
#######################################
is_region_name() {
  [[ "$1" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]+$ ]]
}

#######################################
# Prepares aws_cli.
# Globals:
#   AWS_ENDPOINT_URL (read), AWS_GLOBAL_ARGS, AWS_ERR_FILE (set)
# Arguments:
#   Region, file that receives the stderr of each call.
#######################################
aws_init() {
  local -r region="$1"
  AWS_ERR_FILE="$2"
  AWS_GLOBAL_ARGS=(--region "${region}" --output json)
  if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then
    AWS_GLOBAL_ARGS+=(--endpoint-url "${AWS_ENDPOINT_URL}")
  fi
  # AWS CLI v2 pipes long output through a pager by default.
  export AWS_PAGER=""
}

#######################################
# Runs the AWS CLI on PATH with the global arguments. stdout is the call's
# output; stderr goes to AWS_ERR_FILE (read it with aws_error_code /
# aws_error_text).
# Arguments:
#   AWS CLI arguments (service, operation, options).
# Returns:
#   The CLI's exit status.
#######################################
aws_cli() {
  aws "${AWS_GLOBAL_ARGS[@]}" "$@" 2>"${AWS_ERR_FILE}"
}

#######################################
# Prints the error code of the last failed aws_cli call ("NoSuchBucket",
# "404", "ResourceNotFoundException", ...), or nothing.
#######################################
aws_error_code() {
  sed -n 's/.*An error occurred (\([^)]*\)).*/\1/p' "${AWS_ERR_FILE}" | head -n 1
}

#######################################
# Prints the stderr of the last aws_cli call on one line.
#######################################
aws_error_text() {
  tr -s '\n' ' ' <"${AWS_ERR_FILE}" | sed 's/^ *//; s/ *$//'
}
