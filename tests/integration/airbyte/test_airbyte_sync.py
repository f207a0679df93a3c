"""The production extract: find the connection by name, run a sync, wait for its job."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from spoon.extract.airbyte import connection_id
from spoon.extract.airbyte.client import AirbyteError
from spoon.extract.airbyte.sync import trigger_and_wait
from spoon.settings import load_settings, repo_path
from spoon.setup.airbyte.cli import app


@pytest.fixture()
def applied(fake_airbyte: Any, definitions_dir: Path) -> Any:
    result = CliRunner().invoke(app, ["apply", "--dir", str(definitions_dir)])
    assert result.exit_code == 0, result.output
    return fake_airbyte


def test_connection_id_by_name(applied: Any) -> None:
    (conn,) = applied.fake.connections.values()
    assert connection_id(load_settings()) == conn["connectionId"]


def test_unknown_connection_name(applied: Any) -> None:
    s = load_settings(airbyte_connection_name="nope")
    with pytest.raises(
        AirbyteError, match=r"no Airbyte connection named 'nope'.*spoon airbyte apply"
    ):
        connection_id(s)


def test_trigger_and_wait_until_succeeded(applied: Any) -> None:
    applied.fake.job_polls_until_done = 3
    seen: list[str] = []
    result = trigger_and_wait(load_settings(), sleep=lambda _: None, on_status=seen.append)
    assert result.status == "succeeded" and result.rows == 1234
    assert seen == ["running", "running", "succeeded"]
    (job_req,) = [r for r in applied.fake.requests if r.method == "POST" and r.path == "/jobs"]
    (conn,) = applied.fake.connections.values()
    assert job_req.body == {"connectionId": conn["connectionId"], "jobType": "sync"}


def test_a_failed_job_raises(applied: Any) -> None:
    applied.fake.job_final_status = "failed"
    with pytest.raises(AirbyteError, match=r"Airbyte job 1 ended failed"):
        trigger_and_wait(load_settings(), sleep=lambda _: None)


def _job_starts(fake: Any) -> list[Any]:
    return [r for r in fake.requests if r.method == "POST" and r.path == "/jobs"]


def test_a_token_that_expires_during_a_long_sync_is_renewed(applied: Any) -> None:
    """Tokens live 180 s: the job polls 100 s apart outlive the first two tokens, and each
    poll after an expiry renews the token and succeeds."""
    fake = applied.fake
    clock = [0.0]
    fake.now = lambda: clock[0]
    fake.job_polls_until_done = 4

    def sleep(seconds: float) -> None:
        clock[0] += seconds

    seen: list[str] = []
    before = len(fake.requests)  # apply's own token aside
    result = trigger_and_wait(load_settings(), poll_seconds=100, sleep=sleep, on_status=seen.append)
    assert (result.status, seen) == ("succeeded", ["running"] * 3 + ["succeeded"])
    tokens = [r for r in fake.requests[before:] if r.path == "/applications/token"]
    assert len(tokens) == 3, "one token, renewed after 200 s and after 400 s"
    assert len(fake.jobs) == 1


def test_an_expired_token_is_refused(fake_airbyte: Any) -> None:
    from spoon.extract.airbyte.client import AirbyteClient

    fake = fake_airbyte.fake
    clock = [1000.0]
    fake.now = lambda: clock[0]
    client = AirbyteClient(fake_airbyte.url, fake.client_id, fake.client_secret)
    token = client.token()
    clock[0] += 180
    res = httpx.get(f"{fake_airbyte.url}/workspaces", headers={"authorization": f"Bearer {token}"})
    assert (res.status_code, res.json()["detail"]) == (
        401,
        "Unauthorized: the access token has expired",
    )


def test_a_503_after_the_job_was_created_does_not_start_a_second_sync(applied: Any) -> None:
    """Airbyte created the job, then the answer was lost (503): the client finds the
    running job and waits for it instead of starting another."""
    fake = applied.fake
    fake.fail_next(503, path="/jobs", method="POST", after=True)
    result = trigger_and_wait(load_settings(), sleep=lambda _: None)
    assert (result.job_id, result.status) == (1, "succeeded")
    assert list(fake.jobs) == [1] and len(_job_starts(fake)) == 1


def test_a_sync_already_running_is_joined_not_started_again(applied: Any) -> None:
    """A sync started elsewhere (the UI, an earlier try) is running: Airbyte answers 409 and
    the client waits for that job."""
    fake = applied.fake
    (conn,) = fake.connections.values()
    running = fake.start_job(conn["connectionId"])
    result = trigger_and_wait(load_settings(), sleep=lambda _: None)
    assert (result.job_id, result.status) == (running, "succeeded")
    assert list(fake.jobs) == [running]


def test_an_incomplete_attempt_is_waited_out(applied: Any) -> None:
    """A job shows "incomplete" while Airbyte retries a failed attempt: not its end."""
    applied.fake.job_running_status = "incomplete"
    applied.fake.job_polls_until_done = 3
    seen: list[str] = []
    result = trigger_and_wait(load_settings(), sleep=lambda _: None, on_status=seen.append)
    assert result.status == "succeeded"
    assert seen == ["incomplete", "incomplete", "succeeded"]


AIRFLOW_PY = repo_path(".venv-airflow", "bin", "python")
HOOK_SCRIPT = """
import json, sys
from airflow.providers.airbyte.hooks.airbyte import AirbyteHook
hook = AirbyteHook(airbyte_conn_id="airbyte_default")
job = hook.submit_sync_connection(connection_id=sys.argv[1])
hook.wait_for_job(job_id=job.job_id, wait_seconds=0.01, timeout=30)
print(json.dumps({"job_id": job.job_id}))
"""


@pytest.mark.skipif(not AIRFLOW_PY.exists(), reason="the Airflow venv is built by `make airflow`")
def test_airflow_provider_hook_with_the_documented_connection(applied: Any, tmp_path: Path) -> None:
    """AirbyteTriggerSyncOperator's hook, configured as docs/airbyte.md says (absolute token
    URL), runs a sync of the connection our lookup finds."""
    s = load_settings()
    url = s.airbyte_url
    conn = {
        "conn_type": "airbyte",
        "host": url,
        "login": s.airbyte_client_id,
        "password": s.airbyte_client_secret.get_secret_value(),
        "schema": f"{url}/applications/token",
    }
    env = {
        **os.environ,
        "AIRFLOW_CONN_AIRBYTE_DEFAULT": json.dumps(conn),
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    out = subprocess.run(
        [str(AIRFLOW_PY), "-c", HOOK_SCRIPT, connection_id(s)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"job_id": 1}
    assert applied.fake.jobs[1]["status"] == "succeeded"


def test_several_shops_one_connection_each_synced_by_its_own_job(
    fake_airbyte: Any, definitions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """apply creates one source and connection per shop (one destination); the extract
    syncs each shop's connection; a failing shop's error names the shop."""
    monkeypatch.setenv("SPOON_LAKE_NAMESPACES", "shopify,shop_eu")
    monkeypatch.setenv("SPOON_SHOPIFY_SHOP_SHOP_EU", "willows-spoon-berlin")
    monkeypatch.setenv("SPOON_SHOPIFY_ACCESS_TOKEN_SHOP_EU", "shpat_eu_token")
    out = CliRunner().invoke(app, ["apply", "--dir", str(definitions_dir)])
    assert out.exit_code == 0, out.output
    assert "Applied: 5 created, 0 updated, 0 unchanged." in out.output
    fake = fake_airbyte.fake
    shops = {s["name"]: s["configuration"]["shop"] for s in fake.sources.values()}
    assert shops == {"shopify": "willows-spoon", "shopify-shop_eu": "willows-spoon-berlin"}
    conns = {c["name"]: c for c in fake.connections.values()}
    assert set(conns) == {"shopify-to-s3", "shopify-to-s3-shop_eu"}
    assert conns["shopify-to-s3-shop_eu"]["namespaceFormat"] == "shop_eu"
    s = load_settings()
    eu = conns["shopify-to-s3-shop_eu"]["connectionId"]
    assert connection_id(s, "shop_eu") == eu
    trigger_and_wait(s, sleep=lambda _: None, namespace="shop_eu")
    jobs = [r.body for r in fake.requests if r.method == "POST" and r.path == "/jobs"]
    assert jobs == [{"connectionId": eu, "jobType": "sync"}]
    fake.job_final_status = "failed"
    with pytest.raises(AirbyteError, match=r"^shop shop_eu: Airbyte job \d+ ended failed"):
        trigger_and_wait(s, sleep=lambda _: None, namespace="shop_eu")
