"""Tests of report.py's figures: the parser-only reference line and its place in the report."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

import report


def test_reference_share_line() -> None:
    share, line = report.reference_share(2_400_000, 5_800_000)
    assert share == pytest.approx(2.4 / 5.8)
    assert line == "engine at 41% of the parser-only reference (2.4M vs 5.8M events/s)"


def test_reference_share_rounds_and_handles_a_zero_reference() -> None:
    assert report.reference_share(1_004_999, 1_000_000)[1] == (
        "engine at 100% of the parser-only reference (1.0M vs 1.0M events/s)"
    )
    assert report.reference_share(123_456, 9_876_543)[1] == (
        "engine at 1% of the parser-only reference (0.1M vs 9.9M events/s)"
    )
    assert report.reference_share(1.0, 0.0) == (
        0.0,
        "engine at 0% of the parser-only reference (0.0M vs 0.0M events/s)",
    )


def _measure(path: Path, wall: float, cpu: float) -> Path:
    path.write_text(
        json.dumps(
            {
                "wall_seconds": wall,
                "user_seconds": cpu,
                "sys_seconds": 0.0,
                "max_rss_kb": 10240,
                "load_avg_1m_before": 0.5,
            }
        ),
        encoding="utf-8",
    )
    return path


def _args(tmp_path: Path, events: int, reference_lines: int) -> argparse.Namespace:
    events_file = tmp_path / "events.ndjson"
    events_file.write_bytes(b"x" * 1000)
    comparison = tmp_path / "comparison.json"
    comparison.write_text(
        json.dumps(
            {
                "passed": True,
                "keys_a": 1,
                "keys_b": 1,
                "only_in_a_count": 0,
                "only_in_b_count": 0,
                "n_mismatch_count": 0,
                "max_abs_diff_mean": 0.0,
                "max_rel_diff_mean": 0.0,
                "rel_report_scale": 1e-3,
                "max_abs_diff_variance": 0.0,
                "max_rel_diff_variance": 0.0,
                "rel_tol": 1e-9,
                "abs_floor": 1e-12,
                "value_mismatch_count": 0,
            }
        ),
        encoding="utf-8",
    )
    reference_out = tmp_path / "reference.out"
    reference_out.write_text(
        f"lines_read={reference_lines}\naccepted={reference_lines}\nrejected=0\n"
        "reject_reasons=0\nseconds=1.000\nevents_per_sec=1\n",
        encoding="utf-8",
    )
    return argparse.Namespace(
        events=str(events),
        events_file=events_file,
        # 12M events: the engine in 5 s (2.4M/s), the reference in 2 s (6.0M/s).
        engine_measure=_measure(tmp_path / "engine.json", 5.0, 4.0),
        engine_output=[],
        reference_measure=_measure(tmp_path / "reference.json", 2.0, 2.0),
        reference_output=[reference_out],
        duckdb_measure=[],
        duckdb_figures=[],
        comparison=comparison,
    )


def test_report_has_the_reference_row_and_share(tmp_path: Path) -> None:
    markdown, kv, passed = report.build_report(_args(tmp_path, 12_000_000, 12_000_000))
    assert passed
    assert "engine at 40% of the parser-only reference (2.4M vs 6.0M events/s)" in markdown
    assert "| parser-only reference (coattail validate, 1 core) | 2.00 | 6,000,000 |" in markdown
    assert "reference_events_per_sec=6000000" in kv
    assert "engine_share_of_reference=0.400" in kv
    assert "WARNING: the parser-only reference" not in markdown


def test_report_warns_when_the_reference_read_other_lines(tmp_path: Path) -> None:
    markdown, _, _ = report.build_report(_args(tmp_path, 12_000_000, 11_999_999))
    assert "WARNING: the parser-only reference did not take every line" in markdown


def test_report_without_a_reference_has_no_share(tmp_path: Path) -> None:
    args = _args(tmp_path, 12_000_000, 12_000_000)
    args.reference_measure = None
    markdown, kv, _ = report.build_report(args)
    assert "parser-only reference" not in markdown
    assert not [k for k in kv if k.startswith("reference_")]
