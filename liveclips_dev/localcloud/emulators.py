"""How to start each emulator, how to tell it is ready, and the env that points at it."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from liveclips_dev.localcloud.procs import LOCALHOST, LocalCloudError, port_open

PROJECT = "liveclips-local"
REPO_ROOT = Path(__file__).resolve().parents[2]
# Mirrors Cloud Tasks' default maxAttempts; the emulator retries without backoff.
TASKS_MAX_RETRIES = 100


@dataclass(frozen=True)
class Emulator:
    name: str
    argv: Callable[[int, Path], list[str]]  # (port, state_dir) -> command line
    ready: Callable[[int], bool]  # a real, cheap request once the port is open


def _sdk_root() -> Path:
    candidates = []
    if override := os.environ.get("LIVECLIPS_GCLOUD_SDK_ROOT"):
        candidates.append(Path(override))
    if gcloud := shutil.which("gcloud"):
        candidates.append(Path(gcloud).resolve().parent.parent)
    candidates += [
        Path("/usr/lib/google-cloud-sdk"),
        Path("/usr/share/google-cloud-sdk"),
        Path("/opt/google-cloud-sdk"),
        Path.home() / "google-cloud-sdk",
    ]
    for root in candidates:
        if (root / "platform").is_dir() or (root / "bin" / "cloud_spanner_emulator").is_dir():
            return root
    raise LocalCloudError(
        "Google Cloud SDK not found (looked in "
        + ", ".join(str(c) for c in candidates)
        + "); install the pubsub and spanner emulator components or set "
        "LIVECLIPS_GCLOUD_SDK_ROOT"
    )


def _pubsub_argv(port: int, _: Path) -> list[str]:
    jars = sorted(
        (_sdk_root() / "platform" / "pubsub-emulator" / "lib").glob("*pubsub-emulator*.jar")
    )
    if not jars:
        raise LocalCloudError(
            "Pub/Sub emulator jar missing: gcloud components install pubsub-emulator"
        )
    java = shutil.which("java")
    if java is None:
        raise LocalCloudError("java not found on PATH; the Pub/Sub emulator needs Java 11+")
    # java directly rather than the bin/ wrapper: one process, and its pid is the JVM's.
    # C1-only JIT and the serial GC start the JVM about twice as fast on a busy 2-CPU box;
    # an emulator serving tests never runs long enough to miss C2.
    return [
        java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
        "-jar", str(jars[-1]), f"--host={LOCALHOST}", f"--port={port}",
    ]  # fmt: skip


def _spanner_argv(port: int, _: Path) -> list[str]:
    binary = _sdk_root() / "bin" / "cloud_spanner_emulator" / "emulator_main"
    if not binary.exists():
        raise LocalCloudError(f"{binary} missing: gcloud components install cloud-spanner-emulator")
    return [str(binary), f"--host_port={LOCALHOST}:{port}"]


def _tasks_argv(port: int, _: Path) -> list[str]:
    return [
        sys.executable, "-m", "liveclips_dev.localcloud.tasks_emulator",
        "--host", LOCALHOST, "--port", str(port), "--max-retries", str(TASKS_MAX_RETRIES),
    ]  # fmt: skip


def _moto_argv(port: int, _: Path) -> list[str]:
    return [sys.executable, "-m", "moto.server", "-H", LOCALHOST, "-p", str(port)]


def _redis_argv(port: int, state_dir: Path) -> list[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise LocalCloudError("redis-server not found on PATH (apt-get install redis-server)")
    return [
        binary, "--bind", LOCALHOST, "--port", str(port), "--save", "", "--appendonly", "no",
        "--dir", str(state_dir),
    ]  # fmt: skip


def _issuer_argv(port: int, _: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "liveclips_dev.localcloud.dev_issuer",
        "--host",
        LOCALHOST,
        "--port",
        str(port),
    ]


def http_status(port: int, path: str, method: str = "GET") -> int:
    # http.client, not urllib: urllib would route 127.0.0.1 through any http_proxy set.
    conn = http.client.HTTPConnection(LOCALHOST, port, timeout=2)
    try:
        conn.request(method, path)
        return conn.getresponse().status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        conn.close()


def _redis_ping(port: int) -> bool:
    with socket.create_connection((LOCALHOST, port), timeout=2) as s:
        s.sendall(b"PING\r\n")
        return s.recv(64).startswith(b"+PONG")


EMULATORS: tuple[Emulator, ...] = (
    Emulator(
        "pubsub", _pubsub_argv, lambda p: http_status(p, f"/v1/projects/{PROJECT}/topics") == 200
    ),
    # gRPC only: an open port means the server is serving; provisioning makes the first call.
    Emulator("spanner", _spanner_argv, port_open),
    Emulator("tasks", _tasks_argv, port_open),
    Emulator("moto", _moto_argv, lambda p: http_status(p, "/moto-api/data.json") == 200),
    Emulator("redis", _redis_argv, _redis_ping),
    # The identity provider's stand-in: what tokens are verified against (liveclips/api/auth.py).
    Emulator("auth", _issuer_argv, lambda p: http_status(p, "/healthz") == 200),
)


def cloud_env(ports: Mapping[str, int]) -> dict[str, str]:
    """The variables every adapter reads (see liveclips/adapters/config.py), for the given ports."""
    host = LOCALHOST
    return {
        # Local mode (liveclips/settings.py): what a deployment must set may default here.
        "LIVECLIPS_LOCAL": "1",
        "PUBSUB_EMULATOR_HOST": f"{host}:{ports['pubsub']}",
        "SPANNER_EMULATOR_HOST": f"{host}:{ports['spanner']}",
        # The emulator rejects read-write transactions on multiplexed sessions.
        "GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_FOR_RW": "false",
        "CLOUD_TASKS_EMULATOR_HOST": f"{host}:{ports['tasks']}",
        "AWS_ENDPOINT_URL": f"http://{host}:{ports['moto']}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "REDIS_URL": f"redis://{host}:{ports['redis']}/0",
        "LIVECLIPS_GCP_PROJECT": PROJECT,
        "LIVECLIPS_CLIP_WORKER_URL": f"http://{host}:{ports['clip-worker']}/tasks/render",
        "LIVECLIPS_FUNCTIONS_URL": f"http://{host}:{ports['functions']}",
        "LIVECLIPS_API_URL": f"http://{host}:{ports['api']}",
        "AWS_ENDPOINT_URL_MEDIACONVERT": f"http://{host}:{ports['mediaconvert']}",
        "AWS_ENDPOINT_URL_IVSCHAT": f"http://{host}:{ports['ivschat']}",
        # boto3 reads per-service endpoints itself; the stand-in forwards channels to moto.
        "AWS_ENDPOINT_URL_IVS": f"http://{host}:{ports['ivs']}",
        "LIVECLIPS_JWT_ISSUER": f"http://{host}:{ports['auth']}",
        "LIVECLIPS_JWT_JWKS_URL": f"http://{host}:{ports['auth']}/.well-known/jwks.json",
        "LIVECLIPS_OPENAI_BASE_URL": f"http://{host}:{ports['openai']}/v1",
        # The stand-in's key (liveclips_dev/localcloud/openai_standin.py), never a real one.
        "OPENAI_API_KEY": "sk-local-standin",
        "LIVECLIPS_VOD_SUBMIT_URL": f"http://{host}:{ports['functions']}/submit_vod_job",
        # Seconds, not the cloud's minutes: a local retry is seen while one watches.
        "LIVECLIPS_VOD_RETRY_BASE_S": "1",
        "GOOGLE_CLOUD_PROJECT": PROJECT,
        # The web studio (liveclips_dev/localcloud/browser_ingest.py); absent from older state
        # files.
        **({"LIVECLIPS_STUDIO_URL": f"http://{host}:{ports['studio-web']}"}
           if "studio-web" in ports else {}),
        **({"LIVECLIPS_STUDIO_EVENTS_URL": f"http://{host}:{ports['studio-events']}"}
           if "studio-events" in ports else {}),
        **({"LIVECLIPS_RTMP_URL": f"rtmp://{host}:{ports['rtmp-ingest']}/app/"}
           if "rtmp-ingest" in ports else {}),
        **({"LIVECLIPS_RTMPS_URL": f"rtmps://{host}:{ports['rtmps-ingest']}/app/"}
           if "rtmps-ingest" in ports else {}),
    }  # fmt: skip


def child_env(cloud: Mapping[str, str]) -> dict[str, str]:
    """Environment for children: ours plus the cloud's, with the repo importable."""
    env = {**os.environ, **cloud, "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p
    )
    return env
