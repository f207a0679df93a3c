"""Secrets per container: each service's environment as `docker compose config` resolves it.

The test .env sets every secret a deployment may hold to a value of its own; a service may
see exactly the secrets its job needs, and nobody the Snowflake admin's password, Airbyte's
S3 writer keys or the Shopify token. The Snowflake keys come from read-only mounts of the
host folder SPOON_HOST_KEYS_DIR: dashboard/ (the reporter's) and airflow/ (the pipeline's,
which the ad-hoc `dbt` service shares for the transformer's key). Every profile is resolved
(`--profile "*"`), so the `tools` services are checked like the others.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spoon.settings import SECRET_FIELDS, Settings

AIRFLOW_INTERNAL = {"AIRFLOW_FERNET_KEY", "AIRFLOW_DB_PASSWORD", "AIRFLOW_JWT_SECRET"}
ALERTS = {"SPOON_ALERT_SLACK_WEBHOOK_URL", "SPOON_SMTP_PASSWORD"}
#: service -> the secrets it may see (by the .env variable holding them)
NEEDS: dict[str, set[str]] = {
    "postgres": {"AIRFLOW_DB_PASSWORD"},
    "airflow-init": AIRFLOW_INTERNAL | {"AIRFLOW_ADMIN_PASSWORD"},
    "airflow-apiserver": AIRFLOW_INTERNAL,
    "airflow-dag-processor": AIRFLOW_INTERNAL | ALERTS,
    "airflow-triggerer": AIRFLOW_INTERNAL | {"SPOON_AIRBYTE_CLIENT_SECRET"},
    "airflow-scheduler": AIRFLOW_INTERNAL
    | ALERTS
    | {
        "SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE",
        "SPOON_AIRBYTE_CLIENT_SECRET",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    },
    "dashboard": {"SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"},
    "docs": set(),
    # `docker compose run --rm dbt …`: the transformer's passphrase, nothing else
    "dbt": {"SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"},
}
#: service -> the subfolder of SPOON_HOST_KEYS_DIR it gets (read-only)
KEY_FOLDERS = {"dashboard": "dashboard", "airflow-scheduler": "airflow", "dbt": "airflow"}
NOBODY = {
    "SPOON_SNOWFLAKE_ADMIN_PASSWORD",
    "SPOON_SHOPIFY_ACCESS_TOKEN",
    "SPOON_AIRBYTE_S3_ACCESS_KEY_ID",
    "SPOON_AIRBYTE_S3_SECRET_ACCESS_KEY",
}
#: every secret of the settings, plus Airflow's, the lake reader's and Airbyte's S3 writer's
SECRETS = (
    {f"SPOON_{name.upper()}" for name in SECRET_FIELDS}
    | AIRFLOW_INTERNAL
    | {"AIRFLOW_ADMIN_PASSWORD", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    | NOBODY
)


def _value(var: str) -> str:
    return f"test-{var.lower().replace('_', '-')}-0123456789"


@pytest.fixture()
def config(
    project: Path, compose: Any, tmp_path: Path, test_secrets: dict[str, str]
) -> dict[str, Any]:
    keys = tmp_path / "host-keys"
    env = {var: _value(var) for var in SECRETS}
    env["AIRFLOW_FERNET_KEY"] = test_secrets["AIRFLOW_FERNET_KEY"]
    env.update(SPOON_HOST_KEYS_DIR=str(keys), SPOON_WAREHOUSE="snowflake", SPOON_ENV="prod")
    (project / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    out = compose("--profile", "*", "config", "--format", "json")
    assert out.returncode == 0, out.stderr
    resolved = dict(json.loads(out.stdout))
    resolved["_env"] = env
    resolved["_keys"] = keys
    return resolved


def _environment(svc: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in (svc.get("environment") or {}).items() if v is not None}


def test_the_secret_list_covers_every_secret_setting() -> None:
    assert {f"SPOON_{n.upper()}" for n in SECRET_FIELDS} <= SECRETS
    assert "snowflake_private_key_passphrase" in SECRET_FIELDS  # the pattern still finds them


def test_each_service_sees_only_the_secrets_it_needs(config: dict[str, Any]) -> None:
    env = config["_env"]
    assert set(config["services"]) == set(NEEDS)
    for name, svc in config["services"].items():
        assert "env_file" not in svc, f"{name} gets a whole env file"
        text = "\n".join(f"{k}={v}" for k, v in _environment(svc).items())
        seen = {var for var in SECRETS if env[var] in text}
        assert seen == NEEDS[name], (
            f"{name}: needs {sorted(NEEDS[name] - seen)} it lacks, "
            f"sees {sorted(seen - NEEDS[name])} it does not need"
        )
    for var in NOBODY:
        assert not any(
            env[var] in str(svc.get("environment")) for svc in config["services"].values()
        ), var


def test_keys_are_mounted_read_only_per_consumer(config: dict[str, Any]) -> None:
    keys: Path = config["_keys"]
    for name, svc in config["services"].items():
        mounts = [
            v
            for v in svc.get("volumes", [])
            if v["type"] == "bind" and str(v["source"]).startswith(str(keys))
        ]
        if name not in KEY_FOLDERS:
            assert mounts == [], f"{name} gets keys it does not need"
            continue
        (mount,) = mounts
        assert mount["source"] == str(keys / KEY_FOLDERS[name]), name
        assert mount["target"] == "/run/spoon/keys" and mount.get("read_only") is True, name
        assert _environment(svc)["SPOON_SNOWFLAKE_KEYS_DIR"] == "/run/spoon/keys", name


def test_settings_passed_by_name_are_real_settings(config: dict[str, Any]) -> None:
    """A typo in the pass-through list would silently drop a setting."""
    known = {f"SPOON_{name.upper()}" for name in Settings.model_fields}
    for name, svc in config["services"].items():
        spoon = {k for k in (svc.get("environment") or {}) if k.startswith("SPOON_")}
        assert spoon <= known, f"{name}: {sorted(spoon - known)} are no settings"
    # what the DAG and the dashboard need in Snowflake mode reaches them
    for name in ("airflow-scheduler", "dashboard", "dbt"):
        env = _environment(config["services"][name])
        assert env["SPOON_WAREHOUSE"] == "snowflake" and env["SPOON_ENV"] == "prod", name


def test_env_examples_point_at_the_mounted_keys_folder() -> None:
    repo = Path(__file__).resolve().parents[3]
    for example in ("prod.env.example", "dev.env.example"):
        text = (repo / "deploy" / "env" / example).read_text()
        assert "SPOON_HOST_KEYS_DIR=/opt/" in text, example
        assert "SPOON_SNOWFLAKE_KEYS_DIR=" not in text, f"{example}: compose sets it"
