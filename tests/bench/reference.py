"""Slow, literal pure-Python statement of what the benchmark computes (decay off).

It exists to prove the DuckDB SQL in duckdb_stats.py on small files; it is written for clarity, one
definition at a time, and is far too slow for the benchmark itself.

Semantics (the input has only valid events, no duplicates, retractions or late events):
1. Events are ordered by (time, class, line) with class 0 = price of the benchmark token,
   1 = other prices, 2 = trades; time is block_time for trades and time for prices.
2. Per token, over its price rows in that order: for a row i with a previous row i-1 of the same
   token and a benchmark price defined at both rows, y = ln(P_i / P_{i-1}), x = ln(B_i / B_{i-1}),
   where B_i is the benchmark price as of row i in the event order: for another token's row, the
   price of the last benchmark row with time <= t_i (benchmark rows sort first at equal times);
   for a benchmark row, that row itself (so y == x and beta == 1 for the benchmark, also when it
   has several rows at one time). With Sxy, Sxx, n the sums and count up to and including row i:
   beta_i = (Sxy + k*m) / (Sxx + k*m), m = Sxx / n, k = 20; beta_i = 1 when n == 0 or Sxx == 0.
3. A trade (wallet, token T, side s = +1 buy / -1 sell, time t) is evaluated only when P(t), the
   last price of T with time <= t, and B(t) both exist. For each horizon h, due = t + h; the
   evaluation is resolved only when T has a price row with time > due. Then P(due) is the last
   price row of T with time <= due, beta its beta, B(due) the last benchmark price with
   time <= due, and r = s * (ln(P(due) / P(t)) - beta * ln(B(due) / B(t))).
4. Per (wallet, horizon): n, mean and sample variance (n - 1 denominator; 0 when n == 1) of the
   resolved r.
"""

from __future__ import annotations

import bisect
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench_common import (
    BENCHMARK_TOKEN,
    BETA_PRIOR_K,
    HORIZONS_MS,
    StatsTable,
    WalletStats,
    normalize_token,
    normalize_wallet,
)


@dataclass(frozen=True)
class _Price:
    token: str
    time: int
    line: int
    price: float


@dataclass(frozen=True)
class _Trade:
    wallet: str
    token: str
    side: int
    time: int


class _Series:
    """Rows of one token in event order; answers "last row with time <= x" (last line on ties)."""

    def __init__(self, rows: list[_Price]) -> None:
        self.rows = rows
        self.times = [r.time for r in rows]

    def last_at_or_before(self, time: int) -> int | None:
        i = bisect.bisect_right(self.times, time) - 1
        return i if i >= 0 else None

    def has_row_after(self, time: int) -> bool:
        return bool(self.times) and self.times[-1] > time


def _parse(lines: Iterable[str]) -> tuple[list[_Price], list[_Trade]]:
    prices: list[_Price] = []
    trades: list[_Trade] = []
    for line_no, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        obj = json.loads(text)
        if obj["type"] == "price":
            prices.append(
                _Price(
                    normalize_token(obj["token"]),
                    int(obj["time"]),
                    line_no,
                    float(obj["price_usd"]),
                )
            )
        elif obj["type"] == "trade":
            side = {"buy": 1, "sell": -1}[obj["side"]]
            trades.append(
                _Trade(
                    normalize_wallet(obj["wallet"]),
                    normalize_token(obj["token"]),
                    side,
                    int(obj["block_time"]),
                )
            )
        else:
            raise ValueError(f"line {line_no}: unknown type {obj['type']!r}")
    return prices, trades


def _betas(series: _Series, bench: _Series, is_benchmark: bool) -> list[float]:
    """beta_i for every row of `series`, straight from definition 2."""

    def bench_price(row: _Price) -> float | None:
        if is_benchmark:
            return row.price  # the benchmark as of its own row is that row
        j = bench.last_at_or_before(row.time)
        return None if j is None else bench.rows[j].price

    betas: list[float] = []
    sxy = sxx = 0.0
    n = 0
    for i, row in enumerate(series.rows):
        if i > 0:
            prev = series.rows[i - 1]
            b_now, b_prev = bench_price(row), bench_price(prev)
            if b_now is not None and b_prev is not None:
                y = math.log(row.price / prev.price)
                x = math.log(b_now / b_prev)
                sxy += x * y
                sxx += x * x
                n += 1
        if n == 0 or sxx == 0.0:
            betas.append(1.0)
        else:
            m = sxx / n
            betas.append((sxy + BETA_PRIOR_K * m) / (sxx + BETA_PRIOR_K * m))
    return betas


def _mean_and_sample_variance(values: list[float]) -> tuple[float, float]:
    n = len(values)
    mean = math.fsum(values) / n
    if n == 1:
        return mean, 0.0
    return mean, math.fsum((v - mean) ** 2 for v in values) / (n - 1)


def compute_stats(lines: Iterable[str], horizons_ms: tuple[int, ...] = HORIZONS_MS) -> StatsTable:
    """Per-(wallet, horizon) statistics of the resolved forward returns of the events in `lines`."""
    prices, trades = _parse(lines)
    by_token: dict[str, list[_Price]] = defaultdict(list)
    # Sorting by (time, line) within a token is the event order: the class is constant per token.
    for p in sorted(prices, key=lambda p: (p.time, p.line)):
        by_token[p.token].append(p)
    series = {token: _Series(rows) for token, rows in by_token.items()}
    bench = series.get(BENCHMARK_TOKEN, _Series([]))
    betas = {token: _betas(s, bench, token == BENCHMARK_TOKEN) for token, s in series.items()}

    returns: dict[tuple[str, int], list[float]] = defaultdict(list)
    for trade in trades:
        s = series.get(trade.token)
        if s is None:
            continue
        i0 = s.last_at_or_before(trade.time)
        j0 = bench.last_at_or_before(trade.time)
        if i0 is None or j0 is None:
            continue
        p0, b0 = s.rows[i0].price, bench.rows[j0].price
        for h in horizons_ms:
            due = trade.time + h
            if not s.has_row_after(due):
                continue
            i1 = s.last_at_or_before(due)
            j1 = bench.last_at_or_before(due)
            assert i1 is not None and j1 is not None  # due > t, so rows at or before t qualify
            p1, b1 = s.rows[i1].price, bench.rows[j1].price
            beta = betas[trade.token][i1]
            r = trade.side * (math.log(p1 / p0) - beta * math.log(b1 / b0))
            returns[(trade.wallet, h)].append(r)

    table: StatsTable = {}
    for key, values in returns.items():
        mean, variance = _mean_and_sample_variance(values)
        table[key] = WalletStats(n=len(values), mean=mean, variance=variance)
    return table


def compute_stats_from_file(path: Path, horizons_ms: tuple[int, ...] = HORIZONS_MS) -> StatsTable:
    with path.open(encoding="utf-8") as f:
        return compute_stats(f, horizons_ms)
