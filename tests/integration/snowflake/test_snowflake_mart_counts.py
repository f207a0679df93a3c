"""The DAG's mart row counts on Snowflake: counted as the transformer (its own encrypted key
pair) in the analytics database's MARTS schema, a missing mart named in the error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.servers import fakesnow_settings

from spoon import names as nm
from spoon.errors import SpoonError
from spoon.orchestrate.tasks import mart_row_counts
from spoon.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def settings(fakesnow_port: int, fakesnow_connect: Any, tmp_path_factory) -> Settings:
    """The transformer's keys, and ANALYTICS_COUNTS with marts (and a decoy in STAGING)."""
    from spoon.setup.keygen import generate_all

    s = fakesnow_settings(
        fakesnow_port,
        tmp_path_factory.mktemp("keys"),
        admin=False,
        warehouse="snowflake",
        snowflake_database="analytics_counts",
        snowflake_private_key_passphrase="correct horse",  # pragma: allowlist secret
    )
    generate_all(s)
    db = nm.snowflake_names(s).analytics_db
    con = fakesnow_connect()
    try:
        cur = con.cursor()
        for sql in (
            f"create database if not exists {db}",
            f"create schema if not exists {db}.marts",
            f"create schema if not exists {db}.staging",
            f"create or replace table {db}.marts.fct_sales (id int)",
            f"insert into {db}.marts.fct_sales values (1), (2), (3)",
            f"create or replace table {db}.marts.dim_shops (id int)",
            f"create or replace table {db}.staging.rpt_growth (id int)",
            f"insert into {db}.staging.rpt_growth values (1)",
        ):
            cur.execute(sql)
    finally:
        con.close()
    return s


def test_the_marts_are_counted_on_snowflake(settings: Settings) -> None:
    assert mart_row_counts(["fct_sales", "dim_shops"], settings) == {
        "fct_sales": 3,
        "dim_shops": 0,
    }


def test_a_mart_missing_from_marts_is_named(settings: Settings) -> None:
    """rpt_growth exists, but in STAGING: it is not a mart dbt built."""
    db = nm.snowflake_names(settings).analytics_db
    with pytest.raises(SpoonError, match=rf"marts missing in {db}\.MARTS after dbt: RPT_GROWTH;"):
        mart_row_counts(["fct_sales", "rpt_growth"], settings)


def test_the_count_needs_the_transformer_key(settings: Settings, tmp_path: Path) -> None:
    """Counted with the transformer's own key: without it, the error says which file."""
    from spoon.errors import SettingsError

    keyless = settings.model_copy(update={"snowflake_keys_dir": tmp_path})
    with pytest.raises(SettingsError, match="SPOON_TRANSFORMER"):
        mart_row_counts(["fct_sales"], keyless)
