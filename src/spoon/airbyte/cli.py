"""Placeholder: commands are added by the work on this area."""

import typer

app = typer.Typer(no_args_is_help=True)
