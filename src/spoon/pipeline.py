"""The pipeline steps behind the CLI and the Airflow DAG: extract, load, transform, summary.

Each step reads its settings from the environment and `.env`, checks them before doing any
work, and is safe to re-run (a second run with nothing new changes nothing).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from spoon.errors import SettingsError, SpoonError
from spoon.settings import Settings, load_settings

console = Console()
#: the money columns of rpt_daily_sales (tips are outside total_sales)
MONEY = (
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "shipping",
    "duties",
    "taxes",
    "total_sales",
    "tips",
)


@dataclass
class StepResult:
    step: str
    seconds: float
    detail: str


def _settings(settings: Settings | None, **overrides: Any) -> Settings:
    base = settings or load_settings()
    clean = {k: v for k, v in overrides.items() if v is not None}
    return base.model_copy(update=clean) if clean else base


# ---- preflight ------------------------------------------------------------------------------
def check_ready(s: Settings, steps: Sequence[str]) -> None:
    """Raise one line if a Snowflake step of this run lacks its account or key, before any
    work (so `spoon run` never extracts, then fails at load or in dbt on a missing key)."""
    if s.warehouse != "snowflake":
        return
    from spoon.bootstrap import names as nm

    keys = []
    if "load" in steps:
        keys.append(("SPOON_SNOWFLAKE_LOADER_PRIVATE_KEY_PATH", nm.loader_key_path(s), "load"))
    if "transform" in steps and s.target in ("prod", "ci"):
        keys.append(("SPOON_SNOWFLAKE_PRIVATE_KEY_PATH", nm.transformer_key_path(s), "dbt"))
    if not keys:
        return
    if not s.snowflake_account:
        raise SettingsError(
            "SPOON_SNOWFLAKE_ACCOUNT not set (SPOON_WAREHOUSE=snowflake); set it in .env or the "
            "environment, or unset SPOON_WAREHOUSE to run embedded"
        )
    for var, path, who in keys:
        if not path.is_file():
            raise SettingsError(
                f"no Snowflake private key at {path} (the {who} step's service user); set {var} "
                "or run `spoon bootstrap keygen`"
            )


# ---- extract --------------------------------------------------------------------------------
def extract(
    source: str | None = None,
    *,
    seed: int | None = None,
    orders: int | None = None,
    days: int | None = None,
    start: date | None = None,
    until: date | None = None,
    profile: str | None = None,
    settings: Settings | None = None,
) -> StepResult:
    """One sync of the shop into the lake."""
    s = _settings(
        settings,
        source=source,
        demo_seed=seed,
        demo_orders=orders,
        demo_days=days,
        demo_start=start,
        demo_profile=profile,
    )
    t0 = time.perf_counter()
    if s.source == "demo":
        from spoon.demo import extract_demo

        orders_ = s.demo_order_count
        with console.status(f"generating the demo shop ({orders_:,} orders)…"):
            report = extract_demo(
                s.lake_url,
                s.lake_namespace,
                Path(s.truth_dir),
                seed=s.demo_seed,
                orders=orders_,
                days=s.demo_days,
                start=s.demo_start,
                until=until,
                profile=s.demo_profile,
            )
        total = sum(report.records.values())
        detail = (
            f"{len(report.files)} files, {total:,} records (as of {report.until})"
            if report.files
            else f"nothing new (the lake is already synced to {report.until})"
        )
    elif s.source == "shopify":
        from spoon.airbyte.shopify_extract import extract_shopify

        report = extract_shopify(s)
        detail = f"{len(report.files)} files, {sum(report.records.values()):,} records"
    elif s.source == "airbyte":
        from spoon.airbyte.sync import trigger_and_wait  # type: ignore[import-not-found]

        detail = str(trigger_and_wait(s))
    else:  # pragma: no cover - validated by settings
        raise SpoonError(f"unknown source {s.source!r}; use demo, shopify or airbyte")
    result = StepResult("extract", time.perf_counter() - t0, detail)
    console.print(f"[green]✓[/] extract ({s.source}): {detail} in {result.seconds:.1f}s")
    return result


# ---- load --------------------------------------------------------------------------------------
def load(settings: Settings | None = None) -> StepResult:
    """Load new lake files into the warehouse's raw tables."""
    s = _settings(settings)
    check_ready(s, ["load"])
    t0 = time.perf_counter()
    if s.warehouse == "snowflake":
        from spoon.snowpipe import load_step  # type: ignore[attr-defined]

        detail = str(load_step(s))
        result = StepResult("load", time.perf_counter() - t0, detail)
        console.print(f"[green]✓[/] load (snowpipe): {detail} in {result.seconds:.1f}s")
        return result

    from spoon.loader import load_lake, raise_for_quarantine

    progress = Progress(
        TextColumn("loading"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[name]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        task = progress.add_task("load", total=None, name="")
        report = load_lake(
            s.lake_url,
            s.lake_namespace,
            Path(s.duckdb_path),
            s.quarantine,
            on_start=lambda n: progress.update(task, total=n),
            on_file=lambda o: progress.update(task, advance=1, name=o.file.key),
            memory_limit=s.duckdb_memory_limit,
        )
    detail = (
        f"{report.loaded} new files, {report.rows:,} rows; "
        f"{report.count('skipped')} already loaded; {len(report.quarantined)} quarantined"
    )
    result = StepResult("load", time.perf_counter() - t0, detail)
    mark = "[green]✓[/]" if not report.quarantined else "[red]✗[/]"
    console.print(f"{mark} load (duckdb): {detail} in {result.seconds:.1f}s")
    raise_for_quarantine(report)
    return result


# ---- transform -------------------------------------------------------------------------------
def dbt(args: Sequence[str], settings: Settings | None = None, *, quiet: bool = False) -> int:
    """Run any dbt command on the project with the settings' target."""
    from spoon.transform import run_dbt

    s = _settings(settings)
    return run_dbt(s, list(args), on_line=None if quiet else console.out)


def transform(
    select: str | None = None,
    *,
    full_refresh: bool = False,
    settings: Settings | None = None,
    quiet: bool = False,
) -> StepResult:
    """`dbt build`: models and their tests."""
    s = _settings(settings)
    check_ready(s, ["transform"])
    args = ["build"]
    if select:
        args += ["--select", select]
    if full_refresh:
        args.append("--full-refresh")
    t0 = time.perf_counter()
    dbt(args, s, quiet=quiet)
    result = StepResult("transform", time.perf_counter() - t0, "dbt build passed")
    console.print(f"[green]✓[/] transform: dbt build passed in {result.seconds:.1f}s")
    return result


# ---- summary ----------------------------------------------------------------------------------
#: per order: differs if any of its rows differs, else not comparable if any row is
RECONCILIATION_SQL = """
select status, count(*) as orders
from (
    select
        order_id,
        case
            when bool_or(status = 'differs') then 'differs'
            when bool_or(status = 'not comparable') then 'not comparable'
            else 'agrees'
        end as status
    from marts.rpt_order_reconciliation
    group by order_id
) as per_order
group by status
"""


def _marts(settings: Settings | None, sql: str, model: str) -> list[dict[str, Any]]:
    """Rows of `sql` over the embedded warehouse's marts."""
    import duckdb

    s = _settings(settings)
    path = Path(s.duckdb_path)
    if not path.exists():
        raise SpoonError(f"no warehouse at {path}; run `make demo` (or `spoon run`) first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as err:
        first = " ".join(str(err).split())[:200]
        if "lock" in first.lower():
            raise SpoonError(
                f"the warehouse {path} is locked by another process (a running `spoon load`, "
                "dbt build or dashboard query): run `spoon summary` again when it finishes"
            ) from None
        raise SpoonError(f"cannot open the warehouse {path}: {first}") from None
    with con:
        try:
            rel = con.sql(sql)
        except duckdb.CatalogException:
            raise SpoonError(f"marts.{model} is missing; run `spoon transform`") from None
        cols = rel.columns
        return [dict(zip(cols, row, strict=True)) for row in rel.fetchall()]


def daily_sales(settings: Settings | None = None) -> list[dict[str, Any]]:
    """rpt_daily_sales from the embedded warehouse, oldest first."""
    return _marts(
        settings, "select * from marts.rpt_daily_sales order by date_day", "rpt_daily_sales"
    )


def reconciliation(settings: Settings | None = None) -> dict[str, int]:
    """Orders per reconciliation status (agrees, differs, not comparable)."""
    rows = _marts(settings, RECONCILIATION_SQL, "rpt_order_reconciliation")
    counts = {"agrees": 0, "differs": 0, "not comparable": 0}
    counts.update({r["status"]: int(r["orders"]) for r in rows})
    return counts


def print_summary(settings: Settings | None = None) -> dict[str, Any]:
    """Print totals and the last 7 days of rpt_daily_sales; return the totals."""
    rows = daily_sales(settings)
    totals: dict[str, Any] = {"orders": sum(r["orders"] for r in rows)}
    for col in MONEY:
        totals[col] = sum((r[col] for r in rows), start=0)
    first = rows[0]["date_day"] if rows else None
    last = rows[-1]["date_day"] if rows else None

    table = Table(title=f"Sales summary {first} → {last} (shop currency)", title_justify="left")
    table.add_column("day")
    table.add_column("orders", justify="right")
    for col in MONEY:
        table.add_column(col.replace("_sales", "").replace("_", " "), justify="right")
    for r in rows[-7:]:
        table.add_row(str(r["date_day"]), f"{r['orders']:,}", *(f"{r[c]:,.2f}" for c in MONEY))
    table.add_section()
    table.add_row(
        "[bold]all days[/]",
        f"[bold]{totals['orders']:,}[/]",
        *(f"[bold]{totals[c]:,.2f}[/]" for c in MONEY),
    )
    # a pipe or a log gets the whole table, not one squeezed to 80 columns
    out = console if console.is_terminal else Console(width=160)
    out.print(table)
    recon = reconciliation(settings)
    totals["reconciliation"] = recon
    line = (
        f"{recon['agrees']:,} orders agree with Shopify's own figures, {recon['differs']:,} differ,"
        f" {recon['not comparable']:,} not comparable (marts.rpt_order_reconciliation)"
    )
    if recon["differs"]:
        out.print(f"[yellow]![/] Shopify reconciliation: {line}")
    else:
        out.print(f"[green]✓[/] Shopify reconciliation: {line}")
    return totals


# ---- whole runs ----------------------------------------------------------------------
def run_all(source: str | None = None, settings: Settings | None = None) -> list[StepResult]:
    s = _settings(settings, source=source)
    check_ready(s, ["extract", "load", "transform"])
    t0 = time.perf_counter()
    steps = [extract(settings=s), load(settings=s), transform(settings=s)]
    print_summary(s)
    console.print(f"pipeline finished in {time.perf_counter() - t0:.1f}s")
    return steps


def run_demo(
    orders: int | None = None,
    days: int | None = None,
    seed: int | None = None,
    profile: str | None = None,
) -> list[StepResult]:
    """The embedded pipeline on the demo shop (DuckDB, local lake)."""
    s = _settings(
        None,
        source="demo",
        demo_orders=orders,
        demo_days=days,
        demo_seed=seed,
        demo_profile=profile,
    )
    if s.warehouse != "duckdb":
        raise SpoonError("`spoon demo` runs embedded: unset SPOON_WAREHOUSE or set it to duckdb")
    return run_all(settings=s)
