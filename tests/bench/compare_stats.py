"""Compares two per-wallet statistics CSVs (e.g. the engine's --export-stats and DuckDB's).

Agreement: the same set of (wallet, horizon) keys; n equal exactly; mean and variance each within
|a - b| <= max(REL_TOL * max(|a|, |b|), ABS_FLOOR), REL_TOL = 1e-9, ABS_FLOOR = 1e-12.
The floor is for values near 0 (a mean of log returns that nearly cancels, or the variance of
almost equal returns), where a relative bound would only measure the rounding of the summation
order; 1e-12 in log-return units is 1e-8 of a basis point.

Usage: python compare_stats.py ENGINE.csv DUCKDB.csv [--json result.json]
Exit status: 0 agree (PASS), 1 disagree (FAIL), 2 unreadable input.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench_common import StatsKey, StatsTable, read_stats_csv

REL_TOL = 1e-9
ABS_FLOOR = 1e-12
# Relative differences are reported where the relative bound is the binding one: below this scale
# the floor decides, and a relative difference of values around 1e-20 says nothing.
_REL_REPORT_SCALE = ABS_FLOOR / REL_TOL
_MAX_LISTED = 5


@dataclass
class Comparison:
    """Outcome of comparing table `a` (engine) with table `b` (DuckDB)."""

    keys_a: int = 0
    keys_b: int = 0
    only_in_a: list[str] = field(default_factory=list)
    only_in_b: list[str] = field(default_factory=list)
    n_mismatches: list[str] = field(default_factory=list)
    value_mismatches: list[str] = field(default_factory=list)
    max_abs_diff_mean: float = 0.0
    max_rel_diff_mean: float = 0.0
    max_abs_diff_variance: float = 0.0
    max_rel_diff_variance: float = 0.0
    only_in_a_count: int = 0
    only_in_b_count: int = 0
    n_mismatch_count: int = 0
    value_mismatch_count: int = 0

    @property
    def passed(self) -> bool:
        return (
            self.keys_a > 0
            and self.only_in_a_count == 0
            and self.only_in_b_count == 0
            and self.n_mismatch_count == 0
            and self.value_mismatch_count == 0
        )


def within_tolerance(a: float, b: float) -> bool:
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= max(REL_TOL * max(abs(a), abs(b)), ABS_FLOOR)


def _rel(a: float, b: float) -> float:
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale >= _REL_REPORT_SCALE else 0.0


def _key_text(key: StatsKey) -> str:
    return f"{key[0]}@{key[1]}"


def compare(a: StatsTable, b: StatsTable) -> Comparison:
    c = Comparison(keys_a=len(a), keys_b=len(b))
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    c.only_in_a_count, c.only_in_b_count = len(only_a), len(only_b)
    c.only_in_a = [_key_text(k) for k in only_a[:_MAX_LISTED]]
    c.only_in_b = [_key_text(k) for k in only_b[:_MAX_LISTED]]
    for key in sorted(set(a) & set(b)):
        x, y = a[key], b[key]
        if x.n != y.n:
            c.n_mismatch_count += 1
            if len(c.n_mismatches) < _MAX_LISTED:
                c.n_mismatches.append(f"{_key_text(key)}: n {x.n} vs {y.n}")
            continue
        c.max_abs_diff_mean = max(c.max_abs_diff_mean, abs(x.mean - y.mean))
        c.max_rel_diff_mean = max(c.max_rel_diff_mean, _rel(x.mean, y.mean))
        c.max_abs_diff_variance = max(c.max_abs_diff_variance, abs(x.variance - y.variance))
        c.max_rel_diff_variance = max(c.max_rel_diff_variance, _rel(x.variance, y.variance))
        if not (within_tolerance(x.mean, y.mean) and within_tolerance(x.variance, y.variance)):
            c.value_mismatch_count += 1
            if len(c.value_mismatches) < _MAX_LISTED:
                c.value_mismatches.append(
                    f"{_key_text(key)}: mean {x.mean!r} vs {y.mean!r}, "
                    f"variance {x.variance!r} vs {y.variance!r}"
                )
    return c


def report(c: Comparison, name_a: str = "engine", name_b: str = "duckdb") -> str:
    lines = [
        f"keys: {name_a}={c.keys_a} {name_b}={c.keys_b} only_{name_a}={c.only_in_a_count} "
        f"only_{name_b}={c.only_in_b_count}",
        f"n mismatches: {c.n_mismatch_count}",
        f"(max_rel_diff over values >= {_REL_REPORT_SCALE:g}, where the relative bound binds)",
        f"mean: max_abs_diff={c.max_abs_diff_mean:.3e} max_rel_diff={c.max_rel_diff_mean:.3e}",
        f"variance: max_abs_diff={c.max_abs_diff_variance:.3e} "
        f"max_rel_diff={c.max_rel_diff_variance:.3e}",
        f"tolerance: |a-b| <= max({REL_TOL:g} * max(|a|,|b|), {ABS_FLOOR:g}); "
        f"out of tolerance: {c.value_mismatch_count}",
    ]
    for label, items in (
        (f"only in {name_a}", c.only_in_a),
        (f"only in {name_b}", c.only_in_b),
        ("n differs", c.n_mismatches),
        ("value differs", c.value_mismatches),
    ):
        lines.extend(f"  {label}: {item}" for item in items)
    if c.keys_a == 0:
        lines.append(f"  {name_a} has no rows: nothing was compared")
    lines.append("agreement: PASS" if c.passed else "agreement: FAIL")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("engine_csv", type=Path)
    parser.add_argument("duckdb_csv", type=Path)
    parser.add_argument("--json", type=Path, default=None, help="write the comparison here")
    args = parser.parse_args(argv)
    try:
        a = read_stats_csv(args.engine_csv)
        b = read_stats_csv(args.duckdb_csv)
    except (OSError, ValueError) as e:
        print(f"compare_stats: {e}", file=sys.stderr)
        return 2
    c = compare(a, b)
    print(report(c))
    if args.json is not None:
        figures = asdict(c) | {
            "passed": c.passed,
            "rel_tol": REL_TOL,
            "abs_floor": ABS_FLOOR,
            "rel_report_scale": _REL_REPORT_SCALE,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if c.passed else 1


if __name__ == "__main__":
    sys.exit(main())
