"""`spoon airbyte plan | apply | export`: the Airbyte connection as code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from spoon.settings import load_settings
from spoon.setup.airbyte.definitions import Definition, load_definitions
from spoon.setup.airbyte.diff import Change, is_masked

if TYPE_CHECKING:  # the API client (airbyte-api) loads only when a command runs
    from spoon.setup.airbyte.reconcile import Action, Plan, Reconciler

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console(highlight=False, soft_wrap=True)

DirOption = Annotated[
    Path | None,
    typer.Option("--dir", help="Folder of definitions (default: the checkout's airbyte/)."),
]
RotateOption = Annotated[
    bool,
    typer.Option(
        "--rotate-secrets",
        help="Send secrets even where nothing else changed (the server masks them, so a "
        "changed secret cannot be seen otherwise).",
    ),
]
_SIGN = {"create": "[green]+[/]", "update": "[yellow]~[/]", "noop": "[dim]=[/]"}
_WORD = {"create": "create", "update": "update", "noop": "no changes"}


def _reconciler() -> Reconciler:
    from spoon.setup.airbyte.reconcile import Reconciler, client_from_settings

    s = load_settings()
    return Reconciler(client_from_settings(s), s.airbyte_workspace)


def render_value(value: Any, secret: bool) -> str:
    if secret or is_masked(value):
        return "(secret)"
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


def _leaves(path: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for k, v in value.items():
            yield from _leaves(f"{path}.{k}" if path else str(k), v)
    else:
        yield path, value


def _secret(d: Definition, path: str) -> bool:
    return path in d.secrets or any(path.startswith(p + ".") for p in d.secrets)


def _show_change(d: Definition, c: Change) -> None:
    if c.removed:
        console.print(f"      [red]-[/] {escape(c.path)}")
        return
    if c.absent or (c.old is None and isinstance(c.new, dict)):
        for path, leaf in _leaves(c.path, c.new):
            console.print(escape(f"      {path}: {render_value(leaf, _secret(d, path))}"))
        return
    if c.masked:
        console.print(escape(f"      {c.path}: (secret, sent again)"))
        return
    secret = _secret(d, c.path)
    console.print(
        escape(f"      {c.path}: {render_value(c.old, secret)} -> {render_value(c.new, secret)}")
    )


def _show_action(a: Action) -> None:
    console.print(f"  {_SIGN[a.op]} {a.kind} [bold]{escape(a.name)}[/] ({_WORD[a.op]})")
    for c in a.changes:
        _show_change(a.definition, c)


def _header(r: Reconciler) -> None:
    console.print(f"Airbyte at {r.client.url}, workspace {r.workspace_name} ({r.workspace_id})")


def _summary(plan: Plan, done: bool) -> None:
    verb = ("created", "updated") if done else ("to create", "to update")
    console.print(
        f"{'Applied' if done else 'Plan'}: {plan.count('create')} {verb[0]}, "
        f"{plan.count('update')} {verb[1]}, {plan.count('noop')} unchanged."
    )


@app.command()
def plan(
    directory: DirOption = None,
    rotate_secrets: RotateOption = False,
    detailed_exitcode: Annotated[
        bool, typer.Option(help="Exit 2 when there are changes (for drift checks in CI).")
    ] = False,
) -> None:
    """Show what `apply` would create or update (secrets never shown)."""
    defs = load_definitions(directory)
    r = _reconciler()
    result = r.plan(defs, rotate_secrets=rotate_secrets)
    _header(r)
    for a in result.actions:
        _show_action(a)
    _summary(result, done=False)
    if detailed_exitcode and not result.empty:
        raise typer.Exit(2)


@app.command()
def apply(directory: DirOption = None, rotate_secrets: RotateOption = False) -> None:
    """Create or update the source, destination and connection so they match the YAML."""
    defs = load_definitions(directory)
    r = _reconciler()
    _header(r)
    result = r.apply(defs, rotate_secrets=rotate_secrets, on_action=_show_action)
    _summary(result, done=True)


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="Folder to write the YAML files into.")] = Path(
        "data/airbyte-export"
    ),
) -> None:
    """Write the workspace's sources, destinations and connections as YAML (drift check)."""
    r = _reconciler()
    paths = r.export(out)
    _header(r)
    for p in paths:
        console.print(f"  wrote {p}")
    console.print(f"Exported {len(paths)} objects to {out}.")
