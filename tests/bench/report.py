"""Turns the figures of one benchmark run into the report that run_bench.sh prints.

Inputs (all written by run_bench.sh in its work directory): the events file, measure.py's JSON
for the engine, for the parser-only reference and for each DuckDB run, duckdb_stats.py's JSON for
each DuckDB run, the engine's captured output, and compare_stats.py's JSON. Output: a Markdown
table (also written to --out) and `key=value` lines.

Events per second are lines of the input file divided by wall time. For the engine that is the
whole `coattail run` process, start to exit (parse, reorder, score, state database, stats
export); for DuckDB it is the SQL from reading the file to the per-wallet aggregates (the
interpreter's start-up and the CSV write are outside it).

The parser-only reference is `coattail validate --in FILE` with no outputs, timed like the engine
(the whole process, on the same core): reading and parsing every line, no engine. The engine's
events/s as a share of it says how much of the physical limit of one core the engine reaches.
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


def _read_outputs(paths: list[Path]) -> dict[str, float]:
    """engine_reported() over the captured outputs that exist."""
    return engine_reported(
        "".join(p.read_text(encoding="utf-8", errors="replace") for p in paths if p.is_file())
    )


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
    """One timed run: `seconds` is the timed work's wall time, `cpu_seconds` its CPU time."""

    label: str
    key: str  # prefix of its key=value lines
    seconds: float
    cpu_seconds: float
    max_rss_mb: float
    load_before: float

    def per_sec(self, events: int) -> float:
        return events / self.seconds if self.seconds > 0 else 0.0

    def per_cpu_sec(self, events: int) -> float:
        return events / self.cpu_seconds if self.cpu_seconds > 0 else 0.0


def _process_run(m: dict[str, Any], label: str, key: str) -> Run:
    """A run timed as a whole process by measure.py."""
    return Run(
        label=label,
        key=key,
        seconds=float(m["wall_seconds"]),
        cpu_seconds=float(m["user_seconds"]) + float(m["sys_seconds"]),
        max_rss_mb=float(m["max_rss_kb"]) / 1024,
        load_before=float(m.get("load_avg_1m_before", float("nan"))),
    )


def _millions(per_sec: float) -> str:
    return f"{per_sec / 1e6:.1f}M"


def reference_share(engine_per_sec: float, reference_per_sec: float) -> tuple[float, str]:
    """The engine's events/s as a fraction of the parser-only reference's, and its report line."""
    share = engine_per_sec / reference_per_sec if reference_per_sec > 0 else 0.0
    line = (
        f"engine at {share * 100:.0f}% of the parser-only reference "
        f"({_millions(engine_per_sec)} vs {_millions(reference_per_sec)} events/s)"
    )
    return share, line


def _duckdb_run(m: dict[str, Any], f: dict[str, Any]) -> Run:
    threads = int(f["threads"])
    return Run(
        label=f"DuckDB {f['duckdb_version']} ({threads} thread{'s' if threads != 1 else ''})",
        key="duckdb_1t" if threads == 1 else "duckdb_all",
        seconds=float(f["seconds"]),
        cpu_seconds=float(f["cpu_seconds"]),
        max_rss_mb=float(m["max_rss_kb"]) / 1024,
        load_before=float(m.get("load_avg_1m_before", float("nan"))),
    )


def _agreement_lines(cmp: dict[str, Any]) -> list[str]:
    return [
        "Agreement of the engine's per-wallet stats with single-threaded DuckDB's "
        f"({cmp['keys_a']} engine rows, {cmp['keys_b']} DuckDB rows): "
        f"{'PASS' if cmp['passed'] else 'FAIL'}",
        f"- keys only in engine / only in DuckDB: {cmp['only_in_a_count']} / "
        f"{cmp['only_in_b_count']}; n mismatches: {cmp['n_mismatch_count']}",
        f"- mean: max abs diff {cmp['max_abs_diff_mean']:.3e}, "
        f"max rel diff {cmp['max_rel_diff_mean']:.3e} (rel. diffs over |values| >= "
        f"{cmp['rel_report_scale']:g}, where the relative bound binds)",
        f"- variance: max abs diff {cmp['max_abs_diff_variance']:.3e}, "
        f"max rel diff {cmp['max_rel_diff_variance']:.3e}",
        f"- tolerance: |a-b| <= max({cmp['rel_tol']:g} * max(|a|,|b|), {cmp['abs_floor']:g}); "
        f"out of tolerance: {cmp['value_mismatch_count']}",
    ]


def build_report(args: argparse.Namespace) -> tuple[str, list[str], bool]:
    events = int(args.events)
    size_mb = args.events_file.stat().st_size / 1e6
    engine = _process_run(_load(args.engine_measure), "engine (coattail run, 1 core)", "engine")
    self_reported = _read_outputs(args.engine_output)
    ducks = [
        _duckdb_run(_load(m), _load(f))
        for m, f in zip(args.duckdb_measure, args.duckdb_figures, strict=True)
    ]
    reference = None
    if args.reference_measure is not None:
        reference = _process_run(
            _load(args.reference_measure),
            "parser-only reference (coattail validate, 1 core)",
            "reference",
        )
    cmp = _load(args.comparison)
    passed = bool(cmp["passed"])
    machine = machine_description()

    md = [
        f"Events: {events:,} lines, {size_mb:,.1f} MB ({args.events_file.name})",
        f"Machine: {machine['cpu']}, {machine['cores']} CPUs, {machine['ram_gib']} GiB RAM; "
        f"{machine['os']}",
        "",
        "| run | wall (s) | events/s | MB/s | CPU (s) | events/CPU-s | peak RSS (MiB) "
        "| load before |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    kv = [f"events={events}", f"file_mb={size_mb:.1f}"]
    runs = [engine, *([] if reference is None else [reference]), *ducks]
    for r in runs:
        md.append(
            f"| {r.label} | {r.seconds:.2f} | {r.per_sec(events):,.0f} | "
            f"{size_mb / r.seconds:,.1f} | {r.cpu_seconds:.2f} | {r.per_cpu_sec(events):,.0f} | "
            f"{r.max_rss_mb:,.0f} | {r.load_before:.2f} |"
        )
        kv += [
            f"{r.key}_wall_s={r.seconds:.3f}",
            f"{r.key}_events_per_sec={r.per_sec(events):.0f}",
            f"{r.key}_mb_per_sec={size_mb / r.seconds:.1f}",
            f"{r.key}_cpu_s={r.cpu_seconds:.3f}",
            f"{r.key}_events_per_cpu_sec={r.per_cpu_sec(events):.0f}",
            f"{r.key}_peak_rss_mb={r.max_rss_mb:.1f}",
        ]
    md.append("")
    kv += [f"engine_reported_{name}={_num(value)}" for name, value in self_reported.items()]
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
    if reference is not None:
        share, line = reference_share(engine.per_sec(events), reference.per_sec(events))
        kv.append(f"engine_share_of_reference={share:.3f}")
        md.append(line)
        checked = _read_outputs(args.reference_output)
        if checked.get("lines_read", events) != events or checked.get("rejected", 0):
            md.append(
                f"WARNING: the parser-only reference did not take every line (lines_read = "
                f"{_num(checked.get('lines_read', -1))}, rejected = "
                f"{_num(checked.get('rejected', 0))})."
            )
    for d in ducks:
        ratio = engine.per_sec(events) / d.per_sec(events)
        cpu_ratio = engine.per_cpu_sec(events) / d.per_cpu_sec(events)
        kv += [
            f"ratio_engine_over_{d.key}={ratio:.2f}",
            f"cpu_ratio_engine_over_{d.key}={cpu_ratio:.2f}",
        ]
        md.append(
            f"Ratio engine events/s / {d.label} events/s on the same work: **{ratio:.2f}x** "
            f"(per CPU-second: {cpu_ratio:.2f}x)"
        )
    md += ["", *_agreement_lines(cmp), ""]
    target_met = engine.per_sec(events) >= _TARGET_EVENTS_PER_SEC
    faster = "not measured"
    if ducks:
        faster = "yes" if engine.per_sec(events) > ducks[0].per_sec(events) else "NO"
    md.append(
        f"Target {_TARGET_EVENTS_PER_SEC:,} events/s end to end: "
        f"{'met' if target_met else 'NOT met'}; faster than single-threaded DuckDB: {faster}"
    )
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
    parser.add_argument(
        "--reference-measure",
        type=Path,
        default=None,
        help="measure.py's JSON of the parser-only reference (coattail validate)",
    )
    parser.add_argument("--reference-output", type=Path, action="append", default=[])
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
