"""The `liveclips` command."""

from __future__ import annotations

import typer

from liveclips_dev.cli.analytics import analytics_app
from liveclips_dev.cli.auth import auth_app
from liveclips_dev.cli.clip import clip_app
from liveclips_dev.cli.demo import demo
from liveclips_dev.cli.highlights import highlights_app
from liveclips_dev.cli.local import local_app
from liveclips_dev.cli.studio import studio
from liveclips_dev.cli.upload import upload

app = typer.Typer(help="liveclips backend tools.", no_args_is_help=True)
app.add_typer(local_app, name="local")
app.add_typer(highlights_app, name="highlights")
app.add_typer(clip_app, name="clip")
app.add_typer(analytics_app, name="analytics")
app.add_typer(auth_app, name="auth")
app.command()(demo)
app.command()(studio)
app.command()(upload)

if __name__ == "__main__":
    app()
