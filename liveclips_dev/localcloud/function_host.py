"""Serves every function in main.py from one process, each at /<target>, for push
subscriptions on the Pub/Sub emulator and Cloud Tasks (in the cloud each is deployed on
its own)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import functions_framework
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import run_simple
from werkzeug.wrappers import Response

from liveclips.resources import HTTP_FUNCTIONS, PUSH_SUBSCRIPTIONS

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

SOURCE = Path(__file__).resolve().parents[2] / "functions" / "gcp" / "main.py"


def _healthz(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    return Response("ok")(environ, start_response)


def _at_root(app: Any) -> Any:
    """Pub/Sub pushes to /<target> exactly; the mounted app would answer its empty path
    with a redirect to /<target>/, which push delivery does not follow."""

    def mounted(environ: dict[str, Any], start_response: Any) -> Any:
        environ["PATH_INFO"] = environ.get("PATH_INFO") or "/"
        return app(environ, start_response)

    return mounted


def build_app() -> DispatcherMiddleware:
    targets = sorted({sub.function for sub in PUSH_SUBSCRIPTIONS})
    mounts = {
        f"/{target}": _at_root(functions_framework.create_app(target, str(SOURCE), "event"))
        for target in targets
    }
    for target in HTTP_FUNCTIONS:
        mounts[f"/{target}"] = _at_root(functions_framework.create_app(target, str(SOURCE), "http"))
    return DispatcherMiddleware(_healthz, mounts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    run_simple(args.host, args.port, build_app(), threaded=True)


if __name__ == "__main__":
    main()
