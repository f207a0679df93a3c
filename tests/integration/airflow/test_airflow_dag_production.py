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

The marts on fakesnow equal a DuckDB build of the same lake files. One run: the compose
stack's production test (tests/stack/test_stack_production.py, in `make test-stack`) runs
the same DAG twice in the real images and checks that the second run loads no file twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import pytest
from support.airbyte_env import DEFINITION_VARS
from support.fake_airbyte_api import FakeAirbyteServer
from support.production import (
    BUCKET,
    MONEY,
    bootstrap_fakesnow,
    duckdb_daily,
    lands_the_demo_shop,
    production_env,
    raw_file_names,
    snowflake_daily,
)
from support.servers import fakesnow_server
from typer.testing import CliRunner

from spoon.orchestrate.runtime import airflow_connections
from spoon.settings import load_settings
from spoon.setup.airbyte.cli import app as airbyte_app

REPO = Path(__file__).resolve().parents[3]

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _env(root: Path, project: tuple[Path, Path], port: int, airbyte: Any, s3: str) -> dict:
    """The scheduler's settings in production, on the stand-ins."""
    project_dir, manifest = project
    client = (airbyte.fake.client_id, airbyte.fake.client_secret)
    return production_env(
        snowflake=("127.0.0.1", port), s3_endpoint=s3, airbyte_url=airbyte.url, client=client
    ) | {
        "SPOON_ENV_FILE": str(root / "none.env"),
        "SPOON_SNOWFLAKE_KEYS_DIR": str(root / "keys"),
        "SPOON_DUCKDB_PATH": str(root / "unused.duckdb"),
        "SPOON_TRUTH_DIR": str(root / "truth"),
        "SPOON_DOCS_DIR": str(root / "docs"),
        "SPOON_DASHBOARD_REFRESH_FILE": str(root / "dashboard-refresh.json"),
        "SPOON_DBT_PROJECT_DIR": str(project_dir),
        "SPOON_DBT_MANIFEST_PATH": str(manifest),
        "SPOON_DBT_EXECUTABLE": str(REPO / ".venv-dbt" / "bin" / "dbt"),
        "SPOON_DAG_RETRIES": "0",  # dag.test() would sit out retry delays
        # dbt's unit tests run on DuckDB (tests/integration/dbt); on fakesnow two of them hit
        # its temp-table limitation
        "DBT_EXCLUDE_RESOURCE_TYPES": "unit_test",
    }


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
            admin = bootstrap_fakesnow(port, root / "keys")
            applied = CliRunner().invoke(airbyte_app, ["apply", "--dir", str(definitions)])
            assert applied.exit_code == 0, applied.output
            airbyte.fake.on_sync = lands_the_demo_shop(airbyte.fake, settings)
            env |= airflow_connections(settings)  # AIRFLOW_CONN_AIRBYTE_DEFAULT, as the image
            yield {"env": env, "settings": admin, "app": settings, "airbyte": airbyte,
                   "root": root}  # fmt: skip


@pytest.fixture(scope="module")
def one_run(production: dict[str, Any], driver: Any) -> dict[str, Any]:
    settings, env = production["settings"], production["env"]
    result = driver("test", env, timeout=1500)
    return {"run": result, "raw": raw_file_names(settings), "marts": snowflake_daily(settings)}


def test_every_task_of_the_production_dag_succeeds(one_run: dict[str, Any]) -> None:
    result = one_run["run"]
    failed = {t: s for t, s in result["tasks"].items() if s != "success"}
    assert result["state"] == "success" and not failed, (failed, result["log"])
    tasks = set(result["tasks"])
    assert {"extract.find_connection", "extract.sync", "load", "docs", "dashboard"} <= {
        t.rsplit(".", 1)[-1] if t.startswith("publish.") else t for t in tasks
    }
    assert any(t.startswith("dbt.") for t in tasks)


def test_each_sync_is_one_airbyte_job_and_lands_in_the_lake(
    one_run: dict[str, Any], production: dict[str, Any]
) -> None:
    fake = production["airbyte"].fake
    assert [j["status"] for j in fake.jobs.values()] == ["succeeded"]
    assert one_run["raw"]["ORDERS"], "the first sync's orders were not loaded"


def test_the_marts_on_snowflake_equal_the_embedded_build_of_the_same_files(
    one_run: dict[str, Any], production: dict[str, Any]
) -> None:
    snow = one_run["marts"]
    assert snow[0][0] > 30  # days with sales
    assert snow == duckdb_daily(production["env"], production["root"])


def test_docs_and_the_dashboard_refresh_are_published(
    one_run: dict[str, Any], production: dict[str, Any]
) -> None:
    root = production["root"]
    assert (root / "docs" / "index.html").stat().st_size > 10_000
    rows = json.loads((root / "dashboard-refresh.json").read_text())["rows"]
    days = one_run["marts"][0][0]  # rpt_daily_sales' rows on Snowflake
    assert rows["rpt_daily_sales"] == days > 30, rows  # counted on Snowflake, not {}
    assert min(rows["fct_sales"], rows["fct_orders"], rows["dim_customers"]) > 0, rows


def test_the_dashboard_reads_the_marts_as_reporter_with_its_encrypted_key(
    one_run: dict[str, Any], production: dict[str, Any]
) -> None:
    from spoon.dashboard.service import Reporter

    reporter = Reporter.from_settings(production["app"])  # SPOON_REPORTER.p8 + PASSPHRASE
    assert reporter.describe() == "Snowflake ANALYTICS.MARTS as REPORTER"
    bounds = reporter.bounds()
    assert bounds is not None
    totals = reporter.totals(bounds)
    days, *sums = one_run["marts"][0]
    assert bounds.days >= days > 30
    assert [totals.money[m] for m in MONEY] == sums
