"""Entry point of the local AWS emulator: moto in server mode with the repo's compatibility layer.

Started by tests/emulator/emulator.sh (never by hand in CI):

    python serve.py --host 127.0.0.1 --port 0 --port-file STATE_DIR/port

Order matters: the compatibility patches (moto_compat.apply) go in before the first request, because
moto builds each service's Flask app lazily from the service's url_paths on its first request. With
``--port 0`` the kernel picks a free port; it is written (atomically) to ``--port-file`` once the
socket listens, so the caller never races another process for a port number.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import Any

import moto_compat

HEALTH_PATH = "/coattail-health"
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 = a free port")
    parser.add_argument("--port-file", type=Path, help="write the bound port number here")
    return parser.parse_args(argv)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _stop(signum: int, _frame: FrameType | None) -> None:
    """TERM/INT: exit at once. All state is in memory; a normal interpreter shutdown with every
    moto backend loaded takes seconds for nothing."""
    logging.getLogger("coattail.emulator").info("signal %d: stopping", signum)
    logging.shutdown()
    os._exit(0)


def main(argv: list[str]) -> int:
    """Applies the compatibility layer, binds, publishes the port and serves until SIGTERM."""
    args = _parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    log = logging.getLogger("coattail.emulator")

    applied = moto_compat.apply()
    log.info("compatibility layer: %d patches: %s", len(applied), ", ".join(applied))

    # Imported after the patches on purpose (moto.server imports every backend's urls lazily).
    from moto.server import DomainDispatcherApplication, create_backend_app  # noqa: PLC0415
    from werkzeug import serving  # noqa: PLC0415

    # Plain request lines in moto.log (werkzeug would add ANSI colours to 4xx/5xx lines).
    if hasattr(serving, "_log_add_style"):
        serving._log_add_style = False

    app = _with_health(DomainDispatcherApplication(create_backend_app), applied)
    server = serving.make_server(args.host, args.port, app, threaded=True)
    port = server.server_port
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if args.port_file is not None:
        _write_atomically(args.port_file, f"{port}\n")
    log.info(
        "moto %s listening on http://%s:%d (pid %d)", _moto_version(), args.host, port, os.getpid()
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


def _with_health(app: WsgiApp, patches: list[str]) -> WsgiApp:
    """Adds GET /coattail-health: 200 with moto's version and the patches (the readiness probe)."""
    body = json.dumps({"moto": _moto_version(), "patches": patches}).encode()

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH:
            start_response(
                "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return [body]
        return app(environ, start_response)

    return wrapped


def _moto_version() -> str:
    import moto  # noqa: PLC0415

    return str(moto.__version__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
