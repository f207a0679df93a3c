"""The Snowflake backend, against a local fakesnow server: same figures as on DuckDB.

The fixture marts are copied into <ANALYTICS_DEV>.MARTS on fakesnow; the backend connects
the way it does in production (REPORTER user and role, key-pair auth, host override).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from pydantic import SecretStr
from support.dashboard import APP
from support.fixture_marts import SALES_MARTS

from spoon.dashboard import queries
from spoon.dashboard.backends import (
    DuckDBBackend,
    ReportingError,
    SnowflakeBackend,
    reporter_connect_args,
)
from spoon.dashboard.kpis import Period
from spoon.settings import Settings, load_settings


def _type(duck_type: str) -> str:
    t = duck_type.upper()
    if t.startswith("DECIMAL"):
        return t.replace("DECIMAL", "NUMBER")
    return {
        "VARCHAR": "VARCHAR",
        "BIGINT": "NUMBER(38,0)",
        "INTEGER": "NUMBER(38,0)",
        "DATE": "DATE",
        "TIMESTAMP": "TIMESTAMP_NTZ",
        "BOOLEAN": "BOOLEAN",
    }[t]


def _write_key(path: Path, passphrase: str | None = None) -> Path:
    """A new RSA key at `path` as `spoon bootstrap keygen` writes it (PKCS#8 PEM), encrypted
    with `passphrase` if one is given."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    return path


@pytest.fixture(scope="module")
def reporter_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_key(tmp_path_factory.mktemp("keys") / "SPOON_REPORTER_DEV.p8")


@pytest.fixture(scope="module")
def fakesnow_marts(fixture_warehouse: Path) -> Iterator[dict[str, Any]]:
    """A fakesnow server holding the fixture marts in ANALYTICS_DEV.MARTS.

    Tables are created through the Snowflake protocol; their rows are bulk-copied into
    fakesnow's own DuckDB (row-by-row SQL through the fake server would take minutes).
    """
    import sys

    import snowflake.connector
    from fakesnow import server as start_server  # the function (the module shares its name)

    with start_server() as kwargs:
        con = snowflake.connector.connect(**kwargs)
        cur = con.cursor()
        cur.execute("create database if not exists ANALYTICS_DEV")
        cur.execute("create schema if not exists ANALYTICS_DEV.MARTS")
        with duckdb.connect(str(fixture_warehouse), read_only=True) as src:
            for table in SALES_MARTS:
                rel = src.sql(f"select * from marts.{table} limit 0")
                cols = ", ".join(
                    f"{name} {_type(str(t))}"
                    for name, t in zip(rel.columns, rel.types, strict=True)
                )
                cur.execute(f"create table ANALYTICS_DEV.MARTS.{table} ({cols})")
        con.close()
        duck = sys.modules["fakesnow.server"].shared_fs.duck_conn
        duck.execute(f"attach '{fixture_warehouse}' as fixture_src (read_only)")
        try:
            for table in SALES_MARTS:
                target = f"analytics_dev.marts.{table}"
                duck.execute(f"insert into {target} select * from fixture_src.marts.{table}")
        finally:
            duck.execute("detach fixture_src")
        yield kwargs


def _settings(server: dict[str, Any], key: Path) -> Settings:
    return load_settings(
        warehouse="snowflake",
        env="dev",
        snowflake_account="fakesnow",
        snowflake_host=server["host"],
        snowflake_port=server["port"],
        snowflake_protocol="http",
        snowflake_reporter_private_key_path=key,
    )


def test_connect_args_use_the_reporter_role_and_key(reporter_key: Path) -> None:
    args = reporter_connect_args(
        load_settings(env="prod", snowflake_account="xy12345",
                      snowflake_reporter_private_key_path=reporter_key)
    )  # fmt: skip
    assert args["user"] == "SPOON_REPORTER"
    assert args["role"] == "REPORTER"
    assert args["warehouse"] == "REPORTING"
    assert args["database"] == "ANALYTICS" and args["schema"] == "MARTS"
    assert args["private_key_file"] == str(reporter_key)
    assert "password" not in args and "host" not in args


def test_missing_account_or_key_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ReportingError, match="SPOON_SNOWFLAKE_ACCOUNT"):
        reporter_connect_args(load_settings(warehouse="snowflake"))
    with pytest.raises(ReportingError, match="SPOON_SNOWFLAKE_REPORTER_PRIVATE_KEY_PATH"):
        reporter_connect_args(
            load_settings(snowflake_account="x", snowflake_keys_dir=tmp_path / "none")
        )


def test_snowflake_gives_the_same_figures_as_duckdb(
    fakesnow_marts: dict[str, Any], reporter_key: Path, fixture_warehouse: Path
) -> None:
    sf = SnowflakeBackend.from_settings(_settings(fakesnow_marts, reporter_key))
    dk = DuckDBBackend(fixture_warehouse)
    try:
        bounds = queries.date_bounds(sf)
        assert bounds == queries.date_bounds(dk) and bounds is not None
        period = Period(bounds.start + timedelta(days=120), bounds.start + timedelta(days=300))
        assert queries.period_totals(sf, period) == queries.period_totals(dk, period)
        for grain in ("day", "week", "month"):
            assert (
                queries.sales_over_time(sf, period, grain).rows  # type: ignore[arg-type]
                == queries.sales_over_time(dk, period, grain).rows  # type: ignore[arg-type]
            )
        for p in (None, period):
            assert queries.sales_by_geo(sf, p).rows == queries.sales_by_geo(dk, p).rows
            assert queries.top_customers(sf, p, 10).rows == queries.top_customers(dk, p, 10).rows
            assert queries.cohorts(sf, p).rows == queries.cohorts(dk, p).rows
        for level in ("product", "variant"):
            assert (
                queries.product_leaderboard(sf, period, level).rows  # type: ignore[arg-type]
                == queries.product_leaderboard(dk, period, level).rows  # type: ignore[arg-type]
            )
        assert queries.growth(sf).rows == queries.growth(dk).rows
        assert queries.currency(sf) == "USD"
        assert queries.freshness(sf).last_load == datetime(2026, 1, 15, 6, 0)
    finally:
        sf.close()


PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def encrypted_reporter_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reporter's key as `spoon bootstrap keygen` writes it with a passphrase."""
    path = _write_key(tmp_path_factory.mktemp("enc-keys") / "SPOON_REPORTER_DEV.p8", PASSPHRASE)
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    return path


def test_dashboard_on_snowflake_with_an_encrypted_reporter_key(
    fakesnow_marts: dict[str, Any],
    encrypted_reporter_key: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """The dashboard app itself (its cached Reporter) connects with the real passphrase."""
    from streamlit.testing.v1 import AppTest

    for name, value in {
        "SPOON_WAREHOUSE": "snowflake",
        "SPOON_ENV": "dev",
        "SPOON_SNOWFLAKE_ACCOUNT": "fakesnow",
        "SPOON_SNOWFLAKE_HOST": fakesnow_marts["host"],
        "SPOON_SNOWFLAKE_PORT": str(fakesnow_marts["port"]),
        "SPOON_SNOWFLAKE_PROTOCOL": "http",
        "SPOON_SNOWFLAKE_REPORTER_PRIVATE_KEY_PATH": str(encrypted_reporter_key),
        "SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": PASSPHRASE,
        "SPOON_DASHBOARD_REFRESH_FILE": str(tmp_path / "refresh.json"),
        "SPOON_DBT_PROJECT_DIR": str(tmp_path / "dbt"),
    }.items():
        monkeypatch.setenv(name, value)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "Snowflake ANALYTICS_DEV.MARTS as REPORTER_DEV" in captions
    assert {m.label for m in at.metric} >= {"Net sales", "Orders"}


def test_settings_fingerprint_keeps_secrets_out_but_tells_them_apart() -> None:
    from spoon.dashboard.shell import settings_fingerprint

    a = settings_fingerprint(load_settings(snowflake_private_key_passphrase="Sesame-1"))
    b = settings_fingerprint(load_settings(snowflake_private_key_passphrase="Sesame-2"))
    assert a != b
    assert "Sesame" not in a + b


def test_a_wrong_passphrase_is_a_one_line_error(
    fakesnow_marts: dict[str, Any], encrypted_reporter_key: Path
) -> None:
    settings = _settings(fakesnow_marts, encrypted_reporter_key)
    for wrong in ("**********", ""):
        settings.snowflake_private_key_passphrase = SecretStr(wrong)
        backend = SnowflakeBackend.from_settings(settings)
        with pytest.raises(ReportingError, match="SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"):
            backend.query("select 1")
