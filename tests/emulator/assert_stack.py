"""Read-back assertions of the emulated stack (boto3 against the emulator; run by e2e_infra.sh).

    assert_stack.py stack --state STATE.json --outputs OUTPUTS.json
    assert_stack.py leftovers --prefix crypto-pulse-analytics-dev

``stack`` reads ``terraform show -json`` (every managed resource and its id/ARN) and checks, against
what the emulator returns through each service's own API:

* every resource whose type is taggable (has ``tags_all``) carries the four required tags with
  the expected values (Project, Environment, ManagedBy, CostCenter) -- a taggable type without a
  read-back below is a failure, so a new resource type cannot slip through unchecked;
* buckets block all public access and have default encryption;
* Kinesis streams are KMS-encrypted with the streams key;
* the alerts table has TTL on ``expires_at`` and point-in-time recovery (both tables: PITR, SSE);
* the EMR Serverless application auto-stops after 15 idle minutes and is capped at 4 vCPU / 8 GB;
* the API stage throttles every method (``*/*``) and the usage plan has a throttle and a quota.

``streaming --expect on|off`` checks the start/stop switch (streaming_enabled): streams, Firehose,
the speed layer's mapping and the stream alarms exist only while on; tables, buckets, functions
and the SSM configuration survive a stop.

``leftovers`` lists everything whose name carries the prefix (or that the stack alone creates)
across the services of the stack and fails when anything is left after destroy.

The endpoint and credentials come from the environment that tests/emulator/emulator.sh prints.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

REQUIRED_TAGS = {
    "Project": "crypto-pulse-analytics",
    "Environment": "dev",
    "ManagedBy": "terraform",
    "CostCenter": "portfolio",
}


class Checker:
    """Collects PASS/FAIL results; ``failures`` decides the exit status."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.passes = 0

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        if ok:
            self.passes += 1
            print(f"  PASS {what}")
        else:
            self.failures.append(f"{what}: {detail}" if detail else what)
            print(f"  FAIL {what}{': ' + detail if detail else ''}")
        return ok


_CLIENTS: dict[str, Any] = {}


def client(service: str) -> Any:
    """A boto3 client for the emulator (AWS_ENDPOINT_URL / AWS_REGION from the environment)."""
    if service not in _CLIENTS:
        _CLIENTS[service] = boto3.client(service)
    return _CLIENTS[service]


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-west-2"


# -------------------------------------------------------------------------------------------------
# Terraform state
# -------------------------------------------------------------------------------------------------


def managed_resources(state: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every managed resource instance of `terraform show -json`, child modules included."""

    def walk(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
        for resource in module.get("resources", []):
            if resource.get("mode") == "managed":
                yield resource
        for child in module.get("child_modules", []):
            yield from walk(child)

    yield from walk(state.get("values", {}).get("root_module", {}))


def output(outputs: dict[str, Any], name: str) -> Any:
    return outputs[name]["value"]


# -------------------------------------------------------------------------------------------------
# Tag read-back per resource type: values of the state -> {key: value} as the emulator returns them
# -------------------------------------------------------------------------------------------------


def _pairs(items: list[dict[str, str]], key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {item[key]: item[value] for item in items}


def _account(values: dict[str, Any]) -> str:
    arn = values.get("arn") or ""
    return arn.split(":")[4] if arn.count(":") >= 5 else "123456789012"


TagReader = Callable[[dict[str, Any]], dict[str, str]]

TAG_READERS: dict[str, TagReader] = {
    "aws_api_gateway_api_key": lambda v: (
        client("apigateway").get_api_key(apiKey=v["id"]).get("tags", {})
    ),
    "aws_api_gateway_rest_api": lambda v: (
        client("apigateway").get_rest_api(restApiId=v["id"]).get("tags", {})
    ),
    "aws_api_gateway_stage": lambda v: (
        client("apigateway")
        .get_stage(restApiId=v["rest_api_id"], stageName=v["stage_name"])
        .get("tags", {})
    ),
    "aws_api_gateway_usage_plan": lambda v: (
        client("apigateway").get_usage_plan(usagePlanId=v["id"]).get("tags", {})
    ),
    "aws_athena_workgroup": lambda v: _pairs(
        client("athena").list_tags_for_resource(ResourceARN=v["arn"])["Tags"]
    ),
    "aws_budgets_budget": lambda v: _pairs(
        client("budgets").list_tags_for_resource(ResourceARN=v["arn"])["ResourceTags"]
    ),
    "aws_cloudwatch_event_rule": lambda v: _pairs(
        client("events").list_tags_for_resource(ResourceARN=v["arn"])["Tags"]
    ),
    "aws_cloudwatch_log_group": lambda v: client("logs").list_tags_log_group(
        logGroupName=v["name"]
    )["tags"],
    "aws_cloudwatch_metric_alarm": lambda v: _pairs(
        client("cloudwatch").list_tags_for_resource(ResourceARN=v["arn"])["Tags"]
    ),
    "aws_dynamodb_table": lambda v: _pairs(
        client("dynamodb").list_tags_of_resource(ResourceArn=v["arn"])["Tags"]
    ),
    "aws_emrserverless_application": lambda v: client("emr-serverless").list_tags_for_resource(
        resourceArn=v["arn"]
    )["tags"],
    "aws_glue_catalog_database": lambda v: client("glue").get_tags(ResourceArn=v["arn"])["Tags"],
    "aws_iam_instance_profile": lambda v: _pairs(
        client("iam")
        .get_instance_profile(InstanceProfileName=v["name"])["InstanceProfile"]
        .get("Tags", [])
    ),
    "aws_iam_openid_connect_provider": lambda v: _pairs(
        client("iam").list_open_id_connect_provider_tags(OpenIDConnectProviderArn=v["arn"])["Tags"]
    ),
    "aws_iam_policy": lambda v: _pairs(client("iam").list_policy_tags(PolicyArn=v["arn"])["Tags"]),
    "aws_iam_role": lambda v: _pairs(client("iam").list_role_tags(RoleName=v["name"])["Tags"]),
    "aws_kinesis_firehose_delivery_stream": lambda v: _pairs(
        client("firehose").list_tags_for_delivery_stream(DeliveryStreamName=v["name"])["Tags"]
    ),
    "aws_kinesis_stream": lambda v: _pairs(
        client("kinesis").list_tags_for_stream(StreamName=v["name"])["Tags"]
    ),
    "aws_kms_key": lambda v: _pairs(
        client("kms").list_resource_tags(KeyId=v["key_id"])["Tags"], "TagKey", "TagValue"
    ),
    "aws_lambda_event_source_mapping": lambda v: client("lambda").list_tags(Resource=v["arn"])[
        "Tags"
    ],
    "aws_lambda_function": lambda v: client("lambda").list_tags(Resource=v["arn"])["Tags"],
    "aws_s3_bucket": lambda v: _pairs(
        client("s3").get_bucket_tagging(Bucket=v["bucket"])["TagSet"]
    ),
    "aws_sns_topic": lambda v: _pairs(
        client("sns").list_tags_for_resource(ResourceArn=v["arn"])["Tags"]
    ),
    "aws_sqs_queue": lambda v: client("sqs").list_queue_tags(QueueUrl=v["url"]).get("Tags", {}),
    "aws_ssm_parameter": lambda v: _pairs(
        client("ssm").list_tags_for_resource(ResourceType="Parameter", ResourceId=v["name"])[
            "TagList"
        ]
    ),
}


def check_tags(checker: Checker, state: dict[str, Any], required: dict[str, str]) -> None:
    print("Required tags on every taggable resource (read back from the emulator):")
    counted: dict[str, int] = {}
    for resource in managed_resources(state):
        values = resource.get("values", {})
        if "tags_all" not in values:
            continue
        kind, address = resource["type"], resource["address"]
        reader = TAG_READERS.get(kind)
        if reader is None:
            checker.check(False, address, f"no tag read-back for {kind}: add one to TAG_READERS")
            continue
        try:
            tags = reader(values) or {}
        except (BotoCoreError, ClientError) as error:
            checker.check(False, address, f"tags not readable: {error}")
            continue
        wrong = {k: tags.get(k) for k, v in required.items() if tags.get(k) != v}
        counted[kind] = counted.get(kind, 0) + 1
        if wrong:
            checker.check(False, f"tags of {address}", f"missing or wrong: {wrong}")
        else:
            checker.passes += 1
    total = sum(counted.values())
    summary = ", ".join(f"{k.removeprefix('aws_')} {n}" for k, n in sorted(counted.items()))
    print(f"  checked {total} taggable resources of {len(counted)} types ({summary})")
    checker.check(total > 0, "at least one taggable resource was checked")


# -------------------------------------------------------------------------------------------------
# Properties
# -------------------------------------------------------------------------------------------------


def check_buckets(checker: Checker, state: dict[str, Any]) -> None:
    print("Buckets: public access blocked, default encryption:")
    s3 = client("s3")
    buckets = [
        r["values"]["bucket"] for r in managed_resources(state) if r["type"] == "aws_s3_bucket"
    ]
    checker.check(len(buckets) >= 4, f"{len(buckets)} buckets in the state", "expected >= 4")
    for bucket in buckets:
        try:
            block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        except ClientError as error:
            checker.check(False, f"{bucket} public access block", str(error))
        else:
            flags = (
                "BlockPublicAcls",
                "IgnorePublicAcls",
                "BlockPublicPolicy",
                "RestrictPublicBuckets",
            )
            off = [flag for flag in flags if not block.get(flag)]
            checker.check(not off, f"{bucket} blocks public access", f"off: {off}")
        try:
            rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"][
                "Rules"
            ]
        except ClientError as error:
            checker.check(False, f"{bucket} encryption", str(error))
        else:
            algorithms = [
                rule.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
                for rule in rules
            ]
            checker.check(
                any(a in ("AES256", "aws:kms", "aws:kms:dsse") for a in algorithms),
                f"{bucket} encrypted by default ({', '.join(map(str, algorithms))})",
            )


def check_streams(checker: Checker, state: dict[str, Any], outputs: dict[str, Any]) -> None:
    print("Kinesis streams: KMS encryption with the streams key:")
    kinesis = client("kinesis")
    key_arn = output(outputs, "streams_kms_key_arn")
    key_id = key_arn.rsplit("/", 1)[-1]
    prefix = output(outputs, "name_prefix")
    accepted = {key_arn, key_id, f"alias/{prefix}-streams"}
    streams = [
        r["values"]["name"] for r in managed_resources(state) if r["type"] == "aws_kinesis_stream"
    ]
    checker.check(len(streams) == 2, f"{len(streams)} streams in the state", "expected 2")
    for name in streams:
        summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        checker.check(
            summary.get("EncryptionType") == "KMS" and summary.get("KeyId") in accepted,
            f"{name} encrypted with the streams key",
            f"EncryptionType={summary.get('EncryptionType')} KeyId={summary.get('KeyId')}",
        )


def check_tables(checker: Checker, outputs: dict[str, Any]) -> None:
    print("DynamoDB: alerts TTL, PITR and KMS encryption:")
    dynamodb = client("dynamodb")
    alerts = output(outputs, "alerts_table_name")
    ttl = dynamodb.describe_time_to_live(TableName=alerts)["TimeToLiveDescription"]
    checker.check(
        ttl.get("TimeToLiveStatus") == "ENABLED" and ttl.get("AttributeName") == "expires_at",
        f"{alerts} TTL on expires_at",
        str(ttl),
    )
    for table in (alerts, output(outputs, "scores_table_name")):
        backups = dynamodb.describe_continuous_backups(TableName=table)[
            "ContinuousBackupsDescription"
        ]
        pitr = backups.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
        checker.check(pitr == "ENABLED", f"{table} point-in-time recovery", f"status {pitr}")
        sse = dynamodb.describe_table(TableName=table)["Table"].get("SSEDescription", {})
        checker.check(
            sse.get("Status") == "ENABLED" and sse.get("SSEType") == "KMS",
            f"{table} encrypted with a KMS key",
            str(sse),
        )


def _number(text: str) -> float:
    match = re.match(r"\s*([0-9.]+)", str(text))
    return float(match.group(1)) if match else float("nan")


def check_emr(checker: Checker, outputs: dict[str, Any]) -> None:
    print("EMR Serverless: auto-stop 15 min, cap 4 vCPU / 8 GB:")
    app = client("emr-serverless").get_application(
        applicationId=output(outputs, "emr_application_id")
    )["application"]
    stop = app.get("autoStopConfiguration", {})
    checker.check(
        stop.get("enabled") is True and stop.get("idleTimeoutMinutes") == 15,
        "auto-stop after 15 idle minutes",
        str(stop),
    )
    cap = app.get("maximumCapacity", {})
    checker.check(
        _number(cap.get("cpu", "")) == 4 and "vcpu" in str(cap.get("cpu", "")).lower(),
        f"maximum capacity cpu {cap.get('cpu')}",
        "expected 4 vCPU",
    )
    checker.check(
        _number(cap.get("memory", "")) == 8 and "gb" in str(cap.get("memory", "")).lower(),
        f"maximum capacity memory {cap.get('memory')}",
        "expected 8 GB",
    )
    checker.check(not app.get("initialCapacity"), "no pre-initialized capacity")


def check_api(checker: Checker, state: dict[str, Any]) -> None:
    print("API Gateway: stage and usage plan throttling:")
    apigateway = client("apigateway")
    stages = [r["values"] for r in managed_resources(state) if r["type"] == "aws_api_gateway_stage"]
    checker.check(len(stages) == 1, f"{len(stages)} API stage in the state", "expected 1")
    for values in stages:
        stage = apigateway.get_stage(
            restApiId=values["rest_api_id"], stageName=values["stage_name"]
        )
        settings = stage.get("methodSettings", {}).get("*/*", {})
        rate, burst = settings.get("throttlingRateLimit"), settings.get("throttlingBurstLimit")
        checker.check(
            bool(rate) and rate > 0 and bool(burst) and burst > 0,
            f"stage {values['stage_name']} throttles */* (rate {rate}/s, burst {burst})",
            str(settings),
        )
    plans = [
        r["values"] for r in managed_resources(state) if r["type"] == "aws_api_gateway_usage_plan"
    ]
    for values in plans:
        plan = apigateway.get_usage_plan(usagePlanId=values["id"])
        throttle, quota = plan.get("throttle", {}), plan.get("quota", {})
        checker.check(
            throttle.get("rateLimit", 0) > 0 and quota.get("limit", 0) > 0,
            f"usage plan {plan.get('name')} has throttle and quota",
            f"throttle={throttle} quota={quota}",
        )


def cmd_stack(args: argparse.Namespace) -> int:
    state = json.loads(Path(args.state).read_text(encoding="utf-8"))
    outputs = json.loads(Path(args.outputs).read_text(encoding="utf-8"))
    required = dict(REQUIRED_TAGS)
    for pair in args.tag or []:
        key, _, value = pair.partition("=")
        required[key] = value
    checker = Checker()
    check_tags(checker, state, required)
    check_buckets(checker, state)
    check_streams(checker, state, outputs)
    check_tables(checker, outputs)
    check_emr(checker, outputs)
    check_api(checker, state)
    return report(checker)


# -------------------------------------------------------------------------------------------------
# Leftovers after destroy
# -------------------------------------------------------------------------------------------------


def _paginate(service: str, operation: str, key: str, **kwargs: Any) -> list[Any]:
    paginator = client(service).get_paginator(operation)
    items: list[Any] = []
    for page in paginator.paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


def leftovers(prefix: str) -> dict[str, list[str]]:
    """Names of everything of the stack that still exists, by kind."""
    lake = prefix.replace("-", "_")
    mine: Callable[[str], bool] = lambda name: prefix in name or lake in name  # noqa: E731
    found: dict[str, list[str]] = {}

    def add(kind: str, names: list[str]) -> None:
        names = sorted(n for n in names if mine(n))
        if names:
            found[kind] = names

    add("s3 buckets", [b["Name"] for b in client("s3").list_buckets().get("Buckets", [])])
    add("kinesis streams", client("kinesis").list_streams().get("StreamNames", []))
    add("firehose", client("firehose").list_delivery_streams().get("DeliveryStreamNames", []))
    add("dynamodb tables", _paginate("dynamodb", "list_tables", "TableNames"))
    add(
        "lambda functions",
        [f["FunctionName"] for f in _paginate("lambda", "list_functions", "Functions")],
    )
    add(
        "lambda event source mappings",
        [
            m["EventSourceArn"]
            for m in _paginate("lambda", "list_event_source_mappings", "EventSourceMappings")
        ],
    )
    add(
        "emr-serverless applications",
        [
            a["name"]
            for a in client("emr-serverless").list_applications().get("applications", [])
            if a.get("state") != "TERMINATED"
        ],
    )
    add("iam roles", [r["RoleName"] for r in _paginate("iam", "list_roles", "Roles")])
    add(
        "iam policies",
        [p["PolicyName"] for p in _paginate("iam", "list_policies", "Policies", Scope="Local")],
    )
    add(
        "iam instance profiles",
        [
            p["InstanceProfileName"]
            for p in _paginate("iam", "list_instance_profiles", "InstanceProfiles")
        ],
    )
    oidc = [
        p["Arn"]
        for p in client("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]
    ]
    if oidc:
        found["iam oidc providers"] = oidc
    add("sqs queues", client("sqs").list_queues().get("QueueUrls", []))
    add("sns topics", [t["TopicArn"] for t in _paginate("sns", "list_topics", "Topics")])
    add("kms aliases", [a["AliasName"] for a in _paginate("kms", "list_aliases", "Aliases")])
    add(
        "log groups",
        [g["logGroupName"] for g in _paginate("logs", "describe_log_groups", "logGroups")],
    )
    add(
        "cloudwatch alarms",
        [a["AlarmName"] for a in _paginate("cloudwatch", "describe_alarms", "MetricAlarms")],
    )
    add(
        "cloudwatch dashboards",
        [
            d["DashboardName"]
            for d in client("cloudwatch").list_dashboards().get("DashboardEntries", [])
        ],
    )
    add("eventbridge rules", [r["Name"] for r in client("events").list_rules().get("Rules", [])])
    add(
        "ssm parameters", [p["Name"] for p in _paginate("ssm", "describe_parameters", "Parameters")]
    )
    add("glue databases", [d["Name"] for d in _paginate("glue", "get_databases", "DatabaseList")])
    add(
        "athena workgroups",
        [w["Name"] for w in client("athena").list_work_groups().get("WorkGroups", [])],
    )
    add(
        "api gateway rest apis",
        [a["name"] for a in _paginate("apigateway", "get_rest_apis", "items")],
    )
    add(
        "api gateway keys",
        [k.get("name", "") for k in _paginate("apigateway", "get_api_keys", "items")],
    )
    add(
        "api gateway usage plans",
        [p.get("name", "") for p in _paginate("apigateway", "get_usage_plans", "items")],
    )
    account = client("sts").get_caller_identity()["Account"]
    add(
        "budgets",
        [
            b["BudgetName"]
            for b in client("budgets").describe_budgets(AccountId=account).get("Budgets", [])
        ],
    )
    return found


def cmd_leftovers(args: argparse.Namespace) -> int:
    print(f"Leftovers named after {args.prefix} (expected: none):")
    checker = Checker()
    found = leftovers(args.prefix)
    for kind, names in sorted(found.items()):
        checker.check(False, f"{kind} left", ", ".join(names))
    checker.check(not found, "nothing of the stack is left in the emulator")
    return report(checker)


def cmd_streaming(args: argparse.Namespace) -> int:
    """The start/stop switch: with streaming off the hourly-billed resources are gone, with it on
    they are back under the same names; everything else stays either way."""
    prefix, on = args.prefix, args.expect == "on"
    print(f"Streaming switched {args.expect} ({prefix}):")
    checker = Checker()
    streams = {f"{prefix}-trades", f"{prefix}-dead-letter"}
    present = set(client("kinesis").list_streams().get("StreamNames", [])) & streams
    checker.check(present == (streams if on else set()), f"streams present: {sorted(present)}")
    firehose = [
        name
        for name in client("firehose").list_delivery_streams().get("DeliveryStreamNames", [])
        if name.startswith(prefix)
    ]
    checker.check(bool(firehose) == on, f"firehose present: {firehose}")
    mappings = [
        m["EventSourceArn"]
        for m in _paginate("lambda", "list_event_source_mappings", "EventSourceMappings")
        if prefix in m.get("EventSourceArn", "")
    ]
    checker.check(bool(mappings) == on, f"speed-layer event source mapping present: {mappings}")
    stream_alarms = [
        a["AlarmName"]
        for a in _paginate("cloudwatch", "describe_alarms", "MetricAlarms", AlarmNamePrefix=prefix)
        if a.get("Namespace") in ("AWS/Kinesis", "AWS/Firehose")
    ]
    checker.check(bool(stream_alarms) == on, f"stream alarms present: {len(stream_alarms)}")
    # What must survive a stop: data stores, serving, configuration.
    tables = [t for t in _paginate("dynamodb", "list_tables", "TableNames") if t.startswith(prefix)]
    checker.check(len(tables) == 2, f"tables kept: {tables}")
    buckets = [b["Name"] for b in client("s3").list_buckets()["Buckets"] if prefix in b["Name"]]
    checker.check(len(buckets) >= 4, f"buckets kept: {len(buckets)}")
    functions = [
        f["FunctionName"]
        for f in _paginate("lambda", "list_functions", "Functions")
        if f["FunctionName"].startswith(prefix)
    ]
    checker.check(len(functions) == 3, f"functions kept: {functions}")
    parameter = client("ssm").get_parameter(Name=f"/{prefix}/config/trades_stream")["Parameter"]
    checker.check(
        parameter["Value"] == f"{prefix}-trades", "SSM trades_stream keeps the stream name"
    )
    return report(checker)


def report(checker: Checker) -> int:
    if checker.failures:
        print(f"{len(checker.failures)} assertion(s) FAILED ({checker.passes} passed):")
        for failure in checker.failures:
            print(f"  - {failure}")
        return 1
    print(f"all {checker.passes} assertions passed")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    stack = commands.add_parser("stack", help="assertions on the applied stack")
    stack.add_argument("--state", required=True, help="terraform show -json output")
    stack.add_argument("--outputs", required=True, help="terraform output -json output")
    stack.add_argument("--tag", action="append", help="override an expected tag: KEY=VALUE")
    stack.set_defaults(func=cmd_stack)
    left = commands.add_parser("leftovers", help="nothing of the stack is left after destroy")
    left.add_argument(
        "--prefix", required=True, help="name prefix, e.g. crypto-pulse-analytics-dev"
    )
    left.set_defaults(func=cmd_leftovers)
    streaming = commands.add_parser("streaming", help="state of the streaming start/stop switch")
    streaming.add_argument("--prefix", required=True, help="name prefix")
    streaming.add_argument("--expect", required=True, choices=("on", "off"))
    streaming.set_defaults(func=cmd_streaming)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
