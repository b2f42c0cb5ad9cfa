"""Definitions shared by the benchmark's reference, DuckDB and comparison tools.

The per-wallet statistics file is the engine's `--export-stats` CSV:
`wallet,horizon_ms,n,mean,variance`, one row per (wallet, horizon) with n >= 1 resolved evaluations,
variance the sample variance (n - 1 denominator, 0 when n == 1).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

# The scoring parameters the engine uses by default and the benchmark reproduces.
BENCHMARK_TOKEN = "ETH"
HORIZONS_MS: tuple[int, ...] = (3_600_000, 86_400_000)
BETA_PRIOR_K = 20.0

STATS_HEADER = ("wallet", "horizon_ms", "n", "mean", "variance")


@dataclass(frozen=True)
class WalletStats:
    """Resolved-return statistics of one wallet at one horizon."""

    n: int
    mean: float
    variance: float


StatsKey = tuple[str, int]
StatsTable = dict[StatsKey, WalletStats]


def normalize_wallet(wallet: str) -> str:
    """Wallet addresses are case-insensitive; compare them in lower case."""
    return wallet.lower()


def normalize_token(token: str) -> str:
    """Contract addresses (0x + 40 hex) are case-insensitive; symbols are kept as written."""
    return token.lower() if token.startswith(("0x", "0X")) else token


def read_stats_csv(path: Path) -> StatsTable:
    """Reads a stats CSV; raises ValueError on a malformed header, row or duplicate key."""
    table: StatsTable = {}
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != STATS_HEADER:
            raise ValueError(f"{path}: header {header!r}, expected {','.join(STATS_HEADER)}")
        for line_no, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(STATS_HEADER):
                raise ValueError(
                    f"{path}:{line_no}: {len(row)} fields, expected {len(STATS_HEADER)}"
                )
            key = (normalize_wallet(row[0].strip()), int(row[1]))
            if key in table:
                raise ValueError(f"{path}:{line_no}: duplicate key {key}")
            table[key] = WalletStats(n=int(row[2]), mean=float(row[3]), variance=float(row[4]))
    return table


def write_stats_csv(path: Path, table: StatsTable) -> None:
    """Writes a stats CSV with 17 significant digits, sorted by (wallet, horizon)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(STATS_HEADER)
        for (wallet, horizon), s in sorted(table.items()):
            writer.writerow([wallet, horizon, s.n, f"{s.mean:.17g}", f"{s.variance:.17g}"])
