"""Small generator of valid events, for developing the benchmark tooling without the simulator.

`coattail simulate` is the benchmark's source of events; this exists for the Python tests and for
`run_bench.sh` with BENCH_GENERATOR=python. Prices follow a random walk with a per-token beta to
the benchmark token; trades come from wallets at random times. Lines are written in time order up
to a bounded disorder (each event is delayed by up to --disorder-ms), like a stream that the
engine must reorder.

Usage: python gen_events.py --out events.ndjson [--days D --tokens K --wallets W --trades N ...]
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bench_common import BENCHMARK_TOKEN

_START_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
_DAY_MS = 86_400_000


@dataclass(frozen=True)
class GenConfig:
    seed: int = 1
    days: int = 3
    tokens: int = 4
    wallets: int = 50
    trades: int = 2_000
    price_interval_ms: int = 60_000
    disorder_ms: int = 30_000


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def _trade_line(rng: random.Random, wallet: str, token: str, time_ms: int, price: float) -> str:
    amount = round(rng.uniform(1.0, 5000.0), 6)
    side = "buy" if rng.random() < 0.5 else "sell"
    block = 19_000_000 + (time_ms - _START_MS) // 12_000
    return (
        f'{{"type":"trade","chain":"ethereum","block_number":{block},'
        f'"block_time":{time_ms},"tx_hash":"0x{_hex(rng, 64)}","log_index":{rng.randrange(0, 500)},'
        f'"wallet":"{wallet}","token":"{token}","side":"{side}","amount":{amount!r},'
        f'"price_usd":{price!r},"usd_value":{amount * price!r}}}'
    )


def _price_line(token: str, time_ms: int, price: float) -> str:
    return f'{{"type":"price","token":"{token}","time":{time_ms},"price_usd":{price!r}}}'


def generate(cfg: GenConfig, out: TextIO) -> int:
    """Writes the events to `out`; returns the number of lines written."""
    rng = random.Random(cfg.seed)
    names = [BENCHMARK_TOKEN] + [f"TOK{i}" for i in range(cfg.tokens)]
    betas = {name: (1.0 if name == BENCHMARK_TOKEN else rng.uniform(0.2, 2.5)) for name in names}
    log_price = {
        name: math.log(2000.0 if name == BENCHMARK_TOKEN else rng.uniform(0.01, 50.0))
        for name in names
    }
    wallets = [f"0x{_hex(rng, 40)}" for _ in range(cfg.wallets)]
    end_ms = _START_MS + cfg.days * _DAY_MS
    trade_times = sorted(rng.randrange(_START_MS, end_ms) for _ in range(cfg.trades))

    # (emission time, sequence, line): lines leave the heap in emission order, each delayed by up to
    # disorder_ms after its event time, so the file is sorted by time only up to that bound.
    pending: list[tuple[int, int, str]] = []
    written = 0
    seq = 0

    def emit(time_ms: int, line: str) -> None:
        nonlocal seq
        heapq.heappush(pending, (time_ms + rng.randrange(0, cfg.disorder_ms + 1), seq, line))
        seq += 1

    def flush_until(time_ms: int) -> None:
        nonlocal written
        while pending and pending[0][0] <= time_ms:
            out.write(heapq.heappop(pending)[2] + "\n")
            written += 1

    step_vol = 0.02 * math.sqrt(cfg.price_interval_ms / 3_600_000)
    ti = 0
    for tick_ms in range(_START_MS, end_ms + 1, cfg.price_interval_ms):
        while ti < len(trade_times) and trade_times[ti] < tick_ms:
            token = rng.choice(names[1:]) if len(names) > 1 else BENCHMARK_TOKEN
            price = math.exp(log_price[token]) * (1.0 + rng.uniform(-0.002, 0.002))
            emit(
                trade_times[ti],
                _trade_line(rng, rng.choice(wallets), token, trade_times[ti], price),
            )
            ti += 1
        bench_move = rng.gauss(0.0, step_vol)
        for name in names:
            idio = 0.0 if name == BENCHMARK_TOKEN else rng.gauss(0.0, 2.0 * step_vol)
            log_price[name] += betas[name] * bench_move + idio
            emit(tick_ms, _price_line(name, tick_ms, math.exp(log_price[name])))
        flush_until(tick_ms)
    flush_until(sys.maxsize)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    defaults = GenConfig()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--days", type=int, default=defaults.days)
    parser.add_argument("--tokens", type=int, default=defaults.tokens)
    parser.add_argument("--wallets", type=int, default=defaults.wallets)
    parser.add_argument("--trades", type=int, default=defaults.trades)
    parser.add_argument("--price-interval-ms", type=int, default=defaults.price_interval_ms)
    parser.add_argument("--disorder-ms", type=int, default=defaults.disorder_ms)
    args = parser.parse_args(argv)
    cfg = GenConfig(
        seed=args.seed,
        days=args.days,
        tokens=args.tokens,
        wallets=args.wallets,
        trades=args.trades,
        price_interval_ms=args.price_interval_ms,
        disorder_ms=args.disorder_ms,
    )
    with args.out.open("w", encoding="utf-8", buffering=1 << 20) as f:
        lines = generate(cfg, f)
    print(f"events={lines}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
