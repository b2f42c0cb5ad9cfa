"""Compatibility layer between moto 5.2.1 (server mode) and the Terraform AWS provider.

Each patch closes one gap that the stack in infra/ hits when it is applied to stock moto: an API the
provider calls that moto lacks, or an answer that differs from real AWS in a way the provider acts
on (a waiter that never ends, a perpetual diff). Every patch's docstring names the gap, what real
AWS does and how it is emulated here; infra/README.md ("Emulator gaps") lists them all. The patches
only ever make moto behave more like AWS: nothing in infra/ is bent to suit the emulator.

``apply()`` installs them (idempotent) and must run before the server handles its first request:
moto builds each service's Flask app lazily from the service's url_paths.

Patched state lives on moto's own model objects or backends, so POST /moto-api/reset wipes it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

_LOG = logging.getLogger("coattail.moto_compat")
_PATCHES: list[tuple[str, Callable[[], None]]] = []
_APPLIED: list[str] = []


def _patch(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Registers a patch function under ``name`` (installed by ``apply``)."""

    def register(func: Callable[[], None]) -> Callable[[], None]:
        _PATCHES.append((name, func))
        return func

    return register


def apply() -> list[str]:
    """Installs every patch once; returns their names."""
    if not _APPLIED:
        for name, func in _PATCHES:
            func()
            _APPLIED.append(name)
            _LOG.debug("applied %s", name)
    return list(_APPLIED)


def _json_error(code: str, message: str, status: int = 400) -> tuple[int, dict[str, str], str]:
    """An AWS JSON-protocol error response (the SDKs read __type / code and message)."""
    body = json.dumps({"__type": code, "code": code, "message": message, "Message": message})
    headers = {"status": str(status), "x-amzn-ErrorType": code, "Content-Type": "application/json"}
    return status, headers, body


# -------------------------------------------------------------------------------------------------
# EMR Serverless
# -------------------------------------------------------------------------------------------------

# Application fields the provider sends and reads back that moto's model does not keep.
_EMRS_EXTRA_FIELDS = {
    "architecture": "architecture",
    "imageConfiguration": "image_configuration",
    "workerTypeSpecifications": "worker_type_specifications",
    "interactiveConfiguration": "interactive_configuration",
    "monitoringConfiguration": "monitoring_configuration",
    "runtimeConfiguration": "runtime_configuration",
    "schedulerConfiguration": "scheduler_configuration",
    "identityCenterConfiguration": "identity_center_configuration",
}


@_patch("emr-serverless: create in CREATED, case-insensitive type, keep architecture")
def _emrserverless_create() -> None:
    """Gap: CreateApplication leaves the application STARTED, rejects ``spark`` and drops fields.

    Real AWS: a new application goes CREATING -> CREATED and only starts when a job is submitted
    (auto-start) or StartApplication is called; the provider's create waiter wants CREATED. The
    engine type is accepted in any case (``SPARK``/``Spark``); GetApplication returns the
    ``architecture`` (default X86_64) and the other configuration blocks that were set.
    moto 5.2.1: state STARTED (the provider's waiter fails with "unexpected state 'STARTED'"),
    only upper-case ``SPARK``/``HIVE``, and no ``architecture`` in GetApplication (perpetual
    diff on ``architecture``).
    Emulation: the type is upper-cased before moto validates it, the new application is put in
    CREATED, and architecture (default X86_64) plus the other configuration blocks are stored on
    the model so that moto's serializer returns them.
    """
    from moto.emrserverless.models import EMRServerlessBackend  # noqa: PLC0415
    from moto.emrserverless.responses import EMRServerlessResponse  # noqa: PLC0415

    original_create = EMRServerlessBackend.create_application

    def create_application(self: EMRServerlessBackend, *args: Any, **kwargs: Any) -> Any:
        if isinstance(kwargs.get("application_type"), str):
            kwargs["application_type"] = kwargs["application_type"].upper()
        application = original_create(self, *args, **kwargs)
        application.state = "CREATED"
        application.architecture = "X86_64"
        return application

    EMRServerlessBackend.create_application = create_application  # type: ignore[method-assign]

    original_response_create = EMRServerlessResponse.create_application

    def response_create(self: EMRServerlessResponse) -> Any:
        result = original_response_create(self)
        application = self.emrserverless_backend.applications[result.result["applicationId"]]
        _emrs_store_extra_fields(self, application)
        return result

    EMRServerlessResponse.create_application = response_create  # type: ignore[method-assign]

    original_response_update = EMRServerlessResponse.update_application

    def response_update(self: EMRServerlessResponse) -> Any:
        result = original_response_update(self)
        application = self.emrserverless_backend.applications[self._get_param("applicationId")]
        _emrs_store_extra_fields(self, application)
        return result

    EMRServerlessResponse.update_application = response_update  # type: ignore[method-assign]


def _emrs_store_extra_fields(response: Any, application: Any) -> None:
    for param, attribute in _EMRS_EXTRA_FIELDS.items():
        value = response._get_param(param)
        if value is not None:
            setattr(application, attribute, value)


@_patch("emr-serverless: TagResource / UntagResource / ListTagsForResource")
def _emrserverless_tags() -> None:
    """Gap: the tagging API of EMR Serverless is missing (HTTP 404 on /tags/{resourceArn}).

    Real AWS: POST/DELETE/GET /tags/{resourceArn} add, remove and list an application's tags;
    the provider uses them to update tags in place (and reads them on refresh).
    moto 5.2.1: only the tags given to CreateApplication are kept; any tag change fails with 404.
    Emulation: a route for /tags/{resourceArn} on the EMR Serverless app, handled against the
    application's own ``tags`` dict (unknown ARNs: ResourceNotFoundException).
    """
    from moto.emrserverless import urls  # noqa: PLC0415
    from moto.emrserverless.responses import EMRServerlessResponse  # noqa: PLC0415

    urls.url_paths["{0}/tags/(?P<resourceArn>.+)$"] = EMRServerlessResponse.dispatch

    def find(self: EMRServerlessResponse) -> Any:
        arn = unquote(self.path.split("/tags/", 1)[1].split("?", 1)[0])
        for application in self.emrserverless_backend.applications.values():
            if application.arn == arn:
                return application
        return None

    def not_found(self: EMRServerlessResponse) -> tuple[int, dict[str, str], str]:
        return _json_error(
            "ResourceNotFoundException", f"Resource {self.path} not found", status=404
        )

    def tag_resource(self: EMRServerlessResponse) -> Any:
        application = find(self)
        if application is None:
            return not_found(self)
        body = json.loads(self.body or "{}")
        application.tags.update(body.get("tags") or {})
        return 200, {}, "{}"

    def untag_resource(self: EMRServerlessResponse) -> Any:
        application = find(self)
        if application is None:
            return not_found(self)
        for key in self.querystring.get("tagKeys", []):
            application.tags.pop(key, None)
        return 200, {}, "{}"

    def list_tags_for_resource(self: EMRServerlessResponse) -> Any:
        application = find(self)
        if application is None:
            return not_found(self)
        return 200, {}, json.dumps({"tags": application.tags})

    EMRServerlessResponse.tag_resource = tag_resource  # type: ignore[attr-defined]
    EMRServerlessResponse.untag_resource = untag_resource  # type: ignore[attr-defined]
    EMRServerlessResponse.list_tags_for_resource = (  # type: ignore[attr-defined]
        list_tags_for_resource
    )


# -------------------------------------------------------------------------------------------------
# Budgets
# -------------------------------------------------------------------------------------------------


def _budget_arn(account_id: str, name: str) -> str:
    return f"arn:aws:budgets::{account_id}:budget/{name}"


def _budget_tags(backend: Any) -> dict[str, list[dict[str, str]]]:
    """Tags per budget ARN, kept on the backend (so /moto-api/reset clears them)."""
    if not hasattr(backend, "coattail_tags"):
        backend.coattail_tags = {}
    return backend.coattail_tags  # type: ignore[no-any-return]


def _same_notification(stored: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Budgets identifies a notification by type, operator, threshold and threshold type."""
    return (
        stored.get("NotificationType") == wanted.get("NotificationType")
        and stored.get("ComparisonOperator") == wanted.get("ComparisonOperator")
        and float(stored.get("Threshold", 0)) == float(wanted.get("Threshold", 0))
        and stored.get("ThresholdType", "PERCENTAGE") == wanted.get("ThresholdType", "PERCENTAGE")
    )


@_patch("budgets: resource tags (CreateBudget ResourceTags, Tag/Untag/ListTagsForResource)")
def _budgets_tags() -> None:
    """Gap: Budgets has no tagging API in moto and CreateBudget drops ``ResourceTags``.

    Real AWS: budgets are taggable; CreateBudget takes ResourceTags and ListTagsForResource,
    TagResource and UntagResource work on arn:aws:budgets::ACCOUNT:budget/NAME.
    moto 5.2.1: ListTagsForResource is unknown and answers HTTP 500 with an HTML page; the
    provider retries that for 10+ minutes (with max_retries = 3: fails in seconds).
    Emulation: tags per budget ARN on the Budgets backend; DeleteBudget drops them.
    """
    from moto.budgets.responses import BudgetsResponse  # noqa: PLC0415

    original_create = BudgetsResponse.create_budget
    original_delete = BudgetsResponse.delete_budget

    def create_budget(self: BudgetsResponse) -> str:
        result = original_create(self)
        tags = self._get_param("ResourceTags")
        if tags:
            arn = _budget_arn(self._get_param("AccountId"), self._get_param("Budget")["BudgetName"])
            _budget_tags(self.backend)[arn] = list(tags)
        return result

    def delete_budget(self: BudgetsResponse) -> str:
        result = original_delete(self)
        arn = _budget_arn(self._get_param("AccountId"), self._get_param("BudgetName"))
        _budget_tags(self.backend).pop(arn, None)
        return result

    def list_tags_for_resource(self: BudgetsResponse) -> str:
        arn = self._get_param("ResourceARN")
        return json.dumps({"ResourceTags": _budget_tags(self.backend).get(arn, [])})

    def tag_resource(self: BudgetsResponse) -> str:
        arn = self._get_param("ResourceARN")
        tags = {t["Key"]: t["Value"] for t in _budget_tags(self.backend).get(arn, [])}
        tags.update({t["Key"]: t["Value"] for t in self._get_param("ResourceTags", [])})
        _budget_tags(self.backend)[arn] = [{"Key": k, "Value": v} for k, v in tags.items()]
        return "{}"

    def untag_resource(self: BudgetsResponse) -> str:
        arn = self._get_param("ResourceARN")
        drop = set(self._get_param("ResourceTagKeys", []))
        kept = [t for t in _budget_tags(self.backend).get(arn, []) if t["Key"] not in drop]
        _budget_tags(self.backend)[arn] = kept
        return "{}"

    BudgetsResponse.create_budget = create_budget  # type: ignore[method-assign]
    BudgetsResponse.delete_budget = delete_budget  # type: ignore[method-assign]
    BudgetsResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]
    BudgetsResponse.tag_resource = tag_resource  # type: ignore[attr-defined]
    BudgetsResponse.untag_resource = untag_resource  # type: ignore[attr-defined]


@_patch("budgets: DescribeSubscribersForNotification, Create/Delete/UpdateSubscriber")
def _budgets_subscribers() -> None:
    """Gap: the subscriber API of Budgets is missing.

    Real AWS: DescribeSubscribersForNotification lists a notification's subscribers (the provider
    reads them on every refresh of aws_budgets_budget); CreateSubscriber, DeleteSubscriber and
    UpdateSubscriber change them.
    moto 5.2.1: moto keeps the subscribers given to CreateBudget/CreateNotification but has no
    API to read or change them: HTTP 500, retried by the provider for 10+ minutes.
    Emulation: the four calls work on moto's stored notification (matched like AWS does, by type,
    comparison operator, threshold and threshold type); unknown ones give NotFoundException.
    """
    from moto.budgets.responses import BudgetsResponse  # noqa: PLC0415

    def find(self: BudgetsResponse) -> Any:
        budgets = self.backend.budgets[self._get_param("AccountId")]
        budget = budgets.get(self._get_param("BudgetName"))
        wanted = self._get_param("Notification") or {}
        if budget is not None:
            for notification in budget.notifications:
                if _same_notification(notification.details, wanted):
                    return notification
        return None

    def not_found() -> tuple[int, dict[str, str], str]:
        return _json_error("NotFoundException", "Unable to find the notification or budget.")

    def describe_subscribers_for_notification(self: BudgetsResponse) -> Any:
        notification = find(self)
        if notification is None:
            return not_found()
        return json.dumps({"Subscribers": list(notification.subscribers or [])})

    def create_subscriber(self: BudgetsResponse) -> Any:
        notification = find(self)
        if notification is None:
            return not_found()
        subscriber = self._get_param("Subscriber")
        if subscriber in notification.subscribers:
            return _json_error("DuplicateRecordException", "Subscriber already exists.")
        notification.subscribers.append(subscriber)
        return "{}"

    def delete_subscriber(self: BudgetsResponse) -> Any:
        notification = find(self)
        if notification is None:
            return not_found()
        subscriber = self._get_param("Subscriber")
        notification.subscribers = [s for s in notification.subscribers if s != subscriber]
        return "{}"

    def update_subscriber(self: BudgetsResponse) -> Any:
        notification = find(self)
        if notification is None:
            return not_found()
        old, new = self._get_param("OldSubscriber"), self._get_param("NewSubscriber")
        notification.subscribers = [new if s == old else s for s in notification.subscribers]
        return "{}"

    BudgetsResponse.describe_subscribers_for_notification = (  # type: ignore[attr-defined]
        describe_subscribers_for_notification
    )
    BudgetsResponse.create_subscriber = create_subscriber  # type: ignore[attr-defined]
    BudgetsResponse.delete_subscriber = delete_subscriber  # type: ignore[attr-defined]
    BudgetsResponse.update_subscriber = update_subscriber  # type: ignore[attr-defined]


@_patch("budgets: UpdateBudget, UpdateNotification")
def _budgets_update() -> None:
    """Gap: a budget cannot be changed in place.

    Real AWS: UpdateBudget replaces the budget definition (limit, cost filters, cost types, time
    unit) keeping its name; UpdateNotification changes a notification's threshold or type.
    moto 5.2.1: neither exists (HTTP 500), so changing e.g. budget_limit_usd fails.
    Emulation: UpdateBudget replaces moto's stored budget dict (keeping the time period AWS would
    keep when none is given); UpdateNotification replaces the matched notification's details.
    """
    from moto.budgets.responses import BudgetsResponse  # noqa: PLC0415
    from moto.core.utils import unix_time  # noqa: PLC0415

    def update_budget(self: BudgetsResponse) -> Any:
        budgets = self.backend.budgets[self._get_param("AccountId")]
        new = dict(self._get_param("NewBudget"))
        budget = budgets.get(new.get("BudgetName"))
        if budget is None:
            return _json_error("NotFoundException", f"Unable to update budget: {new}")
        new.setdefault("TimePeriod", budget.budget.get("TimePeriod"))
        new["LastUpdatedTime"] = unix_time()
        budget.budget = new
        return "{}"

    def update_notification(self: BudgetsResponse) -> Any:
        budgets = self.backend.budgets[self._get_param("AccountId")]
        budget = budgets.get(self._get_param("BudgetName"))
        old = self._get_param("OldNotification") or {}
        if budget is not None:
            for notification in budget.notifications:
                if _same_notification(notification.details, old):
                    notification.details = self._get_param("NewNotification")
                    return "{}"
        return _json_error("NotFoundException", "Unable to find the notification or budget.")

    BudgetsResponse.update_budget = update_budget  # type: ignore[attr-defined]
    BudgetsResponse.update_notification = update_notification  # type: ignore[attr-defined]


# -------------------------------------------------------------------------------------------------
# Lambda
# -------------------------------------------------------------------------------------------------

_LAMBDA_KEPT = ("KMSKeyArn", "DeadLetterConfig")


def _lambda_logging(requested: dict[str, Any] | None, function_name: str) -> dict[str, Any]:
    """The LoggingConfig AWS reports: defaults filled in as the Lambda API does."""
    config = dict(requested or {})
    config.setdefault("LogFormat", "Text")
    config.setdefault("LogGroup", f"/aws/lambda/{function_name}")
    if config["LogFormat"] == "JSON":
        config.setdefault("ApplicationLogLevel", "INFO")
        config.setdefault("SystemLogLevel", "INFO")
    return config


@_patch("lambda: KMSKeyArn, DeadLetterConfig, LoggingConfig, TracingConfig updates")
def _lambda_function_config() -> None:
    """Gap: parts of a function's configuration are dropped.

    Real AWS: GetFunction / GetFunctionConfiguration return the KMSKeyArn of the environment
    encryption key and the DeadLetterConfig when set, and always a LoggingConfig (LogFormat Text
    and LogGroup /aws/lambda/NAME by default; with JSON also the application and system log
    levels, INFO by default). UpdateFunctionConfiguration changes all of them and TracingConfig.
    moto 5.2.1: CreateFunction ignores KMSKeyArn, DeadLetterConfig and LoggingConfig and never
    returns them, so every plan wants to set kms_key_arn, dead_letter_config and logging_config
    again; UpdateFunctionConfiguration ignores them and TracingConfig.
    Emulation: the fields are kept on moto's function object, returned by its configuration
    (with AWS's defaults) and changed by UpdateFunctionConfiguration (an empty KMSKeyArn or
    TargetArn removes the setting, as in AWS).
    """
    from moto.awslambda.models import LambdaFunction  # noqa: PLC0415

    original_init = LambdaFunction.__init__
    original_get = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def __init__(  # noqa: N807
        self: LambdaFunction,
        account_id: str,
        spec: dict[str, Any],
        region: str,
        version: str | int = 1,
    ) -> None:
        original_init(self, account_id, spec, region, version)
        kept = {key: spec[key] for key in _LAMBDA_KEPT if spec.get(key)}
        kept["LoggingConfig"] = _lambda_logging(spec.get("LoggingConfig"), self.function_name)
        self.coattail_config = kept

    def get_configuration(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
        config = original_get(self, on_create)
        config.update(getattr(self, "coattail_config", {}))
        return config

    def update_configuration(self: LambdaFunction, updates: dict[str, Any]) -> dict[str, Any]:
        kept = getattr(self, "coattail_config", {})
        if "KMSKeyArn" in updates:
            kept.pop("KMSKeyArn", None)
            if updates["KMSKeyArn"]:
                kept["KMSKeyArn"] = updates["KMSKeyArn"]
        if "DeadLetterConfig" in updates:
            kept.pop("DeadLetterConfig", None)
            if (updates["DeadLetterConfig"] or {}).get("TargetArn"):
                kept["DeadLetterConfig"] = updates["DeadLetterConfig"]
        if "LoggingConfig" in updates:
            merged = {**kept.get("LoggingConfig", {}), **(updates["LoggingConfig"] or {})}
            kept["LoggingConfig"] = _lambda_logging(merged, self.function_name)
        if "TracingConfig" in updates:
            self.tracing_config = updates["TracingConfig"]
        self.coattail_config = kept
        return original_update(self, updates)

    LambdaFunction.__init__ = __init__  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]


# -------------------------------------------------------------------------------------------------
# Kinesis
# -------------------------------------------------------------------------------------------------


@_patch("kinesis: CreateStream Tags")
def _kinesis_create_stream_tags() -> None:
    """Gap: CreateStream ignores ``Tags``.

    Real AWS: tags passed to CreateStream are on the stream from the start.
    moto 5.2.1: they are dropped, so the first plan after apply wants to add every tag again
    (a one-time drift that breaks `plan -detailed-exitcode`).
    Emulation: after moto creates the stream, the request's Tags are added to it.
    """
    from moto.kinesis.responses import KinesisResponse  # noqa: PLC0415

    original = KinesisResponse.create_stream

    def create_stream(self: KinesisResponse) -> Any:
        result = original(self)
        tags = self._get_param("Tags")
        if tags:
            self.kinesis_backend.add_tags_to_stream(
                stream_arn=None, stream_name=self._get_param("StreamName"), tags=tags
            )
        return result

    KinesisResponse.create_stream = create_stream  # type: ignore[method-assign]


# -------------------------------------------------------------------------------------------------
# Athena
# -------------------------------------------------------------------------------------------------


@_patch("athena: UpdateWorkGroup")
def _athena_update_work_group() -> None:
    """Gap: a workgroup cannot be changed in place.

    Real AWS: UpdateWorkGroup takes Description, State and ConfigurationUpdates (the
    configuration's fields, ResultConfigurationUpdates with Remove* switches, and
    RemoveBytesScannedCutoffPerQuery) and changes the workgroup.
    moto 5.2.1: no UpdateWorkGroup (HTTP 500), so any change to aws_athena_workgroup fails.
    Emulation: the updates are merged into moto's stored configuration the way AWS applies them.
    """
    from moto.athena.responses import AthenaResponse  # noqa: PLC0415

    def update_work_group(self: AthenaResponse) -> Any:
        name = self._get_param("WorkGroup")
        group = self.athena_backend.work_groups.get(name)
        if group is None:
            return _json_error("InvalidRequestException", f"WorkGroup {name} is not found.")
        if self._get_param("Description") is not None:
            group.description = self._get_param("Description")
        if self._get_param("State") is not None:
            group.state = self._get_param("State")
        updates = dict(self._get_param("ConfigurationUpdates") or {})
        config = group.configuration
        result_updates = updates.pop("ResultConfigurationUpdates", None) or {}
        result = config.setdefault("ResultConfiguration", {})
        for key in (
            "OutputLocation",
            "EncryptionConfiguration",
            "ExpectedBucketOwner",
            "AclConfiguration",
        ):
            if result_updates.get(f"Remove{key}"):
                result.pop(key, None)
            elif key in result_updates:
                result[key] = result_updates[key]
        if updates.pop("RemoveBytesScannedCutoffPerQuery", False):
            config.pop("BytesScannedCutoffPerQuery", None)
        if updates.pop("RemoveCustomerContentEncryptionConfiguration", False):
            config.pop("CustomerContentEncryptionConfiguration", None)
        config.update(updates)
        return "{}"

    AthenaResponse.update_work_group = update_work_group  # type: ignore[attr-defined]


# -------------------------------------------------------------------------------------------------
# API Gateway
# -------------------------------------------------------------------------------------------------


def _apply_patch_operations(
    target: Any, operations: list[dict[str, str]], fields: dict[str, tuple[str, str]]
) -> None:
    """Applies API Gateway patchOperations to ``target``.

    ``fields`` maps the first path segment (e.g. ``requestParameters``) to (attribute name,
    kind), kind being "str", "bool", "int", "map" (``/field/key``) or "list" (``/field/item``).
    """
    for operation in operations:
        op = operation.get("op")
        parts = operation.get("path", "").lstrip("/").split("/", 1)
        head = parts[0]
        key = parts[1].replace("~1", "/").replace("~0", "~") if len(parts) > 1 else None
        if head not in fields:
            raise ValueError(f"Invalid patch path {operation.get('path')}")
        attribute, kind = fields[head]
        value = operation.get("value")
        if kind == "map":
            current = dict(getattr(target, attribute) or {})
            if key is None:
                raise ValueError(f"Invalid patch path {operation.get('path')}")
            if op == "remove":
                current.pop(key, None)
            else:
                current[key] = value
            setattr(target, attribute, current)
        elif kind == "list":
            items = list(getattr(target, attribute) or [])
            item = key if key is not None else value
            if op == "remove":
                items = [i for i in items if i != item]
            elif item not in items:
                items.append(item)
            setattr(target, attribute, items)
        elif op == "remove":
            setattr(target, attribute, None)
        elif kind == "bool":
            setattr(target, attribute, str(value).lower() == "true")
        elif kind == "int":
            setattr(target, attribute, int(value) if value is not None else None)
        else:
            setattr(target, attribute, value)


_METHOD_FIELDS = {
    "authorizationType": ("authorization_type", "str"),
    "authorizerId": ("authorizer_id", "str"),
    "authorizationScopes": ("authorization_scopes", "list"),
    "apiKeyRequired": ("api_key_required", "bool"),
    "operationName": ("operation_name", "str"),
    "requestValidatorId": ("request_validator_id", "str"),
    "requestParameters": ("request_parameters", "map"),
    "requestModels": ("request_models", "map"),
}

_INTEGRATION_FIELDS = {
    "uri": ("uri", "str"),
    "httpMethod": ("http_method", "str"),
    "type": ("integration_type", "str"),
    "passthroughBehavior": ("passthrough_behaviour", "str"),
    "contentHandling": ("content_handling", "str"),
    "credentials": ("credentials", "str"),
    "connectionType": ("connection_type", "str"),
    "connectionId": ("connection_id", "str"),
    "timeoutInMillis": ("timeout_in_millis", "int"),
    "cacheNamespace": ("cache_namespace", "str"),
    "cacheKeyParameters": ("cache_key_parameters", "list"),
    "requestParameters": ("request_parameters", "map"),
    "requestTemplates": ("request_templates", "map"),
    "tlsConfig": ("tls_config", "str"),
}


@_patch("apigateway: UpdateMethod, UpdateIntegration")
def _apigateway_update_method_integration() -> None:
    """Gap: methods and integrations cannot be changed in place.

    Real AWS: PATCH .../methods/{httpMethod} (UpdateMethod) and .../methods/{httpMethod}/integration
    (UpdateIntegration) apply JSON-patch style ``patchOperations`` (replace/add/remove on
    ``/field`` or ``/mapField/key``) and return the updated object.
    moto 5.2.1: neither exists, so e.g. changing a method's request parameters or an
    integration's timeout fails instead of updating.
    Emulation: the patch operations are applied to moto's Method / Integration objects
    (invalid paths: BadRequestException) and the updated object is returned.
    """
    from moto.apigateway.responses import APIGatewayResponse  # noqa: PLC0415

    def locate(self: APIGatewayResponse) -> tuple[str, str, str]:
        parts = self.path.split("?", 1)[0].split("/")
        return parts[2], parts[4], parts[6]

    def update_method(self: APIGatewayResponse) -> Any:
        api_id, resource_id, http_method = locate(self)
        method = self.backend.get_method(api_id, resource_id, http_method)
        try:
            _apply_patch_operations(
                method, self._get_param("patchOperations") or [], _METHOD_FIELDS
            )
        except ValueError as error:
            return _json_error("BadRequestException", str(error))
        return 200, {}, json.dumps(method.to_json())

    def update_integration(self: APIGatewayResponse) -> Any:
        api_id, resource_id, http_method = locate(self)
        integration = self.backend.get_integration(api_id, resource_id, http_method)
        try:
            _apply_patch_operations(
                integration, self._get_param("patchOperations") or [], _INTEGRATION_FIELDS
            )
        except ValueError as error:
            return _json_error("BadRequestException", str(error))
        return 200, {}, json.dumps(integration.to_json())

    APIGatewayResponse.update_method = update_method  # type: ignore[attr-defined]
    APIGatewayResponse.update_integration = update_integration  # type: ignore[attr-defined]


# -------------------------------------------------------------------------------------------------
# IAM
# -------------------------------------------------------------------------------------------------


@_patch("iam: Add/RemoveClientIDTo/FromOpenIDConnectProvider")
def _iam_oidc_client_ids() -> None:
    """Gap: an OIDC provider's client ids (audiences) cannot be changed in place.

    Real AWS: AddClientIDToOpenIDConnectProvider / RemoveClientIDFromOpenIDConnectProvider add
    or remove one audience (adding an existing one is a no-op).
    moto 5.2.1: both are missing, so changing client_id_list of
    aws_iam_openid_connect_provider fails.
    Emulation: the client id list of moto's provider object is changed (unknown provider:
    NoSuchEntity, as moto's GetOpenIDConnectProvider does).
    """
    from moto.iam.responses import IamResponse  # noqa: PLC0415

    def add_client_id_to_open_id_connect_provider(self: IamResponse) -> str:
        provider = self.backend.get_open_id_connect_provider(
            self._get_param("OpenIDConnectProviderArn")
        )
        client_id = self._get_param("ClientID")
        if client_id not in provider.client_id_list:
            provider.client_id_list.append(client_id)
        return _iam_empty("AddClientIDToOpenIDConnectProvider")

    def remove_client_id_from_open_id_connect_provider(self: IamResponse) -> str:
        provider = self.backend.get_open_id_connect_provider(
            self._get_param("OpenIDConnectProviderArn")
        )
        client_id = self._get_param("ClientID")
        provider.client_id_list = [c for c in provider.client_id_list if c != client_id]
        return _iam_empty("RemoveClientIDFromOpenIDConnectProvider")

    IamResponse.add_client_id_to_open_id_connect_provider = (  # type: ignore[attr-defined]
        add_client_id_to_open_id_connect_provider
    )
    IamResponse.remove_client_id_from_open_id_connect_provider = (  # type: ignore[attr-defined]
        remove_client_id_from_open_id_connect_provider
    )


def _iam_empty(action: str) -> str:
    """The XML body of an IAM action without result."""
    return (
        f'<{action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        "<ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>"
        f"</ResponseMetadata></{action}Response>"
    )
