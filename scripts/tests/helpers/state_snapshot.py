"""Reads the Terraform state bucket and lock table back from the emulator in one process.

Usage: state_snapshot.py BUCKET TABLE
Prints one JSON document: {"bucket": {...}, "table": {...}} with the answers of the Get*/Describe*
calls (ResponseMetadata removed; a failed call becomes {"Error": "<code>"}). The bats tests query
it with jq; one python process is much faster than a dozen AWS CLI v1 start-ups.
Uses AWS_ENDPOINT_URL and the emulator's credentials/region from the environment.
"""

import json
import os
import sys

import boto3
from botocore.exceptions import ClientError


def call(function, **kwargs):
    """Calls one API; returns its answer without ResponseMetadata, or {"Error": code}."""
    try:
        answer = function(**kwargs)
    except ClientError as error:
        return {"Error": error.response["Error"]["Code"]}
    answer.pop("ResponseMetadata", None)
    return answer


def main(bucket, table):
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    s3 = boto3.client("s3", endpoint_url=endpoint)
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint)
    policy = call(s3.get_bucket_policy, Bucket=bucket)
    if "Policy" in policy:
        policy = json.loads(policy["Policy"])
    describe = call(dynamodb.describe_table, TableName=table)
    tags = {}
    if "Table" in describe:
        tags = call(dynamodb.list_tags_of_resource, ResourceArn=describe["Table"]["TableArn"])
    snapshot = {
        "bucket": {
            "versioning": call(s3.get_bucket_versioning, Bucket=bucket),
            "encryption": call(s3.get_bucket_encryption, Bucket=bucket),
            "public_access_block": call(s3.get_public_access_block, Bucket=bucket),
            "ownership": call(s3.get_bucket_ownership_controls, Bucket=bucket),
            "policy": policy,
            "tagging": call(s3.get_bucket_tagging, Bucket=bucket),
        },
        "table": {
            "describe": describe,
            "continuous_backups": call(dynamodb.describe_continuous_backups, TableName=table),
            "tags": tags,
        },
    }
    json.dump(snapshot, sys.stdout, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: state_snapshot.py BUCKET TABLE")
    main(sys.argv[1], sys.argv[2])
