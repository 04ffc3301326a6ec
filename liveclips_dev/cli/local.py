"""`liveclips local up|down|status|env`: the emulators and app services on this machine."""

from __future__ import annotations

import logging
import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from liveclips_dev.localcloud.cloud import LocalCloud, LocalCloudError

local_app = typer.Typer(help="Run the whole cloud locally on emulators.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)

StateDir = Annotated[
    Path,
    typer.Option(
        "--state-dir",
        envvar="LIVECLIPS_STATE_DIR",
        help="Where state.json, local.env and logs/ live.",
        file_okay=False,
    ),
]
DEFAULT_STATE_DIR = Path(".liveclips")


def _fail(exc: LocalCloudError) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
    return typer.Exit(code=1)


@local_app.command()
def up(
    state_dir: StateDir = DEFAULT_STATE_DIR,
    no_services: Annotated[
        bool, typer.Option("--no-services", help="Start and provision only the emulators.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log provisioning.")] = False,
) -> None:
    """Start the emulators, provision them, start the app services (reuses a running cloud)."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)
    cloud = LocalCloud(state_dir)
    try:
        with console.status("starting the local cloud..."):
            env = cloud.up(services=not no_services)
    except LocalCloudError as exc:
        raise _fail(exc) from exc
    table = Table(title="liveclips local cloud")
    for column in ("service", "kind", "port", "pid", "log"):
        table.add_column(column)
    for proc in env.processes:
        table.add_row(proc.name, proc.kind, str(proc.port), str(proc.pid), str(proc.log))
    console.print(table)
    print_pages(console, env.vars)
    if "LIVECLIPS_RTMP_URL" in env.vars:
        console.print(f"OBS server: [bold]{env.vars['LIVECLIPS_RTMP_URL']}[/] + the stream key")
        if "LIVECLIPS_RTMPS_URL" in env.vars:  # self-signed: OBS must trust it (studio-web.md)
            console.print(f"OBS server (RTMPS): [bold]{env.vars['LIVECLIPS_RTMPS_URL']}[/]")
    console.print(f"env file: [bold]{env.env_file}[/]")
    console.print(f'load it:  eval "$(liveclips local env --state-dir {state_dir})"')


def print_pages(out: Console, env: Mapping[str, str]) -> None:
    """The three pages' addresses, each with the role to sign in as (any name)."""
    if "LIVECLIPS_STUDIO_URL" not in env:
        return
    base = env["LIVECLIPS_STUDIO_URL"].rstrip("/")
    for page, path, who in (
        ("web studio", "/", "a creator"),
        ("viewer app", "/viewer/", "a viewer"),
        ("console", "/console/", "the content team (moderator)"),
    ):
        out.print(f"{page}: [bold]{base}{path}[/]  (sign in as {who})", highlight=False)


@local_app.command()
def down(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Stop everything `up` started in this state dir."""
    try:
        stopped = LocalCloud(state_dir).down()
    except LocalCloudError as exc:
        raise _fail(exc) from exc
    console.print(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running")


@local_app.command()
def status(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Show each process; exit code 1 if anything is down (or nothing was started)."""
    try:
        statuses = LocalCloud(state_dir).status()
    except LocalCloudError as exc:
        raise _fail(exc) from exc
    if not statuses:
        err_console.print(f"the local cloud is not up (state dir {state_dir})")
        raise typer.Exit(code=1)
    table = Table(title="liveclips local cloud")
    for column in ("service", "kind", "port", "pid", "process", "port open"):
        table.add_column(column)
    for s in statuses.values():
        table.add_row(
            s.name,
            s.kind,
            str(s.port),
            str(s.pid),
            "[green]alive[/]" if s.pid_alive else "[red]dead[/]",
            "[green]yes[/]" if s.port_open else "[red]no[/]",
        )
    console.print(table)
    if not all(s.healthy for s in statuses.values()):
        raise typer.Exit(code=1)


@local_app.command()
def env(state_dir: StateDir = DEFAULT_STATE_DIR) -> None:
    """Print `export K=V` lines: eval "$(liveclips local env)"."""
    try:
        variables = LocalCloud(state_dir).env()
    except LocalCloudError as exc:
        raise _fail(exc) from exc
    # Plain print, not rich: the output is shell code and must not be wrapped or styled.
    print(os.linesep.join(f"export {k}={shlex.quote(v)}" for k, v in variables.items()))
