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
from spoon.metrics import MONEY_COLUMNS
from spoon.settings import Settings, load_settings
from spoon.warehouse_file import open_warehouse

console = Console()
MONEY = MONEY_COLUMNS  # the money columns of rpt_daily_sales


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
    from spoon import names as nm

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
    shop: str | None = None,
) -> StepResult:
    """One sync of every shop (or only `shop`, one of SPOON_LAKE_NAMESPACES) into the lake.

    Each shop is extracted on its own: a failing shop does not stop the others, and the step
    then fails with one line naming each failing shop."""
    demo = {"seed": seed, "orders": orders, "days": days, "start": start, "profile": profile}
    s = _settings(settings, source=source, **{f"demo_{k}": v for k, v in demo.items()})
    if shop is not None and shop not in s.namespaces:
        raise SettingsError(
            f"shop {shop!r} is not in SPOON_LAKE_NAMESPACES ({','.join(s.namespaces)}); "
            "add it there or pick one of those"
        )
    shops = [shop] if shop is not None else s.namespaces
    t0 = time.perf_counter()
    parts: list[str] = []
    failed: list[str] = []
    for ns in shops:
        try:
            part = _extract_shop(s, ns, until)
        except SpoonError as err:
            if len(shops) == 1 and not s.multi_shop:
                raise
            failed.append(f"shop {ns}: {err}")
            console.print(f"[red]✗[/] extract ({s.source}) shop {ns}: {err}")
            continue
        parts.append(f"{ns}: {part}" if s.multi_shop else part)
    if failed:
        raise SpoonError("; ".join(failed))
    detail = "; ".join(parts)
    result = StepResult("extract", time.perf_counter() - t0, detail)
    console.print(f"[green]✓[/] extract ({s.source}): {detail} in {result.seconds:.1f}s")
    return result


def _extract_shop(s: Settings, ns: str, until: date | None) -> str:
    """One shop's sync; returns what it did."""
    if s.source == "demo":
        from spoon.extract.demo import extract_demo

        orders_ = s.demo_orders_of(ns)
        profile_ = s.demo_profile_of(ns)
        who = f" {ns} ({profile_})" if s.multi_shop else ""
        with console.status(f"generating the demo shop{who} ({orders_:,} orders)…"):
            report = extract_demo(
                s.lake_url,
                ns,
                s.truth_dir_of(ns),
                seed=s.demo_seed_of(ns),
                orders=orders_,
                days=s.demo_days,
                start=s.demo_start,
                until=until,
                profile=profile_,
            )
        total = sum(report.records.values())
        if report.files:
            return f"{len(report.files)} files, {total:,} records (as of {report.until})"
        return f"nothing new (the lake is already synced to {report.until})"
    if s.source == "shopify":
        from spoon.extract.pyairbyte import extract_shopify

        shopify = extract_shopify(s, namespace=ns)
        return f"{len(shopify.files)} files, {sum(shopify.records.values()):,} records"
    if s.source == "airbyte":
        from spoon.extract.airbyte.sync import trigger_and_wait

        return str(trigger_and_wait(s, namespace=ns))
    raise SpoonError(f"unknown source {s.source!r}; use demo, shopify or airbyte")


# ---- load --------------------------------------------------------------------------------------
def load(settings: Settings | None = None) -> StepResult:
    """Load new lake files into the warehouse's raw tables."""
    s = _settings(settings)
    check_ready(s, ["load"])
    t0 = time.perf_counter()
    if s.warehouse == "snowflake":
        from spoon.load.snowpipe import wait_for_sync

        detail = str(wait_for_sync(s))
        result = StepResult("load", time.perf_counter() - t0, detail)
        console.print(f"[green]✓[/] load (snowpipe): {detail} in {result.seconds:.1f}s")
        return result

    from spoon.load.loader import load_lake, raise_for_quarantine

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
            s.namespaces,
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
    from spoon.transform.runner import run_dbt

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
    from spoon.transform.runner import rejected_records_line

    if rejected := rejected_records_line(s):
        console.print(f"[yellow]![/] {rejected}", highlight=False)
    return result


# ---- summary ----------------------------------------------------------------------------------
def _marts(
    settings: Settings | None, sql: str, model: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Rows of `sql` over the embedded warehouse's marts."""
    import duckdb

    s = _settings(settings)
    path = Path(s.duckdb_path)
    if not path.exists():
        raise SpoonError(f"no warehouse at {path}; run `make demo` (or `spoon run`) first")
    with open_warehouse(path, read_only=True, again="spoon summary") as con:
        try:
            rel = con.execute(sql, list(params))
        except duckdb.CatalogException:
            raise SpoonError(f"marts.{model} is missing; run `spoon transform`") from None
        except duckdb.BinderException as err:
            if "shop" not in str(err):
                raise
            raise SpoonError(
                f"marts.{model} has no `shop` column (built before several shops); "
                "run `spoon transform --full-refresh`"
            ) from None
        cols = [d[0] for d in rel.description] if rel.description else []
        return [dict(zip(cols, row, strict=True)) for row in rel.fetchall()]


def _shop_filter(s: Settings, shop: str | None) -> tuple[str, list[Any]]:
    """`where shop = ?` when the warehouse holds several shops (with one, every row is its)."""
    if shop is None or not s.multi_shop:
        return "", []
    return "where shop = ?", [shop]


def daily_sales(settings: Settings | None = None, shop: str | None = None) -> list[dict[str, Any]]:
    """rpt_daily_sales of one shop (default: every row) from the embedded warehouse, oldest
    first."""
    s = _settings(settings)
    where, params = _shop_filter(s, shop)
    return _marts(
        s,
        f"select * from marts.rpt_daily_sales {where} order by date_day",
        "rpt_daily_sales",
        params,
    )


def reconciliation(settings: Settings | None = None, shop: str | None = None) -> dict[str, int]:
    """Orders of one shop (default: every row) per reconciliation status (agrees, differs,
    not comparable), counted by the dashboard's query."""
    from spoon.dashboard.queries import reconciliation_sql

    s = _settings(settings)
    shops = (shop,) if shop is not None and s.multi_shop else None
    row = _marts(s, reconciliation_sql(shops), "rpt_order_reconciliation")[0]
    return {
        "agrees": int(row["agrees"]),
        "differs": int(row["differs"]),
        "not comparable": int(row["not_comparable"]),
    }


def shop_currency(settings: Settings | None = None, shop: str | None = None) -> str:
    """The shop's currency (fct_orders.currency), '' when it has no orders."""
    s = _settings(settings)
    where, params = _shop_filter(s, shop)
    rows = _marts(
        s, f"select max(currency) as currency from marts.fct_orders {where}", "fct_orders", params
    )
    return str(rows[0]["currency"] or "") if rows else ""


def print_summary(settings: Settings | None = None) -> dict[str, Any]:
    """Print, for each shop in listed order, its totals and last 7 days of rpt_daily_sales
    in its own currency and its reconciliation line; return the first shop's totals, with
    every shop's under "shops"."""
    s = _settings(settings)
    shops = {ns: _print_shop_summary(s, ns) for ns in s.namespaces}
    stale = stale_marts_warning(s)
    if stale:
        Console(stderr=True, soft_wrap=True).print(f"[yellow]![/] {stale}", highlight=False)
    first = dict(shops[s.namespaces[0]])
    first["shops"] = shops
    first["stale"] = stale
    return first


def stale_marts_warning(settings: Settings | None = None) -> str | None:
    """The dashboard's stale-marts line (the last build in audit.dbt_build_log failed after
    the last successful one), with what to do; None when the marts are current or the
    warehouse keeps no build log."""
    from spoon.dashboard.backends import DuckDBBackend, ReportingError
    from spoon.dashboard.freshness import freshness

    s = _settings(settings)
    if s.warehouse != "duckdb":  # Snowflake: the dashboard and the DAG's alerts say it
        return None
    try:
        warning = freshness(DuckDBBackend(Path(s.duckdb_path), lock_retries=0)).stale_warning()
    except ReportingError:  # the summary was printed: a warning we cannot read is no error
        return None
    return f"{warning} Fix the build and run `spoon transform`." if warning else None


def _print_shop_summary(s: Settings, shop: str) -> dict[str, Any]:
    rows = daily_sales(s, shop)
    currency = shop_currency(s, shop)
    totals: dict[str, Any] = {"shop": shop, "currency": currency}
    totals["orders"] = sum(r["orders"] for r in rows)
    for col in MONEY:
        totals[col] = sum((r[col] for r in rows), start=0)
    first = rows[0]["date_day"] if rows else None
    last = rows[-1]["date_day"] if rows else None

    who = f"{shop}: " if s.multi_shop else ""
    title = f"{who}Sales summary {first} → {last} ({currency or 'shop currency'})"
    table = Table(title=title, title_justify="left")
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
    recon = reconciliation(s, shop)
    totals["reconciliation"] = recon
    line = (
        f"{recon['agrees']:,} orders agree with Shopify's own figures, {recon['differs']:,} differ,"
        f" {recon['not comparable']:,} not comparable (marts.rpt_order_reconciliation)"
    )
    mark = "[yellow]![/]" if recon["differs"] else "[green]✓[/]"
    out.print(f"{mark} {who}Shopify reconciliation: {line}")
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
