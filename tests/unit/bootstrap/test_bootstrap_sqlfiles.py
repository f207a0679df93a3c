"""The SQL files in snowflake/: they parse as Snowflake SQL, are idempotent by construction
and give each role only what it needs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from spoon.errors import SettingsError
from spoon.names import STREAMS, snowflake_names
from spoon.setup import sqlfiles

SQLFLUFF = str(Path(sys.executable).parent / "sqlfluff")
SQL_DIR = Path(__file__).resolve().parents[3] / "snowflake"


def _parse(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SQLFLUFF, "parse", "--dialect", "snowflake", str(path)],
        capture_output=True,
        text=True,
        cwd=path if path.is_dir() else path.parent,
    )


def _write_rendered(settings, folder: Path) -> list[Path]:
    folder.mkdir()
    paths = []
    for name, sql in sqlfiles.render_all(settings).items():
        (folder / name).write_text(sql)
        paths.append(folder / name)
    return paths


def test_rendered_files_parse_as_snowflake_sql(make_settings, tmp_path: Path) -> None:
    paths = _write_rendered(make_settings(), tmp_path / "rendered")
    assert [p.name for p in paths] == sorted(p.name for p in SQL_DIR.glob("[0-9][0-9]_*.sql"))
    out = _parse(tmp_path / "rendered")
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "unparsable" not in out.stdout


def test_templates_parse_with_the_sample_context() -> None:
    out = _parse(SQL_DIR)  # snowflake/.sqlfluff: jinja templater and sample values
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "unparsable" not in out.stdout


def test_a_broken_statement_fails_the_parse(make_settings, tmp_path: Path) -> None:
    paths = _write_rendered(make_settings(), tmp_path / "rendered")
    target = next(p for p in paths if p.name.startswith("06_"))
    target.write_text(target.read_text().replace("CREATE TABLE", "CREATE TABEL", 1))
    out = _parse(tmp_path / "rendered")
    assert out.returncode != 0
    assert "unparsable" in out.stdout or "PRS" in out.stdout


def test_files_render_from_settings_only(make_settings) -> None:
    prod = sqlfiles.statements(make_settings())
    dev = sqlfiles.statements(make_settings(env="dev"))
    assert len(prod) == len(dev)
    text_prod = "\n".join(sqlfiles._strip_comments(s.sql) for s in prod)
    text_dev = "\n".join(sqlfiles._strip_comments(s.sql) for s in dev)
    assert "CREATE DATABASE IF NOT EXISTS RAW\n" in text_prod
    assert "CREATE DATABASE IF NOT EXISTS RAW_DEV\n" in text_dev
    assert "ANALYTICS_DEV" in text_dev and "_DEV" not in text_prod
    assert "URL = 's3://willows-spoon-lake/lake/'" in text_prod
    assert "arn:aws:iam::123456789012:role/spoon-snowflake'" in text_prod
    assert "arn:aws:iam::123456789012:role/spoon-snowflake-dev'" in text_dev
    assert "{{" not in text_prod and "{%" not in text_prod
    assert "CREATE ROLE IF NOT EXISTS LOADER_DEV" in text_dev


def test_missing_settings_are_named(make_settings) -> None:
    with pytest.raises(SettingsError, match=r"SPOON_S3_BUCKET, SPOON_AWS_ACCOUNT_ID not set"):
        sqlfiles.statements(make_settings(s3_bucket="", aws_account_id=""))


def test_every_create_is_idempotent(make_settings) -> None:
    for st in sqlfiles.statements(make_settings()):
        sql = sqlfiles._strip_comments(st.sql).upper()
        assert "OR REPLACE" not in sql, st.sql
        assert not re.search(r"\bDROP\b", sql), st.sql
        if st.kind.startswith("CREATE"):
            assert "IF NOT EXISTS" in sql, st.sql


def test_roles_per_statement(make_settings) -> None:
    """USERADMIN makes roles and users, SECURITYADMIN grants, SYSADMIN owns objects; only
    the resource monitor and the storage integration need ACCOUNTADMIN."""
    role = None
    acting: dict[str, set[str]] = {}
    for st in sqlfiles.statements(make_settings()):
        if st.kind == "USE ROLE":
            role = st.role
            continue
        assert role is not None, f"{st.file} runs a statement before USE ROLE"
        acting.setdefault(st.kind, set()).add(role)
    assert acting["CREATE ROLE"] == {"USERADMIN"}
    assert acting["CREATE USER"] == {"USERADMIN"}
    assert acting["GRANT"] == {"SECURITYADMIN", "ACCOUNTADMIN"}
    for kind in (
        "CREATE DATABASE",
        "CREATE SCHEMA",
        "CREATE TABLE",
        "CREATE PIPE",
        "CREATE STAGE",
        "CREATE FILE FORMAT",
        "CREATE WAREHOUSE",
    ):
        assert acting[kind] == {"SYSADMIN"}, kind
    admin_kinds = {k for k, roles in acting.items() if "ACCOUNTADMIN" in roles}
    assert admin_kinds == {
        "CREATE RESOURCE MONITOR",
        "ALTER RESOURCE MONITOR",
        "ALTER WAREHOUSE",  # SET RESOURCE_MONITOR only
        "CREATE STORAGE INTEGRATION",
        "ALTER STORAGE INTEGRATION",
        "GRANT",  # USAGE ON INTEGRATION TO SYSADMIN
    }


def test_warehouses_and_monitor(make_settings) -> None:
    sts = sqlfiles.statements(make_settings(snowflake_credit_quota=7))
    whs = [s.sql for s in sts if s.kind == "CREATE WAREHOUSE"]
    assert len(whs) == 3
    for sql in whs:
        for setting in (
            "WAREHOUSE_SIZE = XSMALL",
            "AUTO_SUSPEND = 60",
            "AUTO_RESUME = TRUE",
            "INITIALLY_SUSPENDED = TRUE",
        ):
            assert setting in sql
    monitor = next(s.sql for s in sts if s.kind == "CREATE RESOURCE MONITOR")
    assert "CREDIT_QUOTA = 7" in monitor and "FREQUENCY = MONTHLY" in monitor
    assigned = [s.sql for s in sts if "SET RESOURCE_MONITOR = SPOON_MONITOR" in s.sql]
    assert len(assigned) == 3


def test_raw_tables_and_pipes_follow_contract_2(make_settings) -> None:
    sts = sqlfiles.statements(make_settings())
    tables = [s.sql for s in sts if s.kind == "CREATE TABLE"]
    pipes = [s.sql for s in sts if s.kind == "CREATE PIPE"]
    assert len(tables) == len(pipes) == len(STREAMS) == 9
    for stream, table, pipe in zip(STREAMS, tables, pipes, strict=True):
        assert f"RAW.RAW.{stream.upper()} (" in table
        cols = re.findall(r"^\s+(\w+) (VARIANT|VARCHAR|TIMESTAMP_NTZ)", table, re.M)
        assert [c for c, _ in cols] == [
            "record",
            "_airbyte_raw_id",
            "_airbyte_extracted_at",
            "_file_name",
            "_loaded_at",
        ]
        assert "AUTO_INGEST = TRUE" in pipe
        assert f"COPY INTO RAW.RAW.{stream.upper()}\n" in pipe
        assert "$1," in pipe and "METADATA$FILENAME" in pipe
        assert f"FROM @RAW.RAW.LAKE/shopify/{stream}/" in pipe


def _grants(sts, role: str) -> list[str]:
    out = []
    for s in sts:
        text = " ".join(sqlfiles._strip_comments(s.sql).split()).rstrip(";")
        if s.kind == "GRANT" and text.endswith(f"ROLE {role}"):
            out.append(text)
    return out


def test_least_privilege_grants(make_settings) -> None:
    sts = sqlfiles.statements(make_settings())
    reporter = _grants(sts, "REPORTER")
    assert reporter and all("RAW" not in g.replace("REPORTER", "") for g in reporter), reporter
    allowed = r"ON (WAREHOUSE REPORTING|DATABASE ANALYTICS|.*SCHEMA ANALYTICS\.(MARTS|AUDIT))"
    assert all(re.search(allowed, g) for g in reporter), reporter
    assert "GRANT SELECT ON FUTURE TABLES IN SCHEMA ANALYTICS.MARTS TO ROLE REPORTER" in reporter
    assert "GRANT SELECT ON FUTURE VIEWS IN SCHEMA ANALYTICS.MARTS TO ROLE REPORTER" in reporter
    loader = _grants(sts, "LOADER")
    assert loader and all("ANALYTICS" not in g for g in loader), loader
    assert "GRANT SELECT, INSERT ON FUTURE TABLES IN SCHEMA RAW.RAW TO ROLE LOADER" in loader
    assert not any(re.search(r"\b(UPDATE|DELETE|TRUNCATE|OWNERSHIP)\b", g) for g in loader)
    transformer = _grants(sts, "TRANSFORMER")
    raw_grants = [g for g in transformer if " RAW" in g]
    assert all(re.match(r"GRANT (USAGE|SELECT) ON", g) for g in raw_grants), raw_grants
    assert "GRANT SELECT ON FUTURE TABLES IN SCHEMA RAW.RAW TO ROLE TRANSFORMER" in transformer
    for role in ("LOADER", "TRANSFORMER", "REPORTER"):
        assert any(s.sql == f"GRANT ROLE {role} TO ROLE SYSADMIN;" for s in sts), role


def test_service_users_use_key_pairs(make_settings, tmp_path: Path) -> None:
    from spoon.setup.keygen import generate_all

    settings = make_settings()
    pairs = generate_all(settings)
    sts = sqlfiles.statements(settings)
    users = [s.sql for s in sts if s.kind == "CREATE USER"]
    assert len(users) == 3
    for pair, sql in zip(pairs, users, strict=True):
        assert f"CREATE USER IF NOT EXISTS {pair.user}\n" in sql
        assert "TYPE = SERVICE" in sql
        assert "PASSWORD" not in sql.upper()
        key = pair.public_path.read_text().strip()
        assert f"RSA_PUBLIC_KEY = '{key}'" in sql
    assert sqlfiles.missing_public_keys(settings) == []
    names = snowflake_names(settings)
    for user, role in names.users.items():
        assert any(s.sql == f"GRANT ROLE {role} TO USER {user};" for s in sts)


def test_statement_kinds() -> None:
    st = sqlfiles.Statement("x.sql", 1, "-- a comment\nCREATE STORAGE INTEGRATION IF NOT EXISTS X")
    assert st.kind == "CREATE STORAGE INTEGRATION"
    assert sqlfiles.Statement("x.sql", 1, "grant usage on x to role y").kind == "GRANT"
    assert sqlfiles.Statement("x.sql", 1, "USE ROLE sysadmin;").role == "SYSADMIN"


def test_sql_dir_without_files_is_an_error(tmp_path: Path) -> None:
    from spoon.errors import SpoonError

    with pytest.raises(SpoonError, match=r"no NN_name\.sql files"):
        sqlfiles.sql_files(tmp_path)


def test_pipes_cover_every_shop_and_the_default_shop_keeps_its_names(make_settings) -> None:
    """One pipe per shop and stream into the stream's one raw table; the default shop
    (SPOON_LAKE_NAMESPACE) keeps `{STREAM}_PIPE`, the others get `{NS}_{STREAM}_PIPE`; the
    loader may watch and refresh each; every statement is IF NOT EXISTS (idempotent)."""
    sts = sqlfiles.statements(make_settings(lake_namespaces="shopify,shop_eu"))
    tables = [s.sql for s in sts if s.kind == "CREATE TABLE"]
    pipes = [s.sql for s in sts if s.kind == "CREATE PIPE"]
    assert len(tables) == len(STREAMS) and len(pipes) == 2 * len(STREAMS)
    for stream in STREAMS:
        default = next(p for p in pipes if f"RAW.RAW.{stream.upper()}_PIPE\n" in p)
        other = next(p for p in pipes if f"RAW.RAW.SHOP_EU_{stream.upper()}_PIPE\n" in p)
        assert f"FROM @RAW.RAW.LAKE/shopify/{stream}/" in default
        assert f"FROM @RAW.RAW.LAKE/shop_eu/{stream}/" in other
        for pipe in (default, other):
            assert pipe.startswith("CREATE PIPE IF NOT EXISTS")
            assert f"COPY INTO RAW.RAW.{stream.upper()}\n" in pipe
    granted = " ".join(_grants(sts, "LOADER"))
    assert f"ON PIPE RAW.RAW.SHOP_EU_{STREAMS[0].upper()}_PIPE" in granted
    assert granted.count("GRANT MONITOR, OPERATE ON PIPE") == 2 * len(STREAMS)


def test_shops_without_the_default_one_all_get_prefixed_pipes(make_settings) -> None:
    sts = sqlfiles.statements(make_settings(lake_namespaces="shop_us,shop_eu"))
    names = sorted(s.sql.split()[5] for s in sts if s.kind == "CREATE PIPE")
    assert len(names) == 2 * len(STREAMS)
    assert all(n.startswith(("RAW.RAW.SHOP_US_", "RAW.RAW.SHOP_EU_")) for n in names), names
