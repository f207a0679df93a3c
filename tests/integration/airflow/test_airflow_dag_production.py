"""`dag.test()` of shopify_daily in production mode (SPOON_SOURCE=airbyte,
SPOON_WAREHOUSE=snowflake) on local stand-ins, every task the real one:

- extract: AirbyteTriggerSyncOperator (deferred; Airflow's own Airbyte provider) against the
  fake Airbyte API, whose sync job lands the demo shop as Parquet where the destination's
  configuration says (bucket and path on moto S3, the connection's namespace);
- load: the Snowpipe wait, as LOADER with an encrypted key pair, on fakesnow whose Snowpipe
  stand-in runs the pipes `snowflake/07_pipes.sql` created;
- dbt (cosmos, one task per model) with the `prod` profile (key pair) on fakesnow;
- docs and the dashboard's refresh file; the dashboard then reads the marts as REPORTER
  with its encrypted key.

The marts on fakesnow equal a DuckDB build of the same lake files, and a second run (a
second sync) loads no file twice and leaves the marts as they were.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import duckdb
import pytest
from support.airbyte_env import DEFINITION_VARS
from support.fake_airbyte_api import FakeAirbyteServer
from support.servers import FAKESNOW_CANNOT_RUN, fakesnow_server, fakesnow_settings
from typer.testing import CliRunner

from spoon.metrics import CORE_MONEY_COLUMNS
from spoon.orchestrate import steps
from spoon.orchestrate.runtime import airflow_connections
from spoon.settings import Settings, load_settings
from spoon.setup import sqlfiles
from spoon.setup.airbyte.cli import app as airbyte_app
from spoon.setup.connection import connect_admin
from spoon.setup.keygen import generate_all
from spoon.setup.snowflake import apply

REPO = Path(__file__).resolve().parents[3]
MONEY = CORE_MONEY_COLUMNS
BUCKET = "willows-spoon-prod-dag"
PASSPHRASE = "correct horse battery staple"  # a test key's passphrase

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _env(root: Path, project: tuple[Path, Path], port: int, airbyte: Any, s3: str) -> dict:
    """The scheduler's SPOON_* settings in production, on the stand-ins."""
    project_dir, manifest = project
    return {
        "SPOON_ENV_FILE": str(root / "none.env"),
        "SPOON_ENV": "prod",
        "SPOON_SOURCE": "airbyte",
        "SPOON_WAREHOUSE": "snowflake",
        "SPOON_LAKE_URL": f"s3://{BUCKET}/lake",
        "SPOON_S3_BUCKET": BUCKET,
        "SPOON_S3_PREFIX": "lake",
        "SPOON_AWS_ENDPOINT_URL": s3,
        "SPOON_AWS_ACCOUNT_ID": "123456789012",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # pragma: allowlist secret
        "AWS_DEFAULT_REGION": "us-east-1",
        "SPOON_SNOWFLAKE_ACCOUNT": "fakesnow",
        "SPOON_SNOWFLAKE_HOST": "127.0.0.1",
        "SPOON_SNOWFLAKE_PORT": str(port),
        "SPOON_SNOWFLAKE_PROTOCOL": "http",
        "SPOON_SNOWFLAKE_KEYS_DIR": str(root / "keys"),
        "SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE": PASSPHRASE,
        "SPOON_SNOWPIPE_POLL_S": "1",
        "SPOON_SNOWPIPE_REFRESH_AFTER_S": "20",
        "SPOON_SNOWPIPE_TIMEOUT_S": "120",
        # the demo shop names its files by its own (past) sync dates: look back far enough
        "SPOON_SNOWPIPE_LOOKBACK_HOURS": str(24 * 365 * 5),
        "SPOON_AIRBYTE_URL": airbyte.url,
        "SPOON_AIRBYTE_CLIENT_ID": airbyte.fake.client_id,
        "SPOON_AIRBYTE_CLIENT_SECRET": airbyte.fake.client_secret,
        "SPOON_DUCKDB_PATH": str(root / "unused.duckdb"),
        "SPOON_TRUTH_DIR": str(root / "truth"),
        "SPOON_DOCS_DIR": str(root / "docs"),
        "SPOON_DASHBOARD_REFRESH_FILE": str(root / "dashboard-refresh.json"),
        "SPOON_DBT_PROJECT_DIR": str(project_dir),
        "SPOON_DBT_MANIFEST_PATH": str(manifest),
        "SPOON_DBT_EXECUTABLE": str(REPO / ".venv-dbt" / "bin" / "dbt"),
        "SPOON_SHOP_TIMEZONE": "America/Los_Angeles",
        "SPOON_DAG_RETRIES": "0",  # dag.test() would sit out retry delays
        "SPOON_DEMO_ORDERS": "300",
        "SPOON_DEMO_DAYS": "45",
        "SPOON_DEMO_SEED": "13",
        # dbt's unit tests run on DuckDB (tests/integration/dbt); on fakesnow two of them hit
        # its temp-table limitation
        "DBT_EXCLUDE_RESOURCE_TYPES": "unit_test",
    }


def _lands_the_demo_shop(fake: Any, settings: Settings) -> Any:
    """The fake's sync: the demo shop's next sync, written where the connection's
    destination says (`s3_bucket_name`/`s3_bucket_path`/<namespace>/<stream>/...)."""

    def sync(connection: dict[str, Any]) -> None:
        dest = fake.destinations[connection["destinationId"]]["configuration"]
        lake = f"s3://{dest['s3_bucket_name']}/{dest['s3_bucket_path']}"
        shop = connection.get("namespaceFormat") or settings.namespaces[0]
        steps.extract("demo", settings=settings.model_copy(update={"lake_url": lake}), shop=shop)

    return sync


@pytest.fixture(scope="module")
def production(
    moto_endpoint: str,
    dbt_project: tuple[Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("production")
    with fakesnow_server(moto_endpoint) as port, FakeAirbyteServer() as airbyte:
        env = _env(root, dbt_project, port, airbyte, moto_endpoint)
        definitions = root / "airbyte"
        definitions.mkdir()
        for path in (REPO / "airbyte").glob("*.yaml"):
            (definitions / path.name).write_text(path.read_text())
        # this process's environment too: the fake's sync writes the lake from here
        with mock.patch.dict(os.environ, env | DEFINITION_VARS | {"SPOON_S3_BUCKET": BUCKET}):
            boto3.client("s3", endpoint_url=moto_endpoint).create_bucket(Bucket=BUCKET)
            settings = load_settings()
            admin = fakesnow_settings(port, root / "keys")
            generate_all(admin)  # the service users' encrypted key pairs (PASSPHRASE)
            conn = connect_admin(admin)
            try:  # the bootstrap's executable part, the pipes included (the stand-in)
                skip = FAKESNOW_CANNOT_RUN - {"CREATE PIPE"}
                apply(conn, sqlfiles.statements(admin), skip=lambda st: st.kind in skip)
            finally:
                conn.close()
            applied = CliRunner().invoke(airbyte_app, ["apply", "--dir", str(definitions)])
            assert applied.exit_code == 0, applied.output
            airbyte.fake.on_sync = _lands_the_demo_shop(airbyte.fake, settings)
            env |= airflow_connections(settings)  # AIRFLOW_CONN_AIRBYTE_DEFAULT, as the image
            yield {"env": env, "settings": admin, "app": settings, "airbyte": airbyte,
                   "root": root}  # fmt: skip


def _raw(settings: Settings) -> dict[str, list[str]]:
    """Each raw table's loaded file names (one per row)."""
    conn = connect_admin(settings)
    try:
        cur = conn.cursor()
        out = {}
        for table in ("ORDERS", "CUSTOMERS", "ORDER_REFUNDS", "TRANSACTIONS"):
            cur.execute(f"SELECT _file_name FROM RAW.RAW.{table}")
            out[table] = sorted(r[0] for r in cur.fetchall())
        return out
    finally:
        conn.close()


def _snowflake_daily(settings: Settings) -> list[tuple[Any, ...]]:
    conn = connect_admin(settings)
    try:
        cur = conn.cursor()
        cur.execute(  # fakesnow hands back SUM(NUMBER) as a float: cast it back to money
            "SELECT count(*), "
            + ", ".join(f"cast(sum({m}) as number(18, 2))" for m in MONEY)
            + " FROM ANALYTICS.MARTS.RPT_DAILY_SALES"
        )
        row = cur.fetchone()
        return [tuple(Decimal(str(v)) for v in row)]
    finally:
        conn.close()


def _duckdb_daily(env: dict[str, str], root: Path) -> list[tuple[Any, ...]]:
    """The embedded path on the same lake files: load and build into a DuckDB file."""
    duck = {**env, "SPOON_WAREHOUSE": "duckdb", "SPOON_ENV": "dev", "SPOON_DBT_TARGET": "dev",
            "SPOON_DUCKDB_PATH": str(root / "same-lake.duckdb")}  # fmt: skip
    with mock.patch.dict(os.environ, duck):
        settings = load_settings()
        steps.load(settings)
        steps.transform(settings=settings)
    with duckdb.connect(duck["SPOON_DUCKDB_PATH"], read_only=True) as con:
        row = con.execute(
            f"select count(*), {', '.join(f'sum({m})' for m in MONEY)} from marts.rpt_daily_sales"
        ).fetchone()
    assert row is not None
    return [tuple(Decimal(str(v)) for v in row)]


@pytest.fixture(scope="module")
def two_runs(production: dict[str, Any], driver: Any) -> dict[str, Any]:
    settings, env = production["settings"], production["env"]
    first = driver("test", env, timeout=1500)
    raw_first, marts_first = _raw(settings), _snowflake_daily(settings)
    second = driver("test", env, timeout=1500)
    return {
        "first": first,
        "second": second,
        "raw_first": raw_first,
        "raw_second": _raw(settings),
        "marts_first": marts_first,
        "marts_second": _snowflake_daily(settings),
    }


def test_every_task_of_the_production_dag_succeeds(two_runs: dict[str, Any]) -> None:
    for run in ("first", "second"):
        result = two_runs[run]
        failed = {t: s for t, s in result["tasks"].items() if s != "success"}
        assert result["state"] == "success" and not failed, (run, failed, result["log"])
    tasks = set(two_runs["first"]["tasks"])
    assert {"extract.find_connection", "extract.sync", "load", "docs", "dashboard"} <= {
        t.rsplit(".", 1)[-1] if t.startswith("publish.") else t for t in tasks
    }
    assert any(t.startswith("dbt.") for t in tasks)


def test_each_sync_is_one_airbyte_job_and_lands_in_the_lake(
    two_runs: dict[str, Any], production: dict[str, Any]
) -> None:
    fake = production["airbyte"].fake
    assert [j["status"] for j in fake.jobs.values()] == ["succeeded", "succeeded"]
    assert two_runs["raw_first"]["ORDERS"], "the first sync's orders were not loaded"


def test_the_marts_on_snowflake_equal_the_embedded_build_of_the_same_files(
    two_runs: dict[str, Any], production: dict[str, Any]
) -> None:
    snow = two_runs["marts_second"]
    assert snow[0][0] > 30  # days with sales
    assert snow == _duckdb_daily(production["env"], production["root"])


def test_a_second_run_loads_no_file_twice_and_changes_no_mart(two_runs: dict[str, Any]) -> None:
    for table, names in two_runs["raw_second"].items():
        first = two_runs["raw_first"][table]
        # every file of the first run still loaded once; the second sync's files are new
        assert set(first) <= set(names), table
        per_file = {n: names.count(n) for n in set(first)}
        assert per_file == {n: first.count(n) for n in set(first)}, table
    assert two_runs["marts_second"] == two_runs["marts_first"]


def test_docs_and_the_dashboard_refresh_are_published(
    two_runs: dict[str, Any], production: dict[str, Any]
) -> None:
    root = production["root"]
    assert (root / "docs" / "index.html").stat().st_size > 10_000
    assert (root / "dashboard-refresh.json").exists()


def test_the_dashboard_reads_the_marts_as_reporter_with_its_encrypted_key(
    two_runs: dict[str, Any], production: dict[str, Any]
) -> None:
    from spoon.dashboard.service import Reporter

    reporter = Reporter.from_settings(production["app"])  # SPOON_REPORTER.p8 + PASSPHRASE
    assert reporter.describe() == "Snowflake ANALYTICS.MARTS as REPORTER"
    bounds = reporter.bounds()
    assert bounds is not None
    totals = reporter.totals(bounds)
    days, *sums = two_runs["marts_second"][0]
    assert bounds.days >= days > 30
    assert [totals.money[m] for m in MONEY] == sums
