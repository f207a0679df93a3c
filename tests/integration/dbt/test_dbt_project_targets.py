"""The project compiles for Snowflake prod and CI without a connection, and documents itself."""

from __future__ import annotations

import json
from pathlib import Path

from support.rawshop.runner import DbtRunner, dbt_env, duckdb_runner

SNOWFLAKE_PROD = {
    "SPOON_SNOWFLAKE_ACCOUNT": "acme-analytics",
    "SPOON_SNOWFLAKE_USER": "SPOON_TRANSFORMER",
    "SPOON_SNOWFLAKE_PRIVATE_KEY_PATH": "/nonexistent/key.p8",
    "SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": "not-a-secret",
    "SPOON_SNOWFLAKE_RAW_DATABASE": "RAW_PROD",
    # nothing listens there: any connection attempt fails the test fast
    "SPOON_SNOWFLAKE_HOST": "127.0.0.1",
    "SPOON_SNOWFLAKE_PORT": "9",
}
OFFLINE = ("--no-introspect", "--no-populate-cache")


def test_prod_target_compiles_offline_to_snowflake_sql(tmp_path: Path) -> None:
    dbt = DbtRunner(dbt_env(tmp_path, **SNOWFLAKE_PROD), "prod", tmp_path)
    dbt("compile", *OFFLINE)
    compiled = tmp_path / "target" / "compiled" / "willows_spoon" / "models"
    lines = (compiled / "intermediate" / "int_order_lines.sql").read_text()
    assert "lateral flatten(input => orders.line_items)" in lines
    assert "ANALYTICS.staging.stg_shopify__orders" in lines
    orders = (compiled / "staging" / "stg_shopify__orders.sql").read_text()
    assert "RAW_PROD.RAW.orders" in orders
    assert "number(18, 2)" in orders and "json_extract" not in orders
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    schemas = {
        n["name"]: n["schema"] for n in manifest["nodes"].values() if n["resource_type"] == "model"
    }
    assert schemas["fct_sales"] == "marts" and schemas["stg_shopify__orders"] == "staging"


def test_ci_target_prefixes_every_schema(tmp_path: Path) -> None:
    env = dbt_env(tmp_path, **SNOWFLAKE_PROD, SPOON_DBT_SCHEMA="pr_123")
    DbtRunner(env, "ci", tmp_path)("parse")
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    schemas = {n["schema"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert schemas == {"pr_123_staging", "pr_123_intermediate", "pr_123_marts", "pr_123_audit"}


def test_docs_generate_writes_the_catalog(built_duckdb: Path) -> None:
    workdir = built_duckdb.parent / "docs"
    dbt = duckdb_runner(workdir)
    dbt.env["SPOON_DUCKDB_PATH"] = str(built_duckdb)
    dbt("docs", "generate")
    catalog = json.loads((workdir / "target" / "catalog.json").read_text())
    tables = {n.split(".")[-1] for n in catalog["nodes"]}
    assert {"fct_sales", "rpt_daily_sales", "dim_customers", "stg_shopify__orders"} <= tables
    assert (workdir / "target" / "index.html").exists()
