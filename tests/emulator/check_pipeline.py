"""Checks of the engine-on-Kinesis stack hook (stack_hooks/10_engine_on_kinesis.sh).

Reads the hook's work directory (the simulator's truth, the producer's summary, a file run and a
stream run of the same events) and the emulated AWS resources, and fails with a message naming
the first disagreement:

* the producer's counts balance, and the dead-letter stream holds exactly the injected malformed
  lines, each with the reason and raw text the file run's dead-letter file gives it;
* the stream run (killed with SIGKILL after a checkpoint, then resumed) has the file run's counts;
* the alerts table holds exactly the file run's alerts (same ids, same retractions), with the same
  values; the scores table holds one item per wallet and horizon of the file run.

Values are compared exactly: the engine orders events of equal time by content (token, wallet),
not by arrival, and sums across wallets in address order, so a merge of shards and the file they
came from give bit-identical scores. Alert lines also match the file run's byte for byte, except
for `line` (a stream has no file line numbers).
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
from pathlib import Path
from typing import Any

import boto3


class CheckError(Exception):
    """A disagreement, with what was expected and what was found."""


def summary(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key] = value
    return out


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckError(message)


def read_stream(client: Any, stream: str) -> list[bytes]:
    records: list[bytes] = []
    shards = client.list_shards(StreamName=stream)["Shards"]
    for shard in shards:
        iterator = client.get_shard_iterator(
            StreamName=stream, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = client.get_records(ShardIterator=iterator, Limit=1000)
            records.extend(r["Data"] for r in page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records


def scan(client: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": table}
    while True:
        page = client.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def check_producer(work: Path, truth: dict[str, Any], dead_letter_stream: str) -> None:
    produced = summary(work / "produce.txt")
    lines, sent, dead = (int(produced[k]) for k in ("lines_read", "sent", "dead_lettered"))
    expect(lines == sent + dead, f"producer: lines_read {lines} != sent {sent} + dead {dead}")
    injected = sorted(int(n) for n in truth["malformed_lines"])
    expect(dead == len(injected), f"producer dead-lettered {dead}, injected {len(injected)}")

    file_rejects = {}
    for line in (work / "file_rejected.ndjson").read_text().splitlines():
        record = json.loads(line)
        file_rejects[record["line"]] = record
    kinesis = boto3.client("kinesis")
    stream_rejects = {}
    for data in read_stream(kinesis, dead_letter_stream):
        record = json.loads(data)
        expect(record["line"] not in stream_rejects, f"line {record['line']} dead-lettered twice")
        stream_rejects[record["line"]] = record
    expect(
        sorted(stream_rejects) == injected,
        f"dead-letter stream lines {sorted(stream_rejects)} != injected {injected}",
    )
    for number, record in stream_rejects.items():
        expect(record == file_rejects.get(number), f"dead letter {record} != file run's")
    print(
        f"producer: {lines} lines = {sent} sent + {dead} dead-lettered; "
        f"{produced['events_per_record']} events/record, {produced['records_per_call']} "
        "records/call; dead-letter stream = the injected lines, reasons as the file run's"
    )


def check_runs(work: Path) -> None:
    file_run = summary(work / "file_run.txt")
    stream_run = summary(work / "stream_run.txt")
    produced = summary(work / "produce.txt")
    expect(int(stream_run.get("resumed_from_line", "0")) > 0, "the stream run did not resume")
    expect(stream_run["balanced"] == "yes", "stream run: counts do not balance")
    expect(
        stream_run["lines_read"] == produced["sent"],
        f"stream run read {stream_run['lines_read']} events, producer sent {produced['sent']}",
    )
    expect(stream_run["rejected"] == "0", "the stream run rejected events the producer sent")
    for key in (
        "accepted",
        "duplicates",
        "trades",
        "prices",
        "retractions",
        "late",
        "unpriced_trades",
        "evaluations_scheduled",
        "evaluations_resolved",
        "evaluations_cancelled",
        "alerts",
        "alerts_rate_limited",
        "alerts_retracted",
        "wallets",
    ):
        expect(
            file_run[key] == stream_run[key],
            f"{key}: file run {file_run[key]}, stream run {stream_run[key]}",
        )

    def without_line(path: Path) -> list[str]:
        lines = []
        for line in path.read_text().splitlines():
            record = json.loads(line)
            record.pop("line", None)
            lines.append(json.dumps(record, sort_keys=True))
        return lines

    file_alerts = without_line(work / "file_alerts.ndjson")
    stream_alerts = without_line(work / "stream_alerts.ndjson")
    expect(file_alerts == stream_alerts, "the stream run's alert lines differ from the file run's")
    print(
        f"runs: stream run (resumed from event {stream_run['resumed_from_line']}) matches the "
        f"file run: accepted {stream_run['accepted']}, duplicates {stream_run['duplicates']}, "
        f"retractions {stream_run['retractions']}, alerts {stream_run['alerts']}"
    )


def number(item: dict[str, Any], name: str) -> float:
    return float(item[name]["N"]) if name in item else math.nan


def check_tables(work: Path, alerts_table: str, scores_table: str) -> None:
    alerts: dict[str, dict[str, Any]] = {}
    retracted: set[str] = set()
    for line in (work / "file_alerts.ndjson").read_text().splitlines():
        record = json.loads(line)
        if record["type"] == "alert":
            alerts[record["alert_id"]] = record
        else:
            retracted.add(record["alert_id"])
    dynamodb = boto3.client("dynamodb")
    items = {item["alert_id"]["S"]: item for item in scan(dynamodb, alerts_table)}
    expect(set(items) == set(alerts), f"alert ids differ: {set(items) ^ set(alerts)}")
    for alert_id, item in items.items():
        want = alerts[alert_id]
        expect(item["retracted"]["BOOL"] == (alert_id in retracted), f"{alert_id}: retracted flag")
        expect(item["wallet"]["S"] == want["wallet"], f"{alert_id}: wallet")
        expect(item["alert_key"]["S"] == f"{want['t']:013d}#{alert_id}", f"{alert_id}: key")
        for name, field in (
            ("usd_value", "usd"),
            ("shrunk_alpha", "score"),
            ("t_stat", "t_stat"),
            ("q_value", "q"),
            ("effective_n", "n"),
            ("hit_rate", "hit_rate"),
        ):
            if want.get(field) is None:
                expect(name not in item, f"{alert_id}: {name} should be absent")
            else:
                got = number(item, name)
                expect(got == want[field], f"{alert_id}: {name} {got!r} != {want[field]!r}")
    db = sqlite3.connect(work / "file.db")
    rows = {
        (wallet, horizon): (alpha, smart)
        for wallet, horizon, alpha, smart in db.execute(
            "select wallet, horizon_ms, shrunk_alpha, smart_money from wallet_scores"
        )
    }
    scores = scan(dynamodb, scores_table)
    expect(len(scores) == len(rows), f"{len(scores)} score items, file run has {len(rows)} rows")
    for item in scores:
        key = (item["wallet"]["S"], int(item["horizon_ms"]["N"]))
        expect(key in rows, f"score item {key} not in the file run")
        alpha, smart = rows[key]
        got = number(item, "shrunk_alpha")
        expect(got == alpha or (math.isnan(got) and alpha is None), f"{key}: shrunk_alpha")
        expect(("board" in item) == bool(smart), f"{key}: leaderboard membership")
    print(
        f"tables: {len(items)} alerts ({len(retracted)} retracted) and {len(scores)} scores, "
        "exactly the file run's"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--dead-letter-stream", required=True)
    parser.add_argument("--alerts-table", required=True)
    parser.add_argument("--scores-table", required=True)
    args = parser.parse_args()
    truth = json.loads((args.work / "truth.json").read_text())
    try:
        check_producer(args.work, truth, args.dead_letter_stream)
        check_runs(args.work)
        check_tables(args.work, args.alerts_table, args.scores_table)
    except CheckError as error:
        print(f"check_pipeline: FAIL: {error}", file=sys.stderr)
        return 1
    print("check_pipeline: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
