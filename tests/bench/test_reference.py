"""Proves the benchmark's semantics: the pure-Python reference on hand-computed cases, and the
DuckDB SQL against the reference on the same cases and on generated files; plus the comparison,
measuring and report tools.

Run: tests/bench/run_bench.sh --selftest (pytest in the bench venv). Without duckdb installed,
the SQL tests are skipped and the reference tests still run.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

import pytest

import compare_stats
import measure
import reference
import report
from bench_common import (
    HORIZONS_MS,
    StatsTable,
    WalletStats,
    read_stats_csv,
    write_stats_csv,
)
from gen_events import GenConfig, generate

H = 3_600_000  # the short horizon, 1 h
DAY = 86_400_000
W1 = "0x" + "a1" * 20
W2 = "0x" + "b2" * 20
T0 = 1_767_225_600_000


def price(token: str, time: int, p: float) -> str:
    return json.dumps({"type": "price", "token": token, "time": time, "price_usd": p})


def trade(wallet: str, token: str, side: str, time: int, p: float = 1.0) -> str:
    return json.dumps(
        {
            "type": "trade",
            "chain": "ethereum",
            "block_number": 1,
            "block_time": time,
            "tx_hash": "0x" + f"{time:064x}"[-64:],
            "log_index": 0,
            "wallet": wallet,
            "token": token,
            "side": side,
            "amount": 2.0,
            "price_usd": p,
            "usd_value": 2.0 * p,
        }
    )


def duckdb_stats_of(lines: list[str], tmp_path: Path, threads: int = 1) -> StatsTable:
    pytest.importorskip("duckdb")
    import duckdb_stats  # noqa: PLC0415  (only when duckdb is installed)

    path = tmp_path / "events.ndjson"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    table, run = duckdb_stats.compute_stats(path, threads=threads)
    assert run.events == len(lines)
    return table


def assert_tables_agree(a: StatsTable, b: StatsTable) -> None:
    assert set(a) == set(b)
    for key in a:
        assert a[key].n == b[key].n, key
        assert compare_stats.within_tolerance(a[key].mean, b[key].mean), (key, a[key], b[key])
        assert compare_stats.within_tolerance(a[key].variance, b[key].variance), (
            key,
            a[key],
            b[key],
        )


# --- Hand-computed cases, each checked in the reference and in DuckDB. ----------------------------

# Benchmark flat, token up 10% an hour: beta stays 1 (Sxx == 0) and r = ln 1.1. The day horizon
# never resolves (no token price after t + 1 day).
CASE_FLAT_BENCHMARK = [
    price("ETH", T0, 2000.0),
    price("TOK", T0, 1.0),
    trade(W1, "TOK", "buy", T0),
    price("ETH", T0 + 2 * H, 2000.0),
    price("TOK", T0 + H, 1.1),
    price("TOK", T0 + 2 * H, 1.21),
]
EXPECTED_FLAT_BENCHMARK = {(W1, H): WalletStats(1, math.log(1.1), 0.0)}


def _shrunk_betas() -> tuple[float, float]:
    """beta of TOK's rows at T0+H and T0+2H in CASE_BETA, from definition 2 by hand."""
    x1, y1 = math.log(110 / 100), math.log(12 / 10)
    beta_h = (x1 * y1 + 20 * x1 * x1) / (x1 * x1 + 20 * x1 * x1)  # n = 1, m = Sxx
    x2, y2 = math.log(99 / 110), math.log(9 / 12)
    sxy, sxx = x1 * y1 + x2 * y2, x1 * x1 + x2 * x2
    beta_2h = (sxy + 20 * sxx / 2) / (sxx + 20 * sxx / 2)  # n = 2, m = Sxx / 2
    return beta_h, beta_2h


CASE_BETA = [
    price("ETH", T0, 100.0),
    price("TOK", T0, 10.0),
    price("ETH", T0 + H, 110.0),
    price("TOK", T0 + H, 12.0),
    price("ETH", T0 + 2 * H, 99.0),
    price("TOK", T0 + 2 * H, 9.0),
    price("ETH", T0 + 3 * H, 99.0),
    price("TOK", T0 + 3 * H, 9.0),
    # Sell between rows: P(t) = 10, B(t) = 100; due = T0 + 1.5 h: P = 12, beta of the H row, B =
    # 110.
    trade(W1, "TOK", "sell", T0 + H // 2),
    # Buy at the same time as prices (prices come first): P(t) = 12, B(t) = 110; due = T0 + 2 h
    # takes the rows at exactly due: P = 9, beta of the 2H row, B = 99.
    trade(W1, "TOK", "buy", T0 + H),
    # due = T0 + 3 h is TOK's last price time: no row strictly after due, so unresolved.
    trade(W1, "TOK", "buy", T0 + 2 * H),
]


def _expected_beta_case() -> StatsTable:
    beta_h, beta_2h = _shrunk_betas()
    r1 = -1.0 * (math.log(12 / 10) - beta_h * math.log(110 / 100))
    r2 = math.log(9 / 12) - beta_2h * math.log(99 / 110)
    mean = (r1 + r2) / 2
    variance = (r1 - mean) ** 2 + (r2 - mean) ** 2  # / (n - 1) with n = 2
    return {(W1, H): WalletStats(2, mean, variance)}


# Trades that are never evaluated: before the first benchmark price, before the token's first price,
# on a token without prices. W2's trade at T0 + 10 min is evaluated at both horizons; its wallet is
# written in upper case and must aggregate with the lower-case spelling.
CASE_NOT_EVALUATED = [
    trade(W2, "TOK", "buy", T0 - 1),
    price("TOK", T0 - 1000, 4.0),
    price("ETH", T0, 1000.0),
    trade(W1, "NOPRICE", "buy", T0 + 60_000),
    trade(W2.upper().replace("0X", "0x"), "TOK", "sell", T0 + 600_000),
    price("OTHER", T0 + 100, 1.0),
    trade(W1, "OTHER", "buy", T0 + 50),
    price("TOK", T0 + 2 * DAY, 5.0),
    price("ETH", T0 + 2 * DAY, 1000.0),
    price("TOK", T0 + 2 * DAY + 1, 5.0),
]
# For W2's sell at T0 + 10 min: P(t) = 4 (row T0 - 1000), B(t) = 1000. Both horizons end before
# T0 + 2 days, so P(due) = 4 and B(due) = 1000: r = 0 at both. The TOK row at T0 - 1000 has no
# previous row, so beta = 1 (n == 0); it is irrelevant here since the benchmark does not move.
EXPECTED_NOT_EVALUATED = {
    (W2, H): WalletStats(1, 0.0, 0.0),
    (W2, DAY): WalletStats(1, 0.0, 0.0),
}


# Lines written out of time order with ties: at T0 + H the trade comes first in the file, then the
# token price, then the benchmark price. The event order puts the benchmark first, then other
# prices, then trades, so the trade sees P(t) = 2 and B(t) = 200.
CASE_ORDER = [
    price("ETH", T0 + 2 * H, 220.0),
    price("TOK", T0 + 2 * H, 2.5),
    trade(W1, "TOK", "buy", T0 + H),
    price("TOK", T0 + H, 2.0),
    price("ETH", T0 + H, 200.0),
    price("TOK", T0, 1.0),
    price("ETH", T0, 100.0),
    price("TOK", T0 + 3 * H, 2.5),
]


def _expected_order_case() -> StatsTable:
    # TOK rows: T0 (beta 1), T0+H: x = ln 2, y = ln 2 -> beta = 1; T0+2H: x = ln 1.1, y = ln 1.25.
    x1 = y1 = math.log(2.0)
    x2, y2 = math.log(1.1), math.log(1.25)
    sxy, sxx = x1 * y1 + x2 * y2, x1 * x1 + x2 * x2
    beta = (sxy + 20 * sxx / 2) / (sxx + 20 * sxx / 2)
    r = math.log(2.5 / 2.0) - beta * math.log(220.0 / 200.0)
    return {(W1, H): WalletStats(1, r, 0.0)}


HAND_CASES = {
    "flat_benchmark": (CASE_FLAT_BENCHMARK, EXPECTED_FLAT_BENCHMARK),
    "shrunk_beta": (CASE_BETA, _expected_beta_case()),
    "not_evaluated": (CASE_NOT_EVALUATED, EXPECTED_NOT_EVALUATED),
    "order_and_ties": (CASE_ORDER, _expected_order_case()),
}


def assert_matches_expected(table: StatsTable, expected: StatsTable) -> None:
    assert set(table) == set(expected)
    for key, want in expected.items():
        got = table[key]
        assert got.n == want.n, key
        assert got.mean == pytest.approx(want.mean, rel=1e-12, abs=1e-15), key
        assert got.variance == pytest.approx(want.variance, rel=1e-12, abs=1e-15), key


@pytest.mark.parametrize("name", sorted(HAND_CASES))
def test_reference_hand_cases(name: str) -> None:
    lines, expected = HAND_CASES[name]
    assert_matches_expected(reference.compute_stats(lines), expected)


@pytest.mark.parametrize("name", sorted(HAND_CASES))
def test_duckdb_hand_cases(name: str, tmp_path: Path) -> None:
    lines, expected = HAND_CASES[name]
    assert_matches_expected(duckdb_stats_of(lines, tmp_path), expected)


def test_beta_shrinkage_numbers_are_not_trivial() -> None:
    # Guards the hand case itself: both betas must differ from 1 and from the raw OLS slope, or the
    # case would not distinguish the prior from its absence.
    beta_h, beta_2h = _shrunk_betas()
    raw_h = math.log(1.2) / math.log(1.1)
    assert abs(beta_h - 1.0) > 1e-3 and abs(beta_h - raw_h) > 1e-3
    assert abs(beta_2h - 1.0) > 1e-3


def test_benchmark_token_beta_is_one(tmp_path: Path) -> None:
    # Trading the benchmark itself: y == x on every row, so beta == 1 and r == 0 exactly.
    lines = [price("ETH", T0 + i * H, 100.0 * (1.0 + 0.1 * i)) for i in range(4)]
    lines.append(trade(W1, "ETH", "buy", T0))
    want = {(W1, H): WalletStats(1, 0.0, 0.0)}
    assert_matches_expected(reference.compute_stats(lines), want)
    assert_matches_expected(duckdb_stats_of(lines, tmp_path), want)


def test_same_time_duplicate_prices_use_last_line(tmp_path: Path) -> None:
    # Two TOK rows at T0 + H: the later line is "the last price row with time <= x". The second row
    # pairs with the first: x = ln(B/B) = 0, y = ln(3/2), which adds to n but not to Sxx.
    lines = [
        price("ETH", T0, 100.0),
        price("TOK", T0, 1.0),
        price("ETH", T0 + H, 150.0),
        price("TOK", T0 + H, 2.0),
        price("TOK", T0 + H, 3.0),
        price("TOK", T0 + 2 * H, 3.0),
        trade(W1, "TOK", "buy", T0),
    ]
    x1, y1 = math.log(1.5), math.log(2.0)
    sxy, sxx, n = x1 * y1, x1 * x1, 2
    beta = (sxy + 20 * sxx / n) / (sxx + 20 * sxx / n)
    r = math.log(3.0 / 1.0) - beta * math.log(150.0 / 100.0)
    want = {(W1, H): WalletStats(1, r, 0.0)}
    assert_matches_expected(reference.compute_stats(lines), want)
    assert_matches_expected(duckdb_stats_of(lines, tmp_path), want)


# --- DuckDB against the reference on generated data. ----------------------------------------------


def _random_events(seed: int) -> list[str]:
    """Coarse times (many ties), several tokens, trades before, between and after prices."""
    rng = random.Random(seed)
    tokens = ["ETH", "AAA", "BBB", "0xAbCdEf0123456789abcdef0123456789ABCDEF01"]
    wallets = [W1, W2, "0x" + "C3" * 20]
    lines: list[str] = []
    for _ in range(400):
        t = T0 + rng.randrange(0, 60) * 1_800_000
        if rng.random() < 0.6:
            lines.append(price(rng.choice(tokens), t, math.exp(rng.gauss(0.0, 0.3))))
        else:
            lines.append(
                trade(rng.choice(wallets), rng.choice(tokens), rng.choice(["buy", "sell"]), t)
            )
    # A late price so that both horizons can resolve for most trades.
    lines += [price(tok, T0 + 3 * DAY, 1.0) for tok in tokens]
    rng.shuffle(lines)
    return lines


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_duckdb_matches_reference_on_random_ties(seed: int, tmp_path: Path) -> None:
    lines = _random_events(seed)
    ref = reference.compute_stats(lines)
    assert len(ref) >= 4  # both horizons resolve for several wallets
    assert any(s.n > 1 for s in ref.values())
    assert_tables_agree(ref, duckdb_stats_of(lines, tmp_path))


@pytest.mark.parametrize("threads", [1, 2])
def test_duckdb_matches_reference_on_generated_stream(threads: int, tmp_path: Path) -> None:
    path = tmp_path / "gen.ndjson"
    with path.open("w", encoding="utf-8") as f:
        count = generate(GenConfig(seed=7, days=3, tokens=3, wallets=12, trades=1500), f)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert count == len(lines)
    ref = reference.compute_stats(lines)
    assert {h for _, h in ref} == set(HORIZONS_MS)
    assert_tables_agree(ref, duckdb_stats_of(lines, tmp_path, threads=threads))


def test_generated_stream_is_valid_and_bounded_in_disorder(tmp_path: Path) -> None:
    path = tmp_path / "gen.ndjson"
    cfg = GenConfig(seed=3, days=1, tokens=2, wallets=5, trades=300, disorder_ms=30_000)
    with path.open("w", encoding="utf-8") as f:
        generate(cfg, f)
    max_time = -1
    for text in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(text)
        t = obj["block_time"] if obj["type"] == "trade" else obj["time"]
        assert t >= max_time - cfg.disorder_ms  # never later than the bound behind the newest event
        max_time = max(max_time, t)
        if obj["type"] == "trade":
            assert len(obj["tx_hash"]) == 66 and len(obj["wallet"]) == 42
            assert obj["side"] in ("buy", "sell")
            assert (
                abs(obj["usd_value"] - obj["amount"] * obj["price_usd"]) <= 0.005 * obj["usd_value"]
            )


# --- Comparison, CSV, measuring and report tools. -------------------------------------------------


def test_tolerance_is_relative_with_absolute_floor() -> None:
    assert compare_stats.within_tolerance(1.0, 1.0 + 0.9e-9)
    assert not compare_stats.within_tolerance(1.0, 1.0 + 2e-9)
    assert compare_stats.within_tolerance(1e-14, -1e-14)  # under the 1e-12 floor
    assert not compare_stats.within_tolerance(0.0, 3e-12)
    assert not compare_stats.within_tolerance(float("nan"), float("nan"))


def test_compare_flags_missing_keys_n_and_values() -> None:
    base = {(W1, H): WalletStats(3, 0.01, 0.002), (W2, H): WalletStats(1, -0.5, 0.0)}
    assert compare_stats.compare(base, dict(base)).passed
    missing = compare_stats.compare(base, {(W1, H): base[(W1, H)]})
    assert not missing.passed and missing.only_in_a_count == 1
    n_off = compare_stats.compare(base, base | {(W2, H): WalletStats(2, -0.5, 0.0)})
    assert not n_off.passed and n_off.n_mismatch_count == 1
    value_off = compare_stats.compare(
        base, base | {(W1, H): WalletStats(3, 0.01 * (1 + 1e-7), 0.002)}
    )
    assert not value_off.passed and value_off.value_mismatch_count == 1
    assert value_off.max_rel_diff_mean == pytest.approx(1e-7, rel=1e-3)
    assert not compare_stats.compare({}, {}).passed  # nothing compared is not agreement


def test_stats_csv_round_trip_keeps_17_digits(tmp_path: Path) -> None:
    table = {(W1, DAY): WalletStats(7, 0.1 + 0.2, 1.0 / 3.0)}
    path = tmp_path / "s.csv"
    write_stats_csv(path, table)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "wallet,horizon_ms,n,mean,variance"
    assert read_stats_csv(path) == table


def test_stats_csv_rejects_wrong_header(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("wallet,h,n,mean,var\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_stats_csv(path)


def test_measure_reports_rss_and_kills_on_timeout() -> None:
    grow = "b = bytearray(64 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"
    m = measure.run([sys.executable, "-c", grow], timeout=60)
    assert m.exit_code == 0 and not m.timed_out
    assert m.max_rss_kb >= 64 * 1024
    slow = measure.run([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert slow.timed_out and slow.exit_code == 124
    assert slow.wall_seconds < 10


def test_engine_summary_parsing() -> None:
    text = (
        "lines_read=10000000\naccepted=9999998\nrejected=2\nbalanced=yes\n"
        "rejected[bad_json]=2\ndead_letter=/tmp/x\nseconds=4.250\nevents_per_sec=2352941\n"
        "peak_rss_mb=123.5\nprogress 50%\n"
    )
    assert report.engine_reported(text) == {
        "lines_read": 10_000_000.0,
        "accepted": 9_999_998.0,
        "rejected": 2.0,
        "seconds": 4.25,
        "events_per_sec": 2_352_941.0,
        "peak_rss_mb": 123.5,
    }


def test_benchmark_rows_at_one_time_pair_with_themselves(tmp_path: Path) -> None:
    # Two ETH rows at one time: each benchmark row's benchmark price is itself, so x == y on every
    # pair and beta stays 1; a trade of ETH then has r == 0 at both horizons.
    lines = [
        price("ETH", T0, 1.1),
        trade(W1, "ETH", "sell", T0 + H),
        price("ETH", T0 + 4 * H, 1.05),
        price("ETH", T0 + 4 * H, 1.6),
        price("ETH", T0 + 2 * DAY, 1.0),
    ]
    want = {(W1, H): WalletStats(1, 0.0, 0.0), (W1, DAY): WalletStats(1, 0.0, 0.0)}
    assert_matches_expected(reference.compute_stats(lines), want)
    assert_matches_expected(duckdb_stats_of(lines, tmp_path), want)
