"""Direct checks of every compatibility patch (moto_compat.py) through boto3, in seconds.

Run against a started emulator (tests/emulator/emulator.bats does): each check calls the API the
way the Terraform provider does and verifies the AWS behaviour the patch promises. Exit 1 on any
failure; the names printed match the patch list in infra/README.md ("Emulator gaps").
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from typing import Any

import boto3

ACCOUNT = "123456789012"
CHECKS: list[tuple[str, Callable[[], None]]] = []


def check(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def register(func: Callable[[], None]) -> Callable[[], None]:
        CHECKS.append((name, func))
        return func

    return register


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


@check("emr-serverless: CREATED, any-case type, architecture, tags")
def emr_serverless() -> None:
    emr = boto3.client("emr-serverless")
    created = emr.create_application(
        name="compat-spark",
        releaseLabel="emr-6.15.0",
        type="Spark",
        architecture="ARM64",
        maximumCapacity={"cpu": "4 vCPU", "memory": "8 GB"},
        tags={"Project": "p"},
    )
    app = emr.get_application(applicationId=created["applicationId"])["application"]
    expect(app["state"] == "CREATED", f"state {app['state']}")
    expect(app.get("architecture") == "ARM64", f"architecture {app.get('architecture')}")
    arn = created["arn"]
    emr.tag_resource(resourceArn=arn, tags={"Environment": "dev"})
    emr.untag_resource(resourceArn=arn, tagKeys=["Project"])
    tags = emr.list_tags_for_resource(resourceArn=arn)["tags"]
    expect(tags == {"Environment": "dev"}, f"tags {tags}")
    emr.update_application(applicationId=created["applicationId"], architecture="X86_64")
    app = emr.get_application(applicationId=created["applicationId"])["application"]
    expect(app.get("architecture") == "X86_64", "architecture not updated")
    emr.delete_application(applicationId=created["applicationId"])


@check("budgets: tags, subscribers, UpdateBudget, UpdateNotification")
def budgets() -> None:
    client = boto3.client("budgets")
    notification = {
        "NotificationType": "ACTUAL",
        "ComparisonOperator": "GREATER_THAN",
        "Threshold": 25.0,
        "ThresholdType": "ABSOLUTE_VALUE",
    }
    subscriber = {"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-west-2:1:topic"}
    client.create_budget(
        AccountId=ACCOUNT,
        Budget={
            "BudgetName": "compat",
            "BudgetLimit": {"Amount": "50", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
        NotificationsWithSubscribers=[{"Notification": notification, "Subscribers": [subscriber]}],
        ResourceTags=[{"Key": "Project", "Value": "p"}],
    )
    arn = f"arn:aws:budgets::{ACCOUNT}:budget/compat"
    client.tag_resource(ResourceARN=arn, ResourceTags=[{"Key": "CostCenter", "Value": "c"}])
    client.untag_resource(ResourceARN=arn, ResourceTagKeys=["Project"])
    tags = client.list_tags_for_resource(ResourceARN=arn)["ResourceTags"]
    expect(tags == [{"Key": "CostCenter", "Value": "c"}], f"tags {tags}")
    subscribers = client.describe_subscribers_for_notification(
        AccountId=ACCOUNT, BudgetName="compat", Notification=notification
    )["Subscribers"]
    expect(subscribers == [subscriber], f"subscribers {subscribers}")
    client.update_budget(
        AccountId=ACCOUNT,
        NewBudget={
            "BudgetName": "compat",
            "BudgetLimit": {"Amount": "75", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
    )
    budget = client.describe_budget(AccountId=ACCOUNT, BudgetName="compat")["Budget"]
    expect(float(budget["BudgetLimit"]["Amount"]) == 75, "limit not updated")
    client.update_notification(
        AccountId=ACCOUNT,
        BudgetName="compat",
        OldNotification=notification,
        NewNotification={**notification, "Threshold": 30.0},
    )
    client.describe_subscribers_for_notification(
        AccountId=ACCOUNT, BudgetName="compat", Notification={**notification, "Threshold": 30.0}
    )
    client.delete_budget(AccountId=ACCOUNT, BudgetName="compat")


@check("kinesis: CreateStream Tags")
def kinesis() -> None:
    client = boto3.client("kinesis")
    client.create_stream(
        StreamName="compat-stream",
        StreamModeDetails={"StreamMode": "ON_DEMAND"},
        Tags={"Project": "p"},
    )
    tags = client.list_tags_for_stream(StreamName="compat-stream")["Tags"]
    expect(tags == [{"Key": "Project", "Value": "p"}], f"tags {tags}")
    client.delete_stream(StreamName="compat-stream")


@check("athena: UpdateWorkGroup")
def athena() -> None:
    client = boto3.client("athena")
    client.create_work_group(
        Name="compat-wg",
        Configuration={
            "ResultConfiguration": {"OutputLocation": "s3://a/"},
            "BytesScannedCutoffPerQuery": 10_000_000,
        },
    )
    client.update_work_group(
        WorkGroup="compat-wg",
        Description="changed",
        ConfigurationUpdates={
            "ResultConfigurationUpdates": {"OutputLocation": "s3://b/"},
            "RemoveBytesScannedCutoffPerQuery": True,
            "PublishCloudWatchMetricsEnabled": True,
        },
    )
    group = client.get_work_group(WorkGroup="compat-wg")["WorkGroup"]
    config = group["Configuration"]
    expect(group.get("Description") == "changed", "description")
    expect(config["ResultConfiguration"]["OutputLocation"] == "s3://b/", "output location")
    expect("BytesScannedCutoffPerQuery" not in config, "cutoff not removed")
    expect(config["PublishCloudWatchMetricsEnabled"] is True, "metrics flag")
    client.delete_work_group(WorkGroup="compat-wg")


@check("apigateway: UpdateMethod, UpdateIntegration")
def apigateway() -> None:
    client = boto3.client("apigateway")
    api = client.create_rest_api(name="compat-api")["id"]
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    client.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(
        restApiId=api,
        resourceId=root,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri="arn:aws:apigateway:us-west-2:lambda:path/2015-03-31/functions/f/invocations",
    )
    method = client.update_method(
        restApiId=api,
        resourceId=root,
        httpMethod="GET",
        patchOperations=[
            {"op": "replace", "path": "/apiKeyRequired", "value": "true"},
            {
                "op": "add",
                "path": "/requestParameters/method.request.querystring.q",
                "value": "false",
            },
        ],
    )
    expect(method["apiKeyRequired"] is True, "apiKeyRequired")
    expect("method.request.querystring.q" in method["requestParameters"], "request parameter")
    integration = client.update_integration(
        restApiId=api,
        resourceId=root,
        httpMethod="GET",
        patchOperations=[{"op": "replace", "path": "/timeoutInMillis", "value": "5000"}],
    )
    expect(integration["timeoutInMillis"] == 5000, f"timeout {integration.get('timeoutInMillis')}")
    client.delete_rest_api(restApiId=api)


@check("iam: Add/RemoveClientIDTo/FromOpenIDConnectProvider")
def iam() -> None:
    client = boto3.client("iam")
    arn = client.create_open_id_connect_provider(
        Url="https://compat.example.com", ClientIDList=["a"], ThumbprintList=["0" * 40]
    )["OpenIDConnectProviderArn"]
    client.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="b")
    client.remove_client_id_from_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, ClientID="a"
    )
    ids = client.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"]
    expect(ids == ["b"], f"client ids {ids}")
    client.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)


@check("lambda: KMSKeyArn, DeadLetterConfig, LoggingConfig, TracingConfig")
def lambda_config() -> None:
    client = boto3.client("lambda")
    iam = boto3.client("iam")
    role = iam.create_role(
        RoleName="compat-fn", AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[]}'
    )["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("bootstrap", "#!/bin/sh\n")
    key = "arn:aws:kms:us-west-2:123456789012:key/00000000-0000-0000-0000-000000000000"
    client.create_function(
        FunctionName="compat-fn",
        Runtime="provided.al2023",
        Handler="bootstrap",
        Role=role,
        Code={"ZipFile": archive.getvalue()},
        KMSKeyArn=key,
        LoggingConfig={"LogFormat": "JSON", "LogGroup": "/aws/lambda/compat-fn"},
    )
    config: dict[str, Any] = client.get_function_configuration(FunctionName="compat-fn")
    expect(config.get("KMSKeyArn") == key, "KMSKeyArn")
    expect(config.get("LoggingConfig", {}).get("LogFormat") == "JSON", "LoggingConfig")
    queue = "arn:aws:sqs:us-west-2:123456789012:compat-dlq"
    client.update_function_configuration(
        FunctionName="compat-fn",
        DeadLetterConfig={"TargetArn": queue},
        TracingConfig={"Mode": "Active"},
        KMSKeyArn="",
    )
    config = client.get_function_configuration(FunctionName="compat-fn")
    expect(config.get("DeadLetterConfig", {}).get("TargetArn") == queue, "DeadLetterConfig")
    expect(config.get("TracingConfig", {}).get("Mode") == "Active", "TracingConfig")
    expect("KMSKeyArn" not in config, "KMSKeyArn not removed")
    client.delete_function(FunctionName="compat-fn")
    iam.delete_role(RoleName="compat-fn")


def main() -> int:
    failed = 0
    for name, func in CHECKS:
        try:
            func()
        except Exception as error:  # report every check, then fail
            failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}")
        else:
            print(f"PASS {name}")
    print(f"{len(CHECKS) - failed}/{len(CHECKS)} compatibility checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
