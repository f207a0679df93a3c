"""The Snowflake path end to end, on local stand-ins: demo shop -> lake on moto S3 -> each
pipe's COPY statement run by fakesnow from the S3 stage -> `dbt build` with dbt-snowflake
(target `fakesnow`) -> the same mart totals as the DuckDB path on the same lake."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import boto3
import duckdb
import pytest
from support.servers import fakesnow_settings

from spoon.load.lake import Lake
from spoon.metrics import CORE_MONEY_COLUMNS
from spoon.setup import sqlfiles
from spoon.setup.connection import connect_admin
from spoon.setup.snowflake import apply

REPO = Path(__file__).resolve().parents[3]
SPOON = str(Path(sys.executable).parent / "spoon")
DBT = REPO / ".venv-dbt" / "bin" / "dbt"
MONEY = CORE_MONEY_COLUMNS
BUCKET = "willows-spoon-e2e"


pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def _run(cmd: list[str], env: dict[str, str], cwd: Path) -> str:
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    assert out.returncode == 0, (
        f"{' '.join(cmd)} failed:\n{out.stdout[-4000:]}\n{out.stderr[-4000:]}"
    )
    return out.stdout


#: shops of a run: the default single shop, and two shops in different zones and currencies
RUNS = {
    "one_shop": {},
    "two_shops": {
        "SPOON_LAKE_NAMESPACES": "shop_us,shop_eu",
        "SPOON_DEMO_ORDERS": "300",
        "SPOON_DEMO_DAYS": "60",
    },
}


@pytest.mark.parametrize("run", list(RUNS))
def test_snowflake_path_matches_duckdb(
    run: str,
    aws_env: str,
    fakesnow_port: int,
    fakesnow_cannot_run: frozenset[str],
    tmp_path: Path,
) -> None:
    """Per shop (two shops: each shop's own rows), the same mart totals on both paths."""
    bucket = f"{BUCKET}-{run.replace('_', '-')}"
    # each run its own databases in the session's fakesnow (its stage points at its bucket)
    sfx = f"_{run.upper()}"
    shops = RUNS[run].get("SPOON_LAKE_NAMESPACES", "")
    boto3.client("s3", endpoint_url=aws_env, region_name="us-east-1").create_bucket(Bucket=bucket)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOON_")} | {
        "SPOON_ENV_FILE": str(tmp_path / "none.env"),
        "SPOON_LAKE_URL": f"s3://{bucket}/lake",
        "SPOON_AWS_ENDPOINT_URL": aws_env,
        "SPOON_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
        "SPOON_TRUTH_DIR": str(tmp_path / "truth"),
        "SPOON_DEMO_ORDERS": "600",
        "SPOON_DEMO_DAYS": "90",
        "SPOON_DEMO_SEED": "11",
        **RUNS[run],
    }
    # per shop with several (marts carry `shop`, contract 4), else the whole warehouse
    by_shop = "shop, " if shops else ""
    group = " group by shop order by shop" if shops else ""
    # 1) the demo shop lands in the lake on (moto) S3; the DuckDB path loads the same files
    _run([SPOON, "extract"], env, tmp_path)
    _run([SPOON, "load"], env, tmp_path)
    _run([SPOON, "transform"], env, tmp_path)
    with duckdb.connect(env["SPOON_DUCKDB_PATH"], read_only=True) as con:
        ducks = con.execute(
            f"select {by_shop}count(*), {', '.join(f'sum({m})' for m in MONEY)} "
            f"from marts.rpt_daily_sales{group}"
        ).fetchall()
    assert len(ducks) == (len(shops.split(",")) if shops else 1)
    for duck in ducks:
        assert duck[-8] > 30 and duck[-7] > 0

    # 2) bootstrap the executable part, then run each pipe's own COPY statement
    settings = fakesnow_settings(
        fakesnow_port,
        tmp_path / "keys",
        env="prod",
        lake_namespaces=shops,
        s3_bucket=bucket,
        s3_prefix="lake",
        aws_account_id="123456789012",
        snowflake_env_suffix=sfx,
    )
    statements = sqlfiles.statements(settings)
    conn = connect_admin(settings)
    try:
        apply(conn, statements, skip=lambda st: st.kind in fakesnow_cannot_run)
        cur = conn.cursor()
        loaded = 0
        for st in (s for s in statements if s.kind == "CREATE PIPE"):
            cur.execute(sqlfiles.pipe_copy(st))
            for row in cur.fetchall():
                if row == ("Copy executed with 0 files processed.",):
                    continue  # a stream with no file in this shop (e.g. no refunds yet)
                assert row[1] == "LOADED", row
                loaded += 1
        lake = Lake(env["SPOON_LAKE_URL"])
        # every file of every shop, each by its own shop's pipe
        assert loaded == sum(len(lake.list_files(ns)) for ns in settings.namespaces) >= 8
        cur.execute(f"SELECT _file_name, _loaded_at FROM RAW{sfx}.RAW.ORDERS")
        rows = cur.fetchall()
        assert {name.split("/")[0] for name, _ in rows} == set(
            shops.split(",") if shops else ["shopify"]
        )
        assert all(n.endswith(".parquet") and at is not None for n, at in rows)
    finally:
        conn.close()

    # 3) dbt-snowflake builds the marts on fakesnow
    dbt_env = env | {
        "SPOON_DBT_TARGET": "fakesnow",
        "SPOON_SNOWFLAKE_HOST": "127.0.0.1",
        "SPOON_SNOWFLAKE_PORT": str(fakesnow_port),
        "SPOON_SNOWFLAKE_PROTOCOL": "http",
        "SPOON_SNOWFLAKE_DATABASE": f"ANALYTICS{sfx}",
        "SPOON_SNOWFLAKE_RAW_DATABASE": f"RAW{sfx}",
        "DBT_LOG_PATH": str(tmp_path / "dbt-logs"),
        "DO_NOT_TRACK": "1",
    }
    _run(
        [
            str(DBT),
            "build",
            # dbt unit tests run on DuckDB (tests/integration/dbt); on fakesnow two of them
            # hit its temp-table limitation ("TEMPORARY table names can only use temp")
            "--exclude-resource-type",
            "unit_test",
            "--project-dir",
            str(REPO / "dbt"),
            "--profiles-dir",
            str(REPO / "dbt"),
            "--target",
            "fakesnow",
            "--target-path",
            str(tmp_path / "dbt-target"),
        ],
        dbt_env,
        tmp_path,
    )

    # 4) the same totals as the DuckDB path
    conn = connect_admin(settings)
    try:
        cur = conn.cursor()
        cur.execute(
            # fakesnow hands back SUM(NUMBER) as a float: cast it back to exact money
            f"select {by_shop}count(*), "
            f"{', '.join(f'cast(sum({m}) as number(18, 2))' for m in MONEY)} "
            f"from ANALYTICS{sfx}.MARTS.RPT_DAILY_SALES{group}"
        )
        snows = cur.fetchall()
    finally:
        conn.close()
    assert len(snows) == len(ducks)
    for snow, duck in zip(snows, ducks, strict=True):
        assert snow[: -len(MONEY)] == duck[: -len(MONEY)]  # the shop and its days
        for name, s, d in zip(MONEY, snow[-len(MONEY) :], duck[-len(MONEY) :], strict=True):
            assert Decimal(str(s)) == Decimal(str(d)), (name, snow[0])
