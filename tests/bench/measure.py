"""Runs one command under a time limit and records its wall time, CPU time and peak RSS.

The peak RSS is the kernel's ru_maxrss of that child (os.wait4), so it is exact and needs no
/usr/bin/time. A command still running at --timeout is killed with its whole process group.

Usage: python measure.py --timeout SECONDS --json OUT.json [--stdout F] [--stderr F] -- CMD ARGS...
Exit status: the command's (128 + signal when killed by one; 124 on timeout, like timeout(1)).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO


@dataclass(frozen=True)
class Measurement:
    command: list[str]
    exit_code: int
    timed_out: bool
    wall_seconds: float
    user_seconds: float
    sys_seconds: float
    max_rss_kb: int
    load_avg_1m_before: float  # the machine's load when the command started: others' work competes


def _open_or_inherit(path: Path | None) -> IO[bytes] | None:
    return None if path is None else path.open("wb")


def run(
    command: list[str], timeout: float, stdout: Path | None = None, stderr: Path | None = None
) -> Measurement:
    out_f = _open_or_inherit(stdout)
    err_f = _open_or_inherit(stderr)
    timed_out = threading.Event()
    load_before = os.getloadavg()[0]
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out_f, stderr=err_f, start_new_session=True)

        def kill_group() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill_group)
        timer.start()
        try:
            # wait4 instead of proc.wait(): it returns the child's own resource usage.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # keeps Popen from reaping it again
    finally:
        for f in (out_f, err_f):
            if f is not None:
                f.close()
    code = proc.returncode
    if timed_out.is_set():
        code = 124
    elif code < 0:
        code = 128 - code
    return Measurement(
        command=command,
        exit_code=code,
        timed_out=timed_out.is_set(),
        wall_seconds=wall,
        user_seconds=usage.ru_utime,
        sys_seconds=usage.ru_stime,
        max_rss_kb=int(usage.ru_maxrss),
        load_avg_1m_before=load_before,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--timeout", type=float, required=True, help="seconds before the kill")
    parser.add_argument("--json", type=Path, required=True, help="where to write the measurement")
    parser.add_argument("--stdout", type=Path, default=None)
    parser.add_argument("--stderr", type=Path, default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    try:
        m = run(command, args.timeout, args.stdout, args.stderr)
    except OSError as e:
        print(f"measure: cannot run {command[0]}: {e}", file=sys.stderr)
        return 127
    args.json.write_text(json.dumps(asdict(m), indent=2) + "\n", encoding="utf-8")
    if m.timed_out:
        print(f"measure: {' '.join(command)} killed after {args.timeout:g} s", file=sys.stderr)
    return m.exit_code


if __name__ == "__main__":
    sys.exit(main())
