"""Turns the figures of one benchmark run into the report that run_bench.sh prints.

Inputs (all written by run_bench.sh in its work directory): the events file, measure.py's JSON
for the engine and for each DuckDB run, duckdb_stats.py's JSON for each DuckDB run, the engine's
captured output, and compare_stats.py's JSON. Output: a Markdown table (also written to --out)
and `key=value` lines.

Events per second are lines of the input file divided by wall time. For the engine that is the
whole `coattail run` process, start to exit (parse, reorder, score, state database, stats
export); for DuckDB it is the SQL from reading the file to the per-wallet aggregates (the
interpreter's start-up and the CSV write are outside it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TARGET_EVENTS_PER_SEC = 2_000_000


def _num(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


# The lines of `coattail run`'s summary (one `name=value` a line) that the report repeats.
ENGINE_SUMMARY_KEYS = (
    "lines_read",
    "accepted",
    "rejected",
    "late",
    "duplicates",
    "evaluations_resolved",
    "wallets",
    "seconds",
    "events_per_sec",
    "peak_rss_mb",
)


def engine_reported(text: str) -> dict[str, float]:
    """The numeric `name=value` lines of the engine's summary that are in ENGINE_SUMMARY_KEYS."""
    found: dict[str, float] = {}
    for m in re.finditer(r"^\s*([A-Za-z_]+)\s*=\s*([-+0-9.eE]+)\s*$", text, re.MULTILINE):
        if m.group(1) in ENGINE_SUMMARY_KEYS:
            with contextlib.suppress(ValueError):
                found[m.group(1)] = float(m.group(2))
    return found


def machine_description() -> dict[str, str]:
    info = {"cpu": platform.processor() or platform.machine(), "cores": "?", "ram_gib": "?"}
    try:
        lscpu = subprocess.run(
            ["lscpu"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
        for line in lscpu.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                info["cpu"] = value.strip()
            elif key.strip() == "CPU(s)":
                info["cores"] = value.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                info["ram_gib"] = f"{int(line.split()[1]) / 1024 / 1024:.1f}"
    except OSError:
        pass
    info["os"] = platform.platform()
    return info


@dataclass(frozen=True)
class Run:
    label: str
    wall_seconds: float
    work_seconds: float
    events_per_sec: float
    max_rss_mb: float


def build_report(args: argparse.Namespace) -> tuple[str, list[str], bool]:
    events = int(args.events)
    size_mb = args.events_file.stat().st_size / 1e6
    engine_m = _load(args.engine_measure)
    engine_text = ""
    for p in args.engine_output:
        if p.is_file():
            engine_text += p.read_text(encoding="utf-8", errors="replace")
    self_reported = engine_reported(engine_text)
    engine_wall = float(engine_m["wall_seconds"])
    engine_run = Run(
        "engine (coattail run, 1 core)",
        engine_wall,
        engine_wall,
        events / engine_wall,
        engine_m["max_rss_kb"] / 1024,
    )
    runs = [engine_run]
    duck_runs: list[Run] = []
    for measure_path, figures_path in zip(args.duckdb_measure, args.duckdb_figures, strict=True):
        m = _load(measure_path)
        f = _load(figures_path)
        plural = "s" if f["threads"] != 1 else ""
        r = Run(
            f"DuckDB {f['duckdb_version']} ({f['threads']} thread{plural})",
            float(m["wall_seconds"]),
            float(f["seconds"]),
            events / float(f["seconds"]),
            m["max_rss_kb"] / 1024,
        )
        duck_runs.append(r)
        runs.append(r)
    cmp = _load(args.comparison)
    passed = bool(cmp["passed"])
    machine = machine_description()

    md = [
        f"Events: {events:,} lines, {size_mb:,.1f} MB ({args.events_file.name})",
        f"Machine: {machine['cpu']}, {machine['cores']} CPUs, {machine['ram_gib']} GiB RAM; "
        f"{machine['os']}",
        "",
        "| run | timed work (s) | events/s | MB/s | peak RSS (MiB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in runs:
        md.append(
            f"| {r.label} | {r.work_seconds:.2f} | {r.events_per_sec:,.0f} | "
            f"{size_mb / r.work_seconds:,.1f} | {r.max_rss_mb:,.0f} |"
        )
    kv = [
        f"events={events}",
        f"file_mb={size_mb:.1f}",
        f"engine_wall_s={engine_wall:.3f}",
        f"engine_events_per_sec={engine_run.events_per_sec:.0f}",
        f"engine_mb_per_sec={size_mb / engine_wall:.1f}",
        f"engine_peak_rss_mb={engine_run.max_rss_mb:.1f}",
        f"engine_user_s={float(engine_m['user_seconds']):.3f}",
        f"engine_sys_s={float(engine_m['sys_seconds']):.3f}",
    ]
    for name, value in self_reported.items():
        kv.append(f"engine_{name}={_num(value)}")
    md.append("")
    if self_reported:
        md.append(
            "Engine's own summary: " + ", ".join(f"{k}={_num(v)}" for k, v in self_reported.items())
        )
    not_scored = self_reported.get("rejected", 0) + self_reported.get("late", 0)
    if not_scored or self_reported.get("lines_read", events) != events:
        md.append(
            f"WARNING: the engine did not take every line as a valid event (rejected + late = "
            f"{_num(not_scored)}, lines_read = {_num(self_reported.get('lines_read', -1))}); "
            "the benchmark file should hold only valid, timely events."
        )
    if duck_runs:
        single = duck_runs[0]
        ratio = engine_run.events_per_sec / single.events_per_sec
        kv += [
            f"duckdb_1t_s={single.work_seconds:.3f}",
            f"duckdb_1t_events_per_sec={single.events_per_sec:.0f}",
            f"duckdb_1t_peak_rss_mb={single.max_rss_mb:.1f}",
            f"ratio_engine_over_duckdb_1t={ratio:.2f}",
        ]
        md.append(
            f"Ratio engine events/s / {single.label} events/s on the same work: **{ratio:.2f}x**"
        )
        for other in duck_runs[1:]:
            other_ratio = engine_run.events_per_sec / other.events_per_sec
            kv += [
                f"duckdb_all_threads={other.label}",
                f"duckdb_all_s={other.work_seconds:.3f}",
                f"duckdb_all_events_per_sec={other.events_per_sec:.0f}",
                f"ratio_engine_over_duckdb_all={other_ratio:.2f}",
            ]
            md.append(f"Ratio against {other.label}: {other_ratio:.2f}x")
    md += [
        "",
        "Agreement of the engine's per-wallet stats with DuckDB's "
        f"({cmp['keys_a']} engine rows, {cmp['keys_b']} DuckDB rows): "
        f"{'PASS' if passed else 'FAIL'}",
        f"- keys only in engine / only in DuckDB: {cmp['only_in_a_count']} / "
        f"{cmp['only_in_b_count']}; n mismatches: {cmp['n_mismatch_count']}",
        f"- mean: max abs diff {cmp['max_abs_diff_mean']:.3e}, "
        f"max rel diff {cmp['max_rel_diff_mean']:.3e}",
        f"- variance: max abs diff {cmp['max_abs_diff_variance']:.3e}, "
        f"max rel diff {cmp['max_rel_diff_variance']:.3e}",
        f"- tolerance: |a-b| <= max({cmp['rel_tol']:g} * max(|a|,|b|), {cmp['abs_floor']:g})",
        "",
        f"Target {_TARGET_EVENTS_PER_SEC:,} events/s end to end: "
        f"{'met' if engine_run.events_per_sec >= _TARGET_EVENTS_PER_SEC else 'NOT met'}; "
        "faster than single-threaded DuckDB: "
        + (
            ("yes" if engine_run.events_per_sec > duck_runs[0].events_per_sec else "NO")
            if duck_runs
            else "not measured"
        ),
    ]
    kv += [
        f"agreement={'PASS' if passed else 'FAIL'}",
        f"max_abs_diff_mean={cmp['max_abs_diff_mean']:.3e}",
        f"max_rel_diff_mean={cmp['max_rel_diff_mean']:.3e}",
        f"max_abs_diff_variance={cmp['max_abs_diff_variance']:.3e}",
        f"max_rel_diff_variance={cmp['max_rel_diff_variance']:.3e}",
    ]
    return "\n".join(md) + "\n", kv, passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--events", required=True, help="number of lines in the events file")
    parser.add_argument("--events-file", type=Path, required=True)
    parser.add_argument("--engine-measure", type=Path, required=True)
    parser.add_argument("--engine-output", type=Path, action="append", default=[])
    parser.add_argument("--duckdb-measure", type=Path, action="append", default=[])
    parser.add_argument("--duckdb-figures", type=Path, action="append", default=[])
    parser.add_argument("--comparison", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    args = parser.parse_args(argv)
    if len(args.duckdb_measure) != len(args.duckdb_figures):
        parser.error("--duckdb-measure and --duckdb-figures must pair up")
    markdown, kv, passed = build_report(args)
    if args.out is not None:
        args.out.write_text(markdown, encoding="utf-8")
    print(markdown)
    print("\n".join(kv))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
