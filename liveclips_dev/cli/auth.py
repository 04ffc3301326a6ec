"""`liveclips auth token`: a bearer token from the local identity provider."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from liveclips_dev.cli.local import DEFAULT_STATE_DIR, StateDir
from liveclips_dev.localcloud.cloud import LocalCloud, LocalCloudError
from liveclips_dev.localcloud.dev_issuer import MAX_TTL_S, ROLES, request_token

auth_app = typer.Typer(help="Bearer tokens for the local API.", no_args_is_help=True)
errors = Console(stderr=True)


@auth_app.command()
def token(
    user: Annotated[str, typer.Option(help="The user id the token speaks for (sub).")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "viewer",
    ttl: Annotated[int, typer.Option(help="Seconds until it expires.", max=MAX_TTL_S)] = 3600,
    state_dir: StateDir = DEFAULT_STATE_DIR,
) -> None:
    """Print a signed token: `curl -H "Authorization: Bearer $(liveclips auth token ...)"`."""
    try:
        issuer = LocalCloud(state_dir).env()["LIVECLIPS_JWT_ISSUER"]
        typer.echo(request_token(issuer, user, role, ttl))
    except (LocalCloudError, ValueError) as error:
        errors.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=1) from error
