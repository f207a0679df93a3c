"""The `spoon` command line (typer). Heavy modules are imported inside each command."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from spoon.errors import SpoonError

app = typer.Typer(
    help="Willow's Spoon: Shopify analytics for a small business.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)


def _subapps() -> None:
    from spoon.setup.airbyte.cli import app as airbyte_app
    from spoon.setup.cli import app as bootstrap_app

    app.add_typer(bootstrap_app, name="bootstrap", help="Create the cloud side (Snowflake, AWS).")
    app.add_typer(
        airbyte_app, name="airbyte", help="Airbyte connection as code: plan, apply, export."
    )
    app.add_typer(docs_app, name="docs")
    app.add_typer(airflow_app, name="airflow")


docs_app = typer.Typer(
    help="The dbt docs as one static page (make docs, make docs-serve).", no_args_is_help=True
)
airflow_app = typer.Typer(
    help="Start-up helpers of the Airflow containers (compose.yaml, airflow/entrypoint.sh).",
    no_args_is_help=True,
)


PROFILE_HELP = "Demo shop: us (tax on top) or eu (Berlin, VAT included); SPOON_DEMO_PROFILE."


def _profile(value: str | None) -> str | None:
    """`--profile`: us or eu (checked here: CLI values bypass the settings' validation)."""
    if value is not None and value not in ("us", "eu"):
        raise typer.BadParameter(f"{value!r} is not a demo profile; use us or eu")
    return value


@app.command()
def demo(
    orders: Annotated[int | None, typer.Option(help="Orders in the demo shop.")] = None,
    days: Annotated[int | None, typer.Option(help="Days of history.")] = None,
    seed: Annotated[int | None, typer.Option(help="Generator seed.")] = None,
    profile: Annotated[
        str | None, typer.Option(help=PROFILE_HELP, callback=_profile, metavar="us|eu")
    ] = None,
) -> None:
    """Generate the demo shop and run the whole embedded pipeline, then print a summary."""
    from spoon.orchestrate.steps import run_demo

    run_demo(orders=orders, days=days, seed=seed, profile=profile)


@app.command()
def extract(
    source: Annotated[
        str | None, typer.Option(help="demo | shopify | airbyte (default: SPOON_SOURCE).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Demo: generator seed.")] = None,
    orders: Annotated[int | None, typer.Option(help="Demo: orders in the history.")] = None,
    days: Annotated[int | None, typer.Option(help="Demo: days of history.")] = None,
    start: Annotated[
        date | None, typer.Option(formats=["%Y-%m-%d"], help="Demo: first day.")
    ] = None,
    until: Annotated[
        date | None,
        typer.Option(formats=["%Y-%m-%d"], help="Demo: sync the shop as it was on this day."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option(help=PROFILE_HELP, callback=_profile, metavar="us|eu")
    ] = None,
    shop: Annotated[
        str | None,
        typer.Option(help="Only this shop (one of SPOON_LAKE_NAMESPACES; default: every shop)."),
    ] = None,
) -> None:
    """Extract every shop into the lake (one Airbyte-style sync per shop)."""
    options = dict(locals())  # the options above, by the names steps.extract takes
    from spoon.orchestrate.steps import extract as do_extract

    do_extract(**options)


@app.command()
def load() -> None:
    """Load new lake files into the warehouse's raw tables (each file once)."""
    from spoon.orchestrate.steps import load as do_load

    do_load()


@app.command()
def transform(
    select: Annotated[str | None, typer.Option(help="dbt selection (default: everything).")] = None,
    full_refresh: Annotated[bool, typer.Option(help="Rebuild incremental models.")] = False,
) -> None:
    """Build and test the dbt models (staging -> intermediate -> marts)."""
    from spoon.orchestrate.steps import transform as do_transform

    do_transform(select=select, full_refresh=full_refresh)


@app.command()
def run(
    source: Annotated[str | None, typer.Option(help="demo | shopify | airbyte.")] = None,
) -> None:
    """Run extract -> load -> transform, then print the summary."""
    from spoon.orchestrate.steps import run_all

    run_all(source=source)


@app.command()
def summary() -> None:
    """Print the sales summary of each shop (totals and the last 7 days, its currency)."""
    from spoon.orchestrate.steps import print_summary

    print_summary()


@app.command()
def dashboard(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8501,
) -> None:
    """Serve the dashboard on 127.0.0.1."""
    from spoon.dashboard.runner import serve

    serve(port=port)


@app.command()
def doctor() -> None:
    """Show the settings (secrets masked) and check each connection."""
    from spoon.setup.doctor import run_doctor

    if not run_doctor():
        raise typer.Exit(1)


@docs_app.command("generate")
def docs_generate() -> None:
    """Run `dbt docs generate --static`; publish it as <SPOON_DOCS_DIR>/index.html."""
    from spoon.transform.docs import generate_static_docs

    print(generate_static_docs(quiet=False))


@docs_app.command("serve")
def docs_serve() -> None:
    """Serve the published docs on 127.0.0.1:SPOON_DOCS_PORT until Ctrl-C."""
    from spoon.transform.docs import serve_docs

    serve_docs()


def _airflow(command: str) -> None:
    from spoon.orchestrate.runtime import main as run

    code = run([command])
    if code:
        raise typer.Exit(code)


@airflow_app.command("check-admin")
def airflow_check_admin() -> None:
    """Refuse to go on without a strong AIRFLOW_ADMIN_PASSWORD (airflow-init)."""
    _airflow("check-admin")


@airflow_app.command("write-auth")
def airflow_write_auth() -> None:
    """Write the Simple auth manager's password file from AIRFLOW_ADMIN_* (mode 600)."""
    _airflow("write-auth")


@airflow_app.command("env")
def airflow_env() -> None:
    """Print `export …` lines of the Airflow connections the settings imply (to eval)."""
    _airflow("env")


@app.command()
def schemas(
    source: Annotated[
        Path, typer.Argument(help="An unpacked source-shopify's source_shopify/schemas folder.")
    ],
) -> None:
    """Refresh the lake's stream schemas from a source-shopify release (maintainers)."""
    from spoon.stream_schemas import copy_schemas

    copy_schemas(source)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turn a `SpoonError` into one line on stderr and a non-zero exit."""
    _subapps()
    try:
        # without standalone mode click returns the code of a `typer.Exit` instead of raising
        code = app(args=argv, standalone_mode=False)
    except SpoonError as err:
        console.print(f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True)
        sys.exit(err.exit_code)
    except typer.Exit as exit_:
        sys.exit(exit_.exit_code)
    except typer.Abort:
        console.print("aborted")
        sys.exit(130)
    except Exception as err:  # usage errors (typer vendors its own click: both kinds)
        import click

        if isinstance(err, click.ClickException | typer.TyperException) and hasattr(
            err, "format_message"
        ):
            console.print(
                f"[bold red]error:[/] {err.format_message()}", highlight=False, soft_wrap=True
            )
            sys.exit(getattr(err, "exit_code", 2))
        raise
    if isinstance(code, int) and code:
        sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
