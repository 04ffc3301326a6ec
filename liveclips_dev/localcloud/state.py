"""What `LocalCloud` persists in its state dir, and the lock that guards it."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from liveclips_dev.localcloud.emulators import cloud_env
from liveclips_dev.localcloud.procs import LocalCloudError, Proc

Kind = Literal["emulator", "service"]


@dataclass(frozen=True)
class Running:
    """A process group up() started, as recorded in state.json."""

    name: str
    kind: Kind
    pid: int
    port: int
    log: Path
    start_ticks: int | None = None

    def proc(self) -> Proc:
        return Proc(self.name, self.pid, self.start_ticks, self.log)


def new_playback_key() -> str:
    """A private IVS playback key (P-384, as IVS requires), PEM with its newlines as the
    two characters \\n so it stays one line in local.env (liveclips/adapters/ivs_playback.py)."""
    key = ec.generate_private_key(ec.SECP384R1())
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    return pem.replace("\n", "\\n")


def new_account_signing_keys() -> str:
    """Our issuer's key ring for this local cloud (liveclips/adapters/signing_keys.py): one
    RS256 key, active at once, as the JSON list LIVECLIPS_ACCOUNT_SIGNING_KEYS holds."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    kid = f"local-{os.urandom(4).hex()}"
    return json.dumps([{"kid": kid, "private_key_pem": pem, "active_from": "2000-01-01T00:00:00Z"}])


@dataclass
class State:
    ports: dict[str, int]  # every port reserved, incl. services not started (yet)
    running: dict[str, Running] = field(default_factory=dict)
    # Made with the state, so every process of one local cloud signs with the same key.
    playback_key: str = field(default_factory=new_playback_key)
    # Likewise the accounts' signing key: every API process verifies what another signed.
    account_keys: str = field(default_factory=new_account_signing_keys)

    def env(self) -> dict[str, str]:
        return {
            **cloud_env(self.ports),
            "LIVECLIPS_IVS_PLAYBACK_PRIVATE_KEY": self.playback_key,
            "LIVECLIPS_ACCOUNT_SIGNING_KEYS": self.account_keys,
        }


def load(path: Path) -> State | None:
    try:
        raw = json.loads(path.read_text())
        running = {
            name: Running(**{**r, "log": Path(r["log"])}) for name, r in raw["running"].items()
        }
        ports = {k: int(v) for k, v in raw["ports"].items()}
        # State files from before playback keys or account keys get new ones.
        keys = {k: raw[k] for k in ("playback_key", "account_keys") if k in raw}
        return State(ports=ports, running=running, **keys)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LocalCloudError(
            f"unreadable {path}: {exc!r}; stop what it started by hand, then delete it"
        ) from exc


def save(path: Path, state: State) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    running = {n: {**asdict(r), "log": str(r.log)} for n, r in state.running.items()}
    tmp = path.with_suffix(".tmp")
    document = {
        "ports": state.ports,
        "running": running,
        "playback_key": state.playback_key,
        "account_keys": state.account_keys,
    }
    tmp.write_text(json.dumps(document, indent=2))
    tmp.replace(path)  # atomic: a concurrent reader never sees half a file


def write_env_file(path: Path, env: Mapping[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{k}={v}\n" for k, v in env.items()))


@contextlib.contextmanager
def locked(state_dir: Path) -> Iterator[None]:
    """Serialises up/down across processes sharing `state_dir`."""
    state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(state_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
