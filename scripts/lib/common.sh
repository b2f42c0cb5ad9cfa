#!/usr/bin/env bash
#
# The shell library of the repository, in one source line: logging and failure helpers (log.sh:
# log, warn, err, die, die_with, require_cmd, fmt_duration; settings LOG_TAG, LOG_TIMESTAMPS,
# LOG_TO_STDERR) and the AWS CLI helpers (aws.sh: aws_init, aws_cli, aws_error_code, ...).
# Source it; it defines functions and globals and runs nothing. Scripts that need no AWS call may
# source log.sh alone.

# shellcheck source=scripts/lib/log.sh
source "$(dirname "${BASH_SOURCE[0]}")/log.sh"
# shellcheck source=scripts/lib/aws.sh
source "$(dirname "${BASH_SOURCE[0]}")/aws.sh"
