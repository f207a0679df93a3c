"""`spoon airbyte plan | apply | export` against a fake Airbyte API on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from spoon.setup.airbyte.cli import app

SPOON = str(Path(sys.executable).parent / "spoon")
runner = CliRunner()


def run(*args: str) -> Any:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def by_path(fake: Any, method: str, prefix: str) -> list[Any]:
    return [r for r in fake.requests if r.method == method and r.path.startswith(prefix)]


def test_first_apply_creates_everything_with_checked_bodies(
    fake_airbyte: Any, definitions_dir: Path
) -> None:
    fake = fake_airbyte.fake
    out = run("apply", "--dir", str(definitions_dir)).output
    assert "Applied: 3 created, 0 updated, 0 unchanged." in out
    assert "shpat_test_token" not in out and "s3-secret" not in out  # secrets never shown

    (source_req,) = by_path(fake, "POST", "/sources")
    assert source_req.body["definitionId"] == "9da77001-af33-4bcd-be46-6252bf9342b9"
    assert source_req.body["workspaceId"] == fake.workspace_id
    cfg = source_req.body["configuration"]
    assert cfg["shop"] == "willows-spoon"
    assert cfg["credentials"] == {"auth_method": "api_password", "api_password": "shpat_test_token"}
    assert cfg["start_date"] == "2024-01-01"  # the ${...:-default}

    (dest_req,) = by_path(fake, "POST", "/destinations")
    dcfg = dest_req.body["configuration"]
    assert dcfg["s3_path_format"] == "${NAMESPACE}/${STREAM_NAME}/${YEAR}_${MONTH}_${DAY}_${EPOCH}_"
    assert dcfg["format"] == {"format_type": "Parquet", "compression_codec": "SNAPPY"}
    assert dcfg["s3_bucket_name"] == "willows-lake" and dcfg["s3_bucket_path"] == "shopify"

    (conn_req,) = by_path(fake, "POST", "/connections")
    body = conn_req.body
    (source,) = fake.sources.values()
    (dest,) = fake.destinations.values()
    assert body["sourceId"] == source["sourceId"] and body["destinationId"] == dest["destinationId"]
    assert body["name"] == "shopify-to-s3"
    assert body["schedule"] == {"scheduleType": "manual"}
    assert (body["namespaceDefinition"], body["namespaceFormat"]) == ("custom_format", "shopify")
    modes = {s["name"]: s["syncMode"] for s in body["configurations"]["streams"]}
    assert modes == {
        "shop": "full_refresh_append",
        "customers": "incremental_append",
        "products": "incremental_append",
        "product_variants": "incremental_append",
        "locations": "full_refresh_append",
        "orders": "incremental_append",
        "order_refunds": "incremental_append",
        "transactions": "incremental_append",
        "order_agreements": "incremental_append",
    }


def test_second_apply_changes_nothing(fake_airbyte: Any, definitions_dir: Path) -> None:
    fake = fake_airbyte.fake
    run("apply", "--dir", str(definitions_dir))
    before = len(fake.writes())
    out = run("apply", "--dir", str(definitions_dir)).output
    assert "Applied: 0 created, 0 updated, 3 unchanged." in out
    writes = [w for w in fake.writes()[before:] if w.path != "/applications/token"]
    assert writes == []
    assert (
        "Plan: 0 to create, 0 to update, 3 unchanged."
        in run("plan", "--dir", str(definitions_dir)).output
    )


def test_plan_shows_the_diff_and_writes_nothing(fake_airbyte: Any, definitions_dir: Path) -> None:
    fake = fake_airbyte.fake
    out = run("plan", "--dir", str(definitions_dir)).output
    assert "+ source shopify (create)" in out
    assert "configuration.shop: 'willows-spoon'" in out
    assert "configuration.credentials.api_password: (secret)" in out
    assert "Plan: 3 to create, 0 to update, 0 unchanged." in out
    assert [w.path for w in fake.writes()] == ["/applications/token"]


def test_update_after_a_yaml_change(fake_airbyte: Any, definitions_dir: Path) -> None:
    fake = fake_airbyte.fake
    run("apply", "--dir", str(definitions_dir))
    conn_file = definitions_dir / "connection-shopify-to-s3.yaml"
    conn_file.write_text(
        conn_file.read_text()
        .replace("propagate_columns", "propagate_fully")
        .replace(
            "    - name: shop\n      syncMode: full_refresh_append",
            "    - name: shop\n      syncMode: full_refresh_overwrite",
        )
    )
    src_file = definitions_dir / "source-shopify.yaml"
    src_file.write_text(
        src_file.read_text().replace("bulk_window_in_days: 30", "bulk_window_in_days: 7")
    )

    plan = run("plan", "--dir", str(definitions_dir)).output
    assert "~ source shopify (update)" in plan
    assert "configuration.bulk_window_in_days: 30 -> 7" in plan
    assert "= destination s3-lake (no changes)" in plan
    assert "nonBreakingSchemaUpdatesBehavior: 'propagate_columns' -> 'propagate_fully'" in plan
    assert (
        "configurations.streams[shop].syncMode: 'full_refresh_append' -> 'full_refresh_overwrite'"
        in plan
    )

    before = len(fake.requests)
    out = run("apply", "--dir", str(definitions_dir)).output
    assert "Applied: 0 created, 2 updated, 1 unchanged." in out
    writes = [r for r in fake.requests[before:] if r.method in ("POST", "PATCH")]
    assert [
        (w.method, w.path.split("/")[1]) for w in writes if w.path != "/applications/token"
    ] == [
        ("PATCH", "sources"),
        ("PATCH", "connections"),
    ]
    (source,) = fake.sources.values()
    assert source["configuration"]["bulk_window_in_days"] == 7
    # the full configuration is sent, so the secret stays what the YAML says
    assert source["configuration"]["credentials"]["api_password"] == "shpat_test_token"
    (conn,) = fake.connections.values()
    assert conn["nonBreakingSchemaUpdatesBehavior"] == "propagate_fully"
    assert (
        "Applied: 0 created, 0 updated, 3 unchanged."
        in run("apply", "--dir", str(definitions_dir)).output
    )


def test_a_changed_secret_is_sent_only_when_asked(
    fake_airbyte: Any, definitions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_airbyte.fake
    run("apply", "--dir", str(definitions_dir))
    monkeypatch.setenv("SPOON_SHOPIFY_ACCESS_TOKEN", "shpat_rotated")
    # the server masks secrets: a plain plan cannot see the change
    assert "0 to update" in run("plan", "--dir", str(definitions_dir)).output
    out = run("apply", "--dir", str(definitions_dir), "--rotate-secrets").output
    assert "configuration.credentials.api_password: (secret, sent again)" in out
    assert "rotated" not in out
    (source,) = fake.sources.values()
    assert source["configuration"]["credentials"]["api_password"] == "shpat_rotated"


def test_retries_on_503_and_429(fake_airbyte: Any, definitions_dir: Path) -> None:
    fake = fake_airbyte.fake
    fake.fail_next(503, times=2, path="/applications/token")
    fake.fail_next(429, times=1, path="/sources")
    fake.fail_next(503, times=1, path="/connections")
    out = run("apply", "--dir", str(definitions_dir)).output
    assert "Applied: 3 created" in out
    assert len(by_path(fake, "POST", "/applications/token")) == 3
    assert len(fake.sources) == 1 and len(fake.connections) == 1


def test_newer_server_responses_that_fail_sdk_validation(
    fake_airbyte: Any, definitions_dir: Path
) -> None:
    """A response the SDK's models reject (here: no `createdAt`) is read as raw JSON."""
    fake = fake_airbyte.fake
    run("apply", "--dir", str(definitions_dir))
    for pool in (fake.sources, fake.destinations, fake.connections):
        for obj in pool.values():
            obj.pop("createdAt")
            obj["someNewField"] = {"added": "by a newer server"}
    assert "3 unchanged" in run("plan", "--dir", str(definitions_dir)).output


def test_export_writes_the_server_config_as_yaml(
    fake_airbyte: Any, definitions_dir: Path, tmp_path: Path
) -> None:
    run("apply", "--dir", str(definitions_dir))
    out_dir = tmp_path / "export"
    out = run("export", "--out", str(out_dir)).output
    assert "Exported 3 objects" in out
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == [
        "connection-shopify-to-s3.yaml",
        "destination-s3-lake.yaml",
        "source-shopify.yaml",
    ]
    conn = yaml.safe_load((out_dir / "connection-shopify-to-s3.yaml").read_text())
    assert conn["kind"] == "connection"
    assert (conn["source"], conn["destination"]) == ("shopify", "s3-lake")
    src = yaml.safe_load((out_dir / "source-shopify.yaml").read_text())
    assert src["configuration"]["credentials"]["api_password"] == "**********"
    assert src["configuration"]["shop"] == "willows-spoon"

    # drift: someone edits the connection in the UI; plan sees it, export shows it
    (c,) = fake_airbyte.fake.connections.values()
    c["configurations"]["streams"].append({"name": "disputes", "syncMode": "incremental_append"})
    plan = run("plan", "--dir", str(definitions_dir)).output
    assert "- configurations.streams[disputes]" in plan
    run("export", "--out", str(out_dir))
    again = yaml.safe_load((out_dir / "connection-shopify-to-s3.yaml").read_text())
    assert "disputes" in [s["name"] for s in again["configurations"]["streams"]]


def _spoon(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_extra}
    return subprocess.run([SPOON, *args], env=env, capture_output=True, text=True, timeout=120)


def test_bad_credentials_give_one_clear_line(fake_airbyte: Any, definitions_dir: Path) -> None:
    res = _spoon(
        {"SPOON_AIRBYTE_CLIENT_SECRET": "wrong"}, "airbyte", "plan", "--dir", str(definitions_dir)
    )
    assert res.returncode != 0
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, res.stderr
    assert "rejected the credentials (401)" in lines[0]
    assert "SPOON_AIRBYTE_CLIENT_SECRET" in lines[0]
    assert fake_airbyte.fake.sources == {}


def test_missing_variable_is_named_before_any_request(
    fake_airbyte: Any, definitions_dir: Path
) -> None:
    res = _spoon(
        {"SPOON_SHOPIFY_ACCESS_TOKEN": ""}, "airbyte", "apply", "--dir", str(definitions_dir)
    )
    assert res.returncode != 0
    assert "${SPOON_SHOPIFY_ACCESS_TOKEN}" in res.stderr and "not set" in res.stderr
    assert fake_airbyte.fake.requests == []


def test_unreachable_server() -> None:
    from spoon.extract.airbyte.client import AirbyteClient, AirbyteError

    client = AirbyteClient(
        "http://127.0.0.1:9/api/public/v1", "x", "y", backoff_initial_ms=10, max_elapsed_ms=200
    )
    with pytest.raises(AirbyteError, match=r"cannot reach Airbyte at http://127.0.0.1:9/api"):
        client.list_workspaces()


def test_wrong_url_says_where_the_api_lives(fake_airbyte: Any) -> None:
    from spoon.extract.airbyte.client import AirbyteClient, AirbyteError

    base = fake_airbyte.url.removesuffix("/api/public/v1")
    client = AirbyteClient(base, "spoon-client", "spoon-secret")
    with pytest.raises(AirbyteError, match=r"must end in /api/public/v1"):
        client.list_workspaces()


def test_lists_follow_pages(fake_airbyte: Any) -> None:
    from spoon.extract.airbyte.client import AirbyteClient

    fake = fake_airbyte.fake
    for i in range(130):
        fake.sources[f"id-{i}"] = {
            "sourceId": f"id-{i}",
            "name": f"source-{i}",
            "sourceType": "shopify",
            "definitionId": "d",
            "workspaceId": fake.workspace_id,
            "configuration": {},
            "createdAt": 1,
        }
    client = AirbyteClient(fake_airbyte.url, "spoon-client", "spoon-secret")
    names = [s["name"] for s in client.list_sources(fake.workspace_id)]
    assert len(names) == 130 and len(set(names)) == 130
    pages = [r.query["offset"] for r in fake.requests if r.path == "/sources"]
    assert pages == [["0"], ["100"]]
