"""The benchmark's forward returns and per-wallet statistics, computed by DuckDB from NDJSON.

The SQL states the semantics of reference.py (see its docstring) with ASOF joins and window
functions. Timed from reading the file to the per-wallet aggregates: that is the work compared
with the engine.

Usage: python duckdb_stats.py --in events.ndjson --out stats.csv [--threads N] [--json timing.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from bench_common import (
    BENCHMARK_TOKEN,
    BETA_PRIOR_K,
    HORIZONS_MS,
    StatsTable,
    WalletStats,
    write_stats_csv,
)


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def build_statements(path: Path, horizons_ms: tuple[int, ...] = HORIZONS_MS) -> list[str]:
    """The statements, in order; the last one returns (wallet, horizon_ms, n, mean, variance)."""
    horizons = ", ".join(f"({int(h)})" for h in horizons_ms)
    bench = _sql_string(BENCHMARK_TOKEN)
    k = repr(float(BETA_PRIOR_K))
    return [
        # Only the fields the computation needs, with explicit types; `line` is the 1-based line
        # number, the last key of the event order (time, class, line).
        f"""
        CREATE OR REPLACE TEMP TABLE ev AS
        SELECT ordinality AS line, type,
               CASE WHEN token ILIKE '0x%' THEN lower(token) ELSE token END AS token,
               time, block_time, price_usd, wallet, side
        FROM read_ndjson({_sql_string(str(path))},
                         columns = {{type: 'VARCHAR', token: 'VARCHAR', time: 'BIGINT',
                                     block_time: 'BIGINT', price_usd: 'DOUBLE', wallet: 'VARCHAR',
                                     side: 'VARCHAR'}}) WITH ORDINALITY
        """,
        # Integer ids for the tokens that have prices: joins and sorts on them are cheaper than on
        # strings. Trades of a token without prices are never evaluated, so inner joins on `tok` may
        # drop them.
        """
        CREATE OR REPLACE TEMP TABLE tok AS
        SELECT token, CAST(row_number() OVER () AS INTEGER) AS id
        FROM (SELECT DISTINCT token FROM ev WHERE type = 'price')
        """,
        """
        CREATE OR REPLACE TEMP TABLE px AS
        SELECT tok.id, ev.time, ev.line, ev.price_usd AS p
        FROM ev JOIN tok ON ev.token = tok.token WHERE ev.type = 'price'
        """,
        # One benchmark price per time: the last line at that time, so that ASOF lookups of
        # "the last benchmark row with time <= x" are unambiguous on ties.
        f"""
        CREATE OR REPLACE TEMP TABLE bench AS
        SELECT time, arg_max(p, line) AS b
        FROM px WHERE id = (SELECT id FROM tok WHERE token = {bench})
        GROUP BY time
        """,
        # Definition 2: cumulative regression sums over each token's rows in (time, line) order,
        # then one row per (token, time), the last line at that time, with its beta. A benchmark
        # row's own benchmark price is itself, not the last benchmark line at its time.
        f"""
        CREATE OR REPLACE TEMP TABLE pt AS
        WITH with_b AS (
          SELECT px.id, px.time, px.line, px.p,
                 CASE WHEN px.id = (SELECT id FROM tok WHERE token = {bench}) THEN px.p
                      ELSE bench.b END AS b
          FROM px ASOF LEFT JOIN bench ON px.time >= bench.time
        ), lagged AS (
          SELECT id, time, line, p, b, lag(p) OVER w AS p_prev, lag(b) OVER w AS b_prev
          FROM with_b WINDOW w AS (PARTITION BY id ORDER BY time, line)
        ), xy AS (
          SELECT id, time, line, p,
                 CASE WHEN p_prev IS NOT NULL AND b IS NOT NULL AND b_prev IS NOT NULL
                      THEN ln(b / b_prev) END AS x,
                 CASE WHEN p_prev IS NOT NULL AND b IS NOT NULL AND b_prev IS NOT NULL
                      THEN ln(p / p_prev) END AS y
          FROM lagged
        ), cum AS (
          SELECT id, time, line, p,
                 sum(x * y) OVER w AS sxy, sum(x * x) OVER w AS sxx, count(x) OVER w AS n
          FROM xy
          WINDOW w AS (PARTITION BY id ORDER BY time, line
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ), beta_rows AS (
          SELECT id, time, line, p,
                 CASE WHEN n = 0 OR sxx = 0 THEN 1.0
                      ELSE (sxy + {k} * (sxx / n)) / (sxx + {k} * (sxx / n)) END AS beta
          FROM cum
        )
        SELECT id, time, arg_max(p, line) AS p, arg_max(beta, line) AS beta
        FROM beta_rows GROUP BY id, time
        """,
        # Definitions 3 and 4. Inner ASOF joins drop trades without P(t) or B(t); the join on the
        # token's last price time keeps only resolved evaluations (a price row strictly after due).
        f"""
        WITH tr AS (
          SELECT lower(ev.wallet) AS wallet, tok.id,
                 CASE ev.side WHEN 'buy' THEN 1.0 ELSE -1.0 END AS s, ev.block_time AS t
          FROM ev JOIN tok ON ev.token = tok.token WHERE ev.type = 'trade'
        ), last_time AS (
          SELECT id, max(time) AS t_last FROM pt GROUP BY id
        ), entry AS (
          SELECT tr.wallet, tr.id, tr.s, tr.t, pt.p AS p0
          FROM tr ASOF JOIN pt ON tr.id = pt.id AND tr.t >= pt.time
        ), entry_b AS (
          SELECT entry.*, bench.b AS b0 FROM entry ASOF JOIN bench ON entry.t >= bench.time
        ), due AS (
          SELECT e.wallet, e.id, e.s, e.p0, e.b0, h.h, e.t + h.h AS due
          FROM entry_b e CROSS JOIN (VALUES {horizons}) h(h)
          JOIN last_time l ON l.id = e.id AND l.t_last > e.t + h.h
        ), exit_p AS (
          SELECT due.*, pt.p AS p1, pt.beta
          FROM due ASOF JOIN pt ON due.id = pt.id AND due.due >= pt.time
        ), exit_b AS (
          SELECT exit_p.*, bench.b AS b1 FROM exit_p ASOF JOIN bench ON exit_p.due >= bench.time
        ), r AS (
          SELECT wallet, h, s * (ln(p1 / p0) - beta * ln(b1 / b0)) AS r FROM exit_b
        )
        SELECT wallet, h AS horizon_ms, count(*) AS n, avg(r) AS mean,
               coalesce(var_samp(r), 0.0) AS variance
        FROM r GROUP BY wallet, h
        """,
    ]


@dataclass(frozen=True)
class DuckdbRun:
    """Figures of one timed DuckDB run."""

    duckdb_version: str
    threads: int
    events: int
    seconds: float
    cpu_seconds: float  # CPU time of this process (all DuckDB threads) during the same span
    events_per_sec: float
    stats_rows: int


def compute_stats(
    path: Path, threads: int | None = None, horizons_ms: tuple[int, ...] = HORIZONS_MS
) -> tuple[StatsTable, DuckdbRun]:
    """Runs the SQL on `path`; `threads` None leaves DuckDB's default (all cores)."""
    statements = build_statements(path, horizons_ms)
    con = duckdb.connect(":memory:")
    try:
        if threads is not None:
            con.execute(f"SET threads TO {int(threads)}")
        used_threads = int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
        start = time.perf_counter()
        cpu_start = time.process_time()
        for sql in statements[:-1]:
            con.execute(sql)
        rows = con.execute(statements[-1]).fetchall()
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        events = int(con.execute("SELECT count(*) FROM ev").fetchall()[0][0])
    finally:
        con.close()
    table: StatsTable = {
        (str(w), int(h)): WalletStats(n=int(n), mean=float(m), variance=float(v))
        for w, h, n, m, v in rows
    }
    run = DuckdbRun(
        duckdb_version=duckdb.__version__,
        threads=used_threads,
        events=events,
        seconds=seconds,
        cpu_seconds=cpu_seconds,
        events_per_sec=events / seconds if seconds > 0 else 0.0,
        stats_rows=len(table),
    )
    return table, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--in", dest="input", type=Path, required=True, help="NDJSON events file")
    parser.add_argument("--out", type=Path, required=True, help="stats CSV to write")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all)")
    parser.add_argument("--json", type=Path, default=None, help="write the run's figures here")
    args = parser.parse_args(argv)
    if not args.input.is_file():
        print(f"duckdb_stats: no such file: {args.input}", file=sys.stderr)
        return 2
    table, run = compute_stats(args.input, args.threads)
    write_stats_csv(args.out, table)
    figures = asdict(run)
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
