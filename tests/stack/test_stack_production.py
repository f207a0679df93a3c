"""The production stack test: the compose stack in production mode (SPOON_SOURCE=airbyte,
SPOON_WAREHOUSE=snowflake) in the private Docker engine of `make test-stack`, wired to
stand-ins on a Docker network of their own, every one a container driven with
testcontainers:

- `moto` as S3 (the lake bucket);
- `fakesnow` as Snowflake: its S3 stages read moto, its Snowpipe stand-in runs the pipes
  `snowflake/07_pipes.sql` creates when files land, and answers COPY_HISTORY;
- `fake-airbyte`, the fake Airbyte API: each sync job lands the demo shop as Parquet where
  the connection's destination says.

The test bootstraps them as a user would (`spoon bootstrap`'s SQL on fakesnow, the service
users' encrypted key pairs laid out in SPOON_HOST_KEYS_DIR as docs/running-on-a-vm.md says,
`spoon airbyte apply`), starts compose.yaml with its per-service secrets, triggers
`shopify_daily` twice through Airflow's REST API, and checks: every task succeeds, each run
is one Airbyte job, the marts on fakesnow equal a DuckDB build of the same lake files, the
second run loads no file twice, the dashboard container reads the marts as REPORTER with
its encrypted key, the docs are published.

Run by scripts/stack-test.sh after the embedded stack (it sets SPOON_STACK_PRODUCTION=1,
DOCKER_HOST and the wheelhouse); elsewhere it is skipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import pytest
from support.airbyte_env import DEFINITION_VARS
from support.paths import REPO
from support.ports import free_port
from support.production import (
    BUCKET,
    MONEY,
    bootstrap_fakesnow,
    duckdb_daily,
    production_env,
    raw_file_names,
    snowflake_daily,
)
from typer.testing import CliRunner

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(
        os.environ.get("SPOON_STACK_PRODUCTION") != "1",
        reason="the production stack test runs in `make test-stack` (scripts/stack-test.sh)",
    ),
]

# what scripts/stack-test.sh hands over (read at import: the tests' autouse fixture drops
# every SPOON_* variable)
ARTIFACTS = Path(os.environ.get("SPOON_STACK_DIR", REPO / "test-artifacts" / "stack")) / "prod"
BASE_ENV = os.environ.get("SPOON_STACK_BASE_ENV", "")  # the embedded stack's test .env
WHEELHOUSE = os.environ.get("SPOON_STACK_WHEELHOUSE", "")
STANDINS_IMAGE = "willows-spoon/standins:test"
AIRFLOW_IMAGE = "willows-spoon/airflow:0.1.0"
COMPOSE_FILES = [
    "compose.yaml",
    "scripts/stack/compose.test.yaml",
    "scripts/stack/compose.production.yaml",
]
PROJECT = "spoon-stackprod"
#: what `make up` starts and waits for (mk/stack.mk STACK_SERVICES; airflow-init runs first)
SERVICES = [
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "dashboard",
    "docs",
]
CLIENT = ("spoon-stack-client", "spoon-stack-secret")  # the fake Airbyte's OAuth client
AIRBYTE_PATH = "/api/public/v1"
# uids of the images' users (airflow/Dockerfile, dashboard/Dockerfile): who reads which keys
KEY_OWNERS = {
    "airflow": (50000, ("SPOON_LOADER", "SPOON_TRANSFORMER")),
    "dashboard": (10001, ("SPOON_REPORTER",)),
}
DASHBOARD_PROBE = """
import json
from spoon.dashboard.service import Reporter
from spoon.settings import load_settings
r = Reporter.from_settings(load_settings())
b = r.bounds()
t = r.totals(b)
print(json.dumps({"describe": r.describe(), "days": b.days,
                  "money": {k: str(v) for k, v in t.money.items()}}))
"""


def log(msg: str) -> None:
    print(f"[stack-prod] {msg}", file=sys.stderr, flush=True)


def _check_stack() -> Any:
    """scripts/stack/check_stack.py (the embedded stack test's REST API helpers)."""
    path = REPO / "scripts" / "stack" / "check_stack.py"
    spec = importlib.util.spec_from_file_location("check_stack", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _standin_requirements() -> str:
    """moto and fakesnow as pyproject.toml pins them for the tests."""
    dev = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    wanted = [r for r in dev["dev"] if r.split("[")[0].split("=")[0] in ("moto", "fakesnow")]
    assert len(wanted) == 2, wanted
    return " ".join(wanted)


def _build_standins(wheelhouse: Path, find_links: str) -> None:
    """The stand-ins' image, FROM the Airflow image the stack runs (tests/support as context)."""
    requirements = _standin_requirements()
    subprocess.run(  # into the wheelhouse the stack test serves (offline: from pip's cache)
        [
            str(REPO / ".venv" / "bin" / "pip"),
            "download",
            "-q",
            "-d",
            str(wheelhouse),
            "-c",
            str(REPO / "airflow" / "requirements.lock"),
            *requirements.split(),
        ],
        check=True,
    )
    from testcontainers.core.image import DockerImage

    image = DockerImage(
        path=REPO / "tests" / "support",
        dockerfile_path=REPO / "scripts" / "stack" / "standins.Dockerfile",
        tag=STANDINS_IMAGE,
        clean_up=False,
        buildargs={
            "AIRFLOW_IMAGE": AIRFLOW_IMAGE,
            "PIP_FIND_LINKS": find_links,
            "PIP_NO_INDEX": "1",
            "STANDIN_REQUIREMENTS": requirements,
        },
        network_mode="host",
    )
    image.build()
    log(f"built {STANDINS_IMAGE}")


def _wait_http(url: str, timeout: float = 90.0) -> None:
    """Until a server answers `url` with any HTTP status (docker-proxy accepts connections
    before the container listens, so a TCP connect proves nothing)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except (OSError, ConnectionError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing answered {url} within {timeout:.0f}s") from None
            time.sleep(0.5)


def _standin(
    stack: ExitStack,
    network: Any,
    alias: str,
    port: int,
    command: list[str],
    env: dict[str, str] | None = None,
) -> int:
    """Start the stand-in `alias` (listening on `port` in the network); its port on 127.0.0.1."""
    from testcontainers.core.container import DockerContainer

    container = (
        DockerContainer(STANDINS_IMAGE, command=command, env=env or {})
        .with_name(f"{PROJECT}-{alias}")
        .with_network(network)
        .with_network_aliases(alias)
    )
    host_port = free_port()
    container.ports[f"{port}/tcp"] = ("127.0.0.1", host_port)  # type: ignore[assignment]
    stack.enter_context(container)
    stack.callback(_keep_logs, container, alias)
    return host_port


def _keep_logs(container: Any, name: str) -> None:
    out, err = container.get_logs()
    (ARTIFACTS / f"{name}.log").write_bytes(out + err)


def _host_keys(keys: Path, host_keys: Path) -> None:
    """SPOON_HOST_KEYS_DIR as docs/running-on-a-vm.md lays it out: airflow/ (the loader's and
    the transformer's keys) and dashboard/ (the reporter's), each 0700 and its keys 0400,
    owned by the user of the image that reads them."""
    if os.geteuid() != 0:
        pytest.fail("the production stack test lays out keys for other uids: run it as root")
    for folder, (uid, users) in KEY_OWNERS.items():
        target = host_keys / folder
        target.mkdir(parents=True, mode=0o700)
        os.chown(target, uid, 0)
        for user in users:
            shutil.copy(keys / f"{user}.p8", target / f"{user}.p8")
            (target / f"{user}.p8").chmod(0o400)
            os.chown(target / f"{user}.p8", uid, 0)


def _compose_env(base: Path, out: Path, network: str, host_keys: Path) -> dict[str, str]:
    """The stack's .env: the embedded test's secrets and ports, production on the stand-ins."""
    check_stack = _check_stack()
    env = {
        k: v
        for k, v in check_stack.read_env(base).items()
        if not k.startswith(("SPOON_DEMO_", "SPOON_LAKE_NAMESPACES"))
    }
    env |= production_env(
        snowflake=("fakesnow", 8000),
        s3_endpoint="http://moto:5000",
        airbyte_url=f"http://fake-airbyte:8000{AIRBYTE_PATH}",
        client=CLIENT,
    )
    env |= {
        "SPOON_HOST_KEYS_DIR": str(host_keys),
        "SPOON_STANDINS_NETWORK": network,
        "SPOON_DAG_RETRIES": "0",  # a retried extract would hide a failed sync
    }
    out.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    out.chmod(0o600)
    return env


def _airbyte_jobs(url: str) -> list[str]:
    """The statuses of the fake Airbyte's jobs 1, 2, ... (through our own client)."""
    from spoon.extract.airbyte.client import AirbyteClient, AirbyteError

    statuses = []
    with AirbyteClient(url, *CLIENT, max_elapsed_ms=2000) as client:
        for job_id in range(1, 10):
            try:
                statuses.append(str(client.get_job(job_id)["status"]))
            except AirbyteError:
                break
    return statuses


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    # no reaper container: no registry to pull it from; everything is removed by the fixture
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
    from testcontainers.compose import DockerCompose
    from testcontainers.core.network import Network

    from spoon.setup.airbyte.cli import app as airbyte_app

    base_env = Path(BASE_ENV)
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    root = tmp_path_factory.mktemp("stack-prod")
    t0 = time.monotonic()
    _build_standins(Path(WHEELHOUSE), os.environ["STACK_PIP_FIND_LINKS"])
    # the network last out: its containers (the stand-ins, the stack) go first
    with Network() as network, ExitStack() as stack:
        ports = {
            "moto": _standin(
                stack, network, "moto", 5000, ["moto_server", "-H", "0.0.0.0", "-p", "5000"]
            ),
            "fakesnow": _standin(
                stack,
                network,
                "fakesnow",
                8000,
                [
                    "python",
                    "/opt/standins/support/fakesnow_s3.py",
                    "8000",
                    "http://moto:5000",
                    "0.0.0.0",
                ],
            ),
        }
        inside = production_env(
            snowflake=("fakesnow", 8000),
            s3_endpoint="http://moto:5000",
            airbyte_url=f"http://fake-airbyte:8000{AIRBYTE_PATH}",
            client=CLIENT,
        )
        ports["fake-airbyte"] = _standin(
            stack,
            network,
            "fake-airbyte",
            8000,
            ["python", "-m", "support.airbyte_standin", "8000"],
            inside | {"SPOON_TRUTH_DIR": "/tmp/truth"},
        )
        moto = f"http://127.0.0.1:{ports['moto']}"
        airbyte_url = f"http://127.0.0.1:{ports['fake-airbyte']}{AIRBYTE_PATH}"
        _wait_http(f"{moto}/")
        _wait_http(f"http://127.0.0.1:{ports['fakesnow']}/")
        _wait_http(f"{airbyte_url}/workspaces")
        log(f"stand-ins up on network {network.name} ({time.monotonic() - t0:.0f}s)")

        project = root / "dbt"  # the embedded build's own copy of the project
        shutil.copytree(
            REPO / "dbt", project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages")
        )
        host = (
            production_env(
                snowflake=("127.0.0.1", ports["fakesnow"]),
                s3_endpoint=moto,
                airbyte_url=airbyte_url,
                client=CLIENT,
            )
            | DEFINITION_VARS
            | {
                "SPOON_S3_BUCKET": BUCKET,
                "SPOON_ENV_FILE": str(root / "none.env"),
                "SPOON_SNOWFLAKE_KEYS_DIR": str(root / "keys"),
                "SPOON_TRUTH_DIR": str(root / "truth"),
                "SPOON_DOCS_DIR": str(root / "docs"),
                "SPOON_DBT_PROJECT_DIR": str(project),
                "SPOON_DBT_EXECUTABLE": str(REPO / ".venv-dbt" / "bin" / "dbt"),
            }
        )
        with mock.patch.dict(os.environ, host):
            boto3.client("s3", endpoint_url=moto).create_bucket(Bucket=BUCKET)
            admin = bootstrap_fakesnow(ports["fakesnow"], root / "keys")
            applied = CliRunner().invoke(airbyte_app, ["apply", "--dir", str(REPO / "airbyte")])
            assert applied.exit_code == 0, applied.output
            host_keys = root / "host-keys"
            _host_keys(root / "keys", host_keys)
            env_file = root / "stack.env"
            env = _compose_env(base_env, env_file, network.name, host_keys)
            log(f"bootstrapped Snowflake, S3 and Airbyte ({time.monotonic() - t0:.0f}s)")

        # compose passes a setting (`KEY:` in compose.yaml) from its own environment before its
        # --env-file: none of this process's settings may reach the stack
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SPOON_", "AWS_"))}
        with mock.patch.dict(os.environ, clean | {"COMPOSE_PROJECT_NAME": PROJECT}, clear=True):
            compose = DockerCompose(
                context=REPO,
                compose_file_name=COMPOSE_FILES,
                env_file=str(env_file),
                wait=True,
                docker_command_path="docker",
                services=SERVICES,
            )
            try:
                compose.start()  # `up --wait` of SERVICES (airflow-init first, as a dependency)
                log(f"the stack is up and healthy ({time.monotonic() - t0:.0f}s)")
                yield {
                    "compose": compose,
                    "env": env,
                    "host": host,
                    "admin": admin,
                    "root": root,
                    "airbyte_url": airbyte_url,
                }
            finally:
                logs = [*compose.docker_compose_command(), "logs", "--no-color"]
                with (ARTIFACTS / "compose.log").open("wb") as out:
                    subprocess.run(logs, cwd=REPO, stdout=out, stderr=out, check=False)
                # every service and the volumes (compose.stop() would take only SERVICES down)
                down = [*compose.docker_compose_command(), "down", "-v", "--remove-orphans"]
                subprocess.run(down, cwd=REPO, capture_output=True, check=False)


@pytest.fixture(scope="module")
def two_runs(stack: dict[str, Any]) -> dict[str, Any]:
    check_stack = _check_stack()
    env, admin = stack["env"], stack["admin"]
    base = f"http://127.0.0.1:{env['SPOON_AIRFLOW_PORT']}"
    token = check_stack.login(base, env["AIRFLOW_ADMIN_USER"], env["AIRFLOW_ADMIN_PASSWORD"])
    api = f"{base}/api/v2"
    check_stack.wait_for_dag(api, token)
    found: dict[str, Any] = {}
    for run in ("first", "second"):
        t0 = time.monotonic()
        found[run] = check_stack.run_dag(api, token)
        found[f"{run}_s"] = round(time.monotonic() - t0)
        found[f"raw_{run}"] = raw_file_names(admin)
        found[f"marts_{run}"] = snowflake_daily(admin)
        log(f"{run} run: {found[f'{run}_s']} s; rpt_daily_sales {found[f'marts_{run}']}")
        tis = check_stack.api_json(
            "GET",
            f"{api}/dags/{check_stack.DAG_ID}/dagRuns/{found[run]}/taskInstances?limit=500",
            token,
        )
        found[f"tasks_{run}"] = {t["task_id"]: t["state"] for t in tis["task_instances"]}
    return found


def test_every_task_of_both_runs_succeeds_in_production_mode(two_runs: dict[str, Any]) -> None:
    for run in ("first", "second"):
        tasks = two_runs[f"tasks_{run}"]
        assert tasks and {t: s for t, s in tasks.items() if s != "success"} == {}, run
    tasks = set(two_runs["tasks_first"])
    # the production tasks ran: the Airbyte sync and the Snowpipe wait, not the embedded ones
    wanted = {
        "extract.find_connection",
        "extract.sync",
        "load",
        "publish.docs",
        "publish.dashboard",
    }
    assert wanted <= tasks, sorted(tasks)
    assert any(t.startswith("dbt.") for t in tasks)


def test_each_run_is_one_airbyte_job(two_runs: dict[str, Any], stack: dict[str, Any]) -> None:
    assert _airbyte_jobs(stack["airbyte_url"]) == ["succeeded", "succeeded"]
    assert two_runs["raw_first"]["ORDERS"], "the first sync's orders were not loaded"


def test_the_marts_on_snowflake_equal_the_embedded_build_of_the_same_files(
    two_runs: dict[str, Any], stack: dict[str, Any]
) -> None:
    snow = two_runs["marts_second"]
    assert snow[0][0] > 30  # days with sales
    with mock.patch.dict(os.environ, stack["host"]):
        duck = duckdb_daily(stack["host"], stack["root"])
    log(f"marts on fakesnow {snow}, DuckDB build of the same files {duck}")
    assert snow == duck


def test_a_second_run_loads_no_file_twice_and_changes_no_mart(two_runs: dict[str, Any]) -> None:
    for table, names in two_runs["raw_second"].items():
        first = two_runs["raw_first"][table]
        assert set(first) <= set(names), table
        assert {n: names.count(n) for n in set(first)} == {n: first.count(n) for n in set(first)}
    assert two_runs["marts_second"] == two_runs["marts_first"]


def test_the_dashboard_container_reads_the_marts_as_reporter_with_its_encrypted_key(
    two_runs: dict[str, Any], stack: dict[str, Any]
) -> None:
    out, err, code = stack["compose"].exec_in_container(
        ["python", "-c", DASHBOARD_PROBE], "dashboard"
    )
    assert code == 0, err
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen["describe"] == "Snowflake ANALYTICS.MARTS as REPORTER"
    days, *sums = two_runs["marts_second"][0]
    assert seen["days"] >= days
    assert [Decimal(seen["money"][m]) for m in MONEY] == sums


def test_the_docs_and_the_dashboard_are_served(
    two_runs: dict[str, Any], stack: dict[str, Any]
) -> None:
    check_stack = _check_stack()
    check_stack.check_web(stack["env"])
    out, err, code = stack["compose"].exec_in_container(
        ["cat", "/opt/spoon/data/dashboard-refresh.json"], "airflow-scheduler"
    )
    assert code == 0, err
    rows = json.loads(out)["rows"]
    days = two_runs["marts_second"][0][0]  # rpt_daily_sales' rows on Snowflake
    assert rows["rpt_daily_sales"] == days > 30, rows  # counted on Snowflake, not {}
    assert min(rows["fct_sales"], rows["fct_orders"], rows["dim_customers"]) > 0, rows
