"""The executable part of the Snowflake bootstrap, applied twice to a fakesnow server:
the second run changes nothing (and keeps the data already loaded)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr
from support.servers import fakesnow_settings

from spoon.errors import SettingsError
from spoon.names import STREAMS
from spoon.setup import sqlfiles
from spoon.setup.connection import connect_admin
from spoon.setup.snowflake import apply


def _snapshot(conn: Any, raw_db: str, analytics_db: str) -> dict[str, list[tuple[Any, ...]]]:
    cur = conn.cursor()
    snap = {}
    for db in (raw_db, analytics_db):
        cur.execute(
            f"SELECT table_schema, table_name, column_name, data_type, is_nullable "
            f"FROM {db}.information_schema.columns ORDER BY 1, 2, column_name"
        )
        snap[f"{db} columns"] = cur.fetchall()
        cur.execute(f"SHOW SCHEMAS IN DATABASE {db}")
        snap[f"{db} schemas"] = sorted((r[1], str(r[0])) for r in cur.fetchall())
    cur.execute(f"SHOW STAGES IN SCHEMA {raw_db}.RAW")
    snap["stages"] = cur.fetchall()
    cur.execute("SHOW DATABASES")
    snap["databases"] = sorted((r[1], str(r[0])) for r in cur.fetchall())
    return snap


@pytest.mark.slow
def test_bootstrap_twice_changes_nothing(
    fakesnow_port: int, fakesnow_cannot_run: frozenset[str], tmp_path
) -> None:
    settings = fakesnow_settings(
        fakesnow_port,
        tmp_path / "keys",
        env="prod",
        s3_bucket="willows-spoon-lake",
        aws_account_id="123456789012",
        snowflake_allowed_ips="203.0.113.7",  # renders the network policy too
    )
    statements = sqlfiles.statements(settings)
    skip = lambda st: st.kind in fakesnow_cannot_run  # noqa: E731
    conn = connect_admin(settings)  # the bootstrap's own connection code, password flavour
    try:
        first = apply(conn, statements, skip=skip)
        # the declared list is exact: every kind in it occurs, nothing else is skipped
        assert {st.kind for st in first.skipped} == fakesnow_cannot_run
        ran = {st.kind for st, _ in first.executed}
        assert ran == {
            "USE ROLE",
            "CREATE DATABASE",
            "CREATE SCHEMA",
            "CREATE FILE FORMAT",
            "CREATE STAGE",
            "CREATE TABLE",
        }
        assert len(first.executed) + len(first.skipped) == len(statements)

        cur = conn.cursor()
        cur.execute(
            "INSERT INTO RAW.RAW.ORDERS SELECT PARSE_JSON('{\"id\": 1}'), 'raw-1', "
            "'2026-01-02 02:30:00'::TIMESTAMP_NTZ, 'shopify/orders/f.parquet', "
            "'2026-01-02 02:31:00'::TIMESTAMP_NTZ"
        )
        before = _snapshot(conn, "RAW", "ANALYTICS")
        raw_cols = {(t, c.lower()) for sch, t, c, *_ in before["RAW columns"] if sch == "RAW"}
        assert len(raw_cols) == len(STREAMS) * 5, sorted(raw_cols)
        assert ("ORDERS", "_loaded_at") in raw_cols and ("SHOP", "record") in raw_cols
        assert len(before["stages"]) == 1
        assert {s for s, _ in before["ANALYTICS schemas"]} >= {"STAGING", "INTERMEDIATE", "MARTS"}

        second = apply(conn, statements, skip=skip)
        after = _snapshot(conn, "RAW", "ANALYTICS")
        assert after == before
        assert [st for st, _ in second.executed] == [st for st, _ in first.executed]
        cur.execute("SELECT _airbyte_raw_id, record:id::int FROM RAW.RAW.ORDERS")
        assert cur.fetchall() == [("raw-1", 1)]
    finally:
        conn.close()


def test_service_user_connects_with_an_encrypted_key_pair(fakesnow_port: int, tmp_path) -> None:
    """keygen -> the load step's own key-pair connection (the JWT login fakesnow accepts)."""
    from spoon.setup.keygen import generate_all
    from spoon.setup.snowflake import doctor_check

    settings = fakesnow_settings(
        fakesnow_port,
        tmp_path / "keys",
        admin=False,
        env="prod",
        snowflake_private_key_passphrase="correct horse",
    )
    generate_all(settings)
    assert doctor_check(settings).startswith("fakesnow: ")
    wrong = settings.model_copy(update={"snowflake_private_key_passphrase": SecretStr("nope")})
    with pytest.raises(SettingsError, match=r"cannot read private key .*SPOON_LOADER\.p8"):
        doctor_check(wrong)
