#!/usr/bin/env python3
"""Prints the SigV4 reference vectors that sigv4_golden_test.cc pins, computed by botocore.

Run offline (no network): python3 gen_sigv4_vectors.py
Generated with botocore 1.43.11. botocore's SigV4Auth reads the clock through
botocore.auth.get_current_datetime, which is replaced here by a fixed instant so the output is
reproducible. Credentials are AWS's documented example keys, not real ones.
"""
import datetime
import hashlib
import json

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

VECTORS = [
    {
        "name": "KinesisPutRecords",
        "service": "kinesis",
        "target": "Kinesis_20131202.PutRecords",
        "content_type": "application/x-amz-json-1.1",
        "token": None,
        "time": datetime.datetime(2026, 1, 15, 8, 30, 15, tzinfo=datetime.timezone.utc),
        "body": '{"StreamName":"whale-trades","Records":[{"Data":"eyJ0eXBlIjoidHJhZGUifQ==",'
                '"PartitionKey":"0xabc"}]}',
    },
    {
        "name": "DynamoDbGetItemWithSessionToken",
        "service": "dynamodb",
        "target": "DynamoDB_20120810.GetItem",
        "content_type": "application/x-amz-json-1.0",
        "token": "IQoJb3JpZ2luX2VjEXAMPLE/session+token==",
        "time": datetime.datetime(2026, 1, 15, 23, 59, 59, tzinfo=datetime.timezone.utc),
        "body": '{"TableName":"wallet-scores","Key":{"wallet":{"S":"0x00000000000000000000000000000000000000aa"}}}',
    },
    {
        "name": "DynamoDbBatchWriteItemUtf8",
        "service": "dynamodb",
        "target": "DynamoDB_20120810.BatchWriteItem",
        "content_type": "application/x-amz-json-1.0",
        "token": None,
        "time": datetime.datetime(2025, 12, 31, 23, 59, 59, tzinfo=datetime.timezone.utc),
        "body": '{"RequestItems":{"alerts":[{"PutRequest":{"Item":{"id":{"S":"caf\u00e9 \\"q\\"\\n"},'
                '"n":{"N":"617.25"}}}}]}}',
    },
]


def main():
    print("botocore", botocore.__version__)
    for v in VECTORS:
        botocore.auth.get_current_datetime = lambda v=v: v["time"]
        host = f"{v['service']}.us-west-2.amazonaws.com"
        body = v["body"].encode("utf-8")
        req = AWSRequest(method="POST", url=f"http://{host}/", data=body,
                         headers={"Content-Type": v["content_type"], "X-Amz-Target": v["target"]})
        creds = Credentials(ACCESS_KEY, SECRET_KEY, v["token"])
        auth = botocore.auth.SigV4Auth(creds, v["service"], "us-west-2")
        auth.add_auth(req)
        authorization = req.headers["Authorization"]
        # Recompute the intermediate strings over the headers that were signed (without the
        # Authorization header add_auth just injected) and check they lead to the same signature.
        del req.headers["Authorization"]
        canonical = auth.canonical_request(req)
        string_to_sign = auth.string_to_sign(req, canonical)
        assert authorization.endswith("Signature=" + auth.signature(string_to_sign, req))
        print("==", v["name"])
        print("body (C++ literal):", json.dumps(v["body"], ensure_ascii=False))
        print("sha256(body):", hashlib.sha256(body).hexdigest())
        print("X-Amz-Date:", req.headers["X-Amz-Date"])
        print("canonical request:", json.dumps(canonical))
        print("string to sign:", json.dumps(string_to_sign))
        print("Authorization:", authorization)


if __name__ == "__main__":
    main()
