"""`spoon doctor`: the settings in force (secrets masked) and a check of each connection."""

from __future__ import annotations

import importlib
import subprocess
from collections.abc import Callable
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from spoon.errors import first_line
from spoon.settings import Settings, load_settings

console = Console()


def mask(value: object) -> str:
    if isinstance(value, SecretStr):
        secret = value.get_secret_value()
        return "(not set)" if not secret else "****" + (secret[-2:] if len(secret) > 8 else "")
    if value in ("", None):
        return "(not set)"
    return str(value)


def settings_table(settings: Settings) -> Table:
    table = Table(title="Settings (from the environment and .env)", title_justify="left")
    table.add_column("variable")
    table.add_column("value")
    for name in Settings.model_fields:
        table.add_row(f"SPOON_{name.upper()}", mask(getattr(settings, name)))
    return table


def check_lake(s: Settings) -> str:
    """The lake and its files. A lake that does not exist fails (a wrong SPOON_LAKE_URL, a
    missing bucket), except a local folder that `spoon extract` creates itself (source demo
    or shopify), which is only reported as not there yet."""
    from spoon.errors import LakeError
    from spoon.load.lake import Lake

    lake = Lake(s.lake_url)
    try:
        counts = [(ns, len(lake.list_files(ns))) for ns in s.namespaces]
    except LakeError:
        if lake.is_local and s.source in ("demo", "shopify") and not Path(lake.root).exists():
            return (
                f"{s.lake_url} does not exist yet (created by the first `spoon extract`; "
                "if the lake should be there, check SPOON_LAKE_URL)"
            )
        raise
    return "; ".join(f"{n} files under {s.lake_url}/{ns}" for ns, n in counts)


def check_duckdb(s: Settings) -> str:
    from spoon.warehouse_file import open_warehouse

    path = Path(s.duckdb_path)
    if not path.exists():
        return f"{path} does not exist yet (created by the first `spoon load`)"
    with open_warehouse(path, read_only=True, again="spoon doctor") as con:
        schemas = [
            r[0] for r in con.sql("select distinct schema_name from duckdb_tables()").fetchall()
        ]
    return f"{path}: schemas {', '.join(sorted(schemas)) or 'none'}"


def check_dbt(s: Settings) -> str:
    out = subprocess.run(
        [s.dbt_bin, "--version"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    core = next((ln.strip() for ln in out.splitlines() if "installed" in ln.lower()), out.strip())
    return f"{s.dbt_bin}: {core}"


def doctor_check_of(module: str) -> Callable[[Settings], str]:
    """The `doctor_check` of another area's module, imported only when the check runs (the
    cloud SDKs load slowly); a module without one fails that check, it is never skipped."""

    def check(s: Settings) -> str:
        return str(importlib.import_module(module).doctor_check(s))

    return check


def airbyte_configured(s: Settings) -> bool:
    """Airbyte is in use: its credentials are set, or it is the extract source."""
    return bool(
        s.source == "airbyte" or s.airbyte_client_id or s.airbyte_client_secret.get_secret_value()
    )


def run_doctor(settings: Settings | None = None) -> bool:
    s = settings or load_settings()
    console.print(settings_table(s))
    checks: list[tuple[str, Callable[[Settings], str], bool]] = [
        ("lake", check_lake, True),
        ("duckdb", check_duckdb, s.warehouse == "duckdb"),
        ("dbt", check_dbt, True),
        ("snowflake", doctor_check_of("spoon.setup.snowflake"), bool(s.snowflake_account)),
        ("aws s3", doctor_check_of("spoon.setup.aws"), bool(s.s3_bucket)),
        ("airbyte", doctor_check_of("spoon.extract.airbyte.sync"), airbyte_configured(s)),
    ]
    table = Table(title="Checks", title_justify="left")
    table.add_column("check")
    table.add_column("result")
    table.add_column("detail")
    ok = True
    for name, check, wanted in checks:
        if not wanted:
            table.add_row(name, "[dim]skipped[/]", "not configured")
            continue
        try:
            table.add_row(name, "[green]ok[/]", check(s))
        except Exception as err:  # a doctor reports, it does not crash
            ok = False
            table.add_row(name, "[red]failed[/]", first_line(err))
    console.print(table)
    return ok
