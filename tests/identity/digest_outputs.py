#!/usr/bin/env python3
"""Prints one `name sha256` line per engine output of a run, in a form that is exact and stable.

The SQLite tables are dumped row by row with every REAL as float.hex(), so two runs digest equal
only when every score is bit-identical. The checkpoint table is left out on purpose: its format may
change (it carries a version), the outputs it leads to may not.
"""

import argparse
import hashlib
import sqlite3
import sys
from pathlib import Path

TABLES = ("wallet_scores", "alerts", "reject_reasons")
# Summary keys that measure the machine or name a path, not the result.
VOLATILE_KEYS = {"seconds", "events_per_sec", "peak_rss_mb", "lines_this_run", "dead_letter"}


def _cell(value: object) -> str:
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, bytes):
        return value.hex()
    return repr(value)


def digest_table(db: Path, table: str) -> str:
    h = hashlib.sha256()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        if not columns:
            raise SystemExit(f"digest_outputs: table {table} is missing from {db}")
        order = ", ".join(columns)
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY {order}"):
            h.update(("\t".join(_cell(v) for v in row) + "\n").encode())
    return h.hexdigest()


def digest_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest_summary(path: Path) -> str:
    kept = []
    for line in path.read_text().splitlines():
        key = line.split("=", 1)[0]
        if "=" in line and key not in VOLATILE_KEYS:
            kept.append(line)
    if not any(k.startswith("lines_read=") for k in kept):
        raise SystemExit(f"digest_outputs: {path} has no lines_read= counter")
    return hashlib.sha256(("\n".join(kept) + "\n").encode()).hexdigest()


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--summary", type=Path, required=True, help="stdout of coattail run")
    p.add_argument("--file", action="append", default=[], metavar="NAME=PATH",
                   help="a file digested byte for byte (alerts, dead letters, stats CSV)")
    args = p.parse_args(argv)
    for table in TABLES:
        print(f"table:{table} {digest_table(args.db, table)}")
    for item in args.file:
        name, _, path = item.partition("=")
        print(f"file:{name} {digest_file(Path(path))}")
    print(f"summary {digest_summary(args.summary)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
