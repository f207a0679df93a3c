"""`spoon bootstrap`: create the cloud side (Snowflake, AWS) from settings, idempotently."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Create the cloud side: Snowflake objects, the AWS bucket and role, key pairs.",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@app.command()
def snowflake(
    plan: Annotated[bool, typer.Option("--plan", help="Print every statement; run none.")] = False,
) -> None:
    """Apply snowflake/NN_*.sql in order, then print what the AWS side needs."""
    from spoon.errors import SettingsError
    from spoon.names import snowflake_names
    from spoon.settings import load_settings
    from spoon.setup import snowflake as sf
    from spoon.setup import sqlfiles

    settings = load_settings()
    statements = sqlfiles.statements(settings)
    missing = sqlfiles.missing_public_keys(settings)
    names = snowflake_names(settings)
    if plan:
        for line in sf.plan_text(statements):
            out.print(line, markup=False)
        err.print(
            f"[bold]plan[/]: {len(statements)} statements for environment suffix "
            f"{names.suffix or '(none: prod)'}; nothing was run"
        )
        if missing:
            err.print(f"[yellow]missing public keys[/] (run `spoon bootstrap keygen`): {missing}")
        return
    if missing:
        raise SettingsError(
            f"no public key at {', '.join(missing)}; run `spoon bootstrap keygen` first"
        )
    from spoon.setup.connection import connect_admin

    conn = connect_admin(settings)
    try:
        sf.apply(
            conn,
            statements,
            on_statement=lambda st, status: err.print(
                f"[green]✓[/] {st.file} #{st.index} {st.kind}: {status}"
            ),
        )
        needs = sf.aws_needs(conn, settings)
    finally:
        conn.close()
    for line in sf.aws_needs_text(needs):
        out.print(line, markup=False)


@app.command()
def aws(
    plan: Annotated[bool, typer.Option("--plan", help="Show the changes; make none.")] = False,
) -> None:
    """Create or update the lake bucket, the IAM role Snowflake assumes and the notification."""
    from spoon.settings import load_settings
    from spoon.setup.aws import AwsBootstrap

    boot = AwsBootstrap(load_settings())
    if plan:
        changes = boot.plan()
        for change in changes:
            out.print(change.line(), markup=False)
        n = sum(c.changes for c in changes)
        err.print(f"[bold]plan[/]: {n} to change, {len(changes) - n} unchanged; nothing was done")
    else:
        changes = boot.apply(on_change=lambda c: out.print(c.line(), markup=False))
        n = sum(c.changes for c in changes)
        err.print(f"[green]✓[/] {n} changed, {len(changes) - n} unchanged")
    for note in dict.fromkeys(boot.notes):
        err.print(f"[yellow]note[/]: {note}")


@app.command()
def keygen(
    user: Annotated[
        list[str] | None,
        typer.Option("--user", help="Service user (repeatable; default: all three)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace existing keys (rotation).")] = False,
) -> None:
    """Make each service user's RSA key pair (private key 0600, outside the repository)."""
    from spoon.settings import load_settings
    from spoon.setup.keygen import generate_all

    for pair in generate_all(load_settings(), user, force=force):
        state = "created" if pair.created else "kept (exists)"
        out.print(f"{pair.user}: {state}")
        out.print(f"  private key: {pair.private_path}", markup=False)
        out.print(f"  public key:  {pair.public_path}", markup=False)


@app.command("rotate-keys")
def rotate_keys(
    step: Annotated[
        str, typer.Argument(help="add: new key in RSA_PUBLIC_KEY_2 | drop: retire the old key")
    ],
    user: Annotated[
        list[str] | None,
        typer.Option("--user", help="Service user (repeatable; default: all three)."),
    ] = None,
    plan: Annotated[bool, typer.Option("--plan", help="Print the statements; run none.")] = False,
) -> None:
    """Rotate key pairs with no downtime: add, install the new key, drop (docs/security.md)."""
    from spoon.errors import SettingsError
    from spoon.settings import load_settings
    from spoon.setup import rotate
    from spoon.setup import snowflake as sf

    if step not in {s.value for s in rotate.Step}:
        raise SettingsError(f"unknown step {step!r}: use `add` or `drop`")
    settings = load_settings()
    stage = rotate.Step(step)
    statements = rotate.statements(settings, stage, user, make_keys=not plan)
    if plan:
        for st in statements:
            out.print(st.sql, markup=False)
        err.print(f"[bold]plan[/]: {len(statements)} statements; nothing was run")
        return
    from spoon.setup.connection import connect_admin

    conn = connect_admin(settings)
    try:
        sf.apply(
            conn,
            statements,
            on_statement=lambda st, status: err.print(f"[green]✓[/] {st.kind}: {status}"),
        )
    finally:
        conn.close()
    if stage is rotate.Step.add:
        for u in rotate.service_users(settings, user):
            private, _ = rotate.next_paths(settings, u)
            out.print(f"{u}: new key in RSA_PUBLIC_KEY_2; install {private} as its key, restart")
        err.print("then run `spoon bootstrap rotate-keys drop` to retire the old keys")
    else:
        from spoon.names import private_key_path

        for u in rotate.promote(settings, user):
            out.print(f"{u}: old key dropped; {private_key_path(settings, u)} is the key now")
