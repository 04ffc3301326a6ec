"""Run gcloud-tasks-emulator bound to one host instead of its hard-coded "[::]".

    python -m liveclips_dev.localcloud.tasks_emulator --host 127.0.0.1 --port 9022 \
        [--queue projects/P/locations/L/queues/Q ...] [--max-retries N]

The package's own entry point always listens on every interface and only logs (from a
background thread) when the port is taken; here the gRPC server is built in the main
thread so a bind failure exits non-zero. Its task runner POSTs each task to the task's
full http_request.url, so no target host/port is needed for HTTP tasks.
"""

from __future__ import annotations

import argparse
import logging
import sys
from concurrent import futures

import grpc
from gcloud_tasks_emulator.cloudtasks_pb2_grpc import add_CloudTasksServicer_to_server
from gcloud_tasks_emulator.server import Greeter, Processor, QueueState
from google.cloud.tasks_v2 import Queue

logger = logging.getLogger("liveclips_dev.localcloud.tasks_emulator")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Cloud Tasks emulator bound to one host")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--queue",
        action="append",
        default=[],
        help="queue to create at startup: projects/P/locations/L/queues/Q (repeatable)",
    )
    parser.add_argument(
        "--max-retries",
        type=int,
        default=-1,
        help="give a failing task up after this many retries (-1: retry forever)",
    )
    # Only App Engine tasks (relative_uri) use these; HTTP tasks carry their full URL.
    parser.add_argument("--target-host", default="127.0.0.1")
    parser.add_argument("--target-port", type=int, default=80)
    return parser.parse_args(argv)


def serve(args: argparse.Namespace) -> int:
    state = QueueState(args.target_host, args.target_port, args.max_retries)
    for name in args.queue:
        if name.count("/") != 5 or not name.startswith("projects/"):
            logger.error("bad queue name %r: want projects/P/locations/L/queues/Q", name)
            return 2
        state.create_queue(name.rsplit("/", 2)[0], Queue(name=name))

    host = f"[{args.host}]" if ":" in args.host else args.host
    # gRPC sets SO_REUSEPORT by default, which would let a second emulator share the port
    # and silently split the queues between the two.
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8), options=[("grpc.so_reuseport", 0)]
    )
    add_CloudTasksServicer_to_server(Greeter(state), server)
    try:
        bound = server.add_insecure_port(f"{host}:{args.port}")
    except RuntimeError:  # newer grpcio raises instead of returning 0
        bound = 0
    if bound == 0:
        logger.error("cannot listen on %s:%s (port in use?)", host, args.port)
        return 1
    server.start()
    processor = Processor(state)
    processor.daemon = True
    processor.start()
    logger.info("Cloud Tasks emulator listening on %s:%s", host, args.port)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        pass
    finally:
        # Stops the per-queue dispatch threads, which are not daemons.
        processor.join(timeout=1)
        server.stop(grace=0)
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    return serve(_parse(argv))


if __name__ == "__main__":
    sys.exit(main())
