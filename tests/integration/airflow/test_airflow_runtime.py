"""Container start-up helpers: the admin password gate, the auth file, Airflow connections."""

from __future__ import annotations

import json
import shlex
import stat
from pathlib import Path

import pytest

from spoon.errors import SettingsError
from spoon.orchestrate import runtime
from spoon.settings import load_settings

STRONG = "correct-horse-battery-staple"


@pytest.mark.parametrize("password", ["", "admin", "short1"])
def test_admin_password_is_required_and_not_weak(password: str) -> None:
    with pytest.raises(SettingsError, match=r"AIRFLOW_ADMIN_PASSWORD is (empty|too weak)"):
        runtime.admin_credentials({"AIRFLOW_ADMIN_PASSWORD": password})


def test_check_admin_command_refuses_without_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AIRFLOW_ADMIN_PASSWORD", raising=False)
    assert runtime.main(["check-admin"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: AIRFLOW_ADMIN_PASSWORD is empty") and err.count("\n") == 1


def test_write_auth_writes_a_private_file(tmp_path: Path) -> None:
    target = tmp_path / "auth" / "passwords.json"
    env = {"AIRFLOW_ADMIN_USER": "willow", "AIRFLOW_ADMIN_PASSWORD": STRONG}
    runtime.write_auth(target, env)
    assert json.loads(target.read_text()) == {"willow": STRONG}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    runtime.write_auth(target, {"AIRFLOW_ADMIN_PASSWORD": STRONG + "!"})  # rewritten
    assert json.loads(target.read_text()) == {"admin": STRONG + "!"}
    assert [p.name for p in target.parent.iterdir()] == ["passwords.json"]


def test_write_auth_command_uses_airflows_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "pw.json"
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", str(target))
    monkeypatch.setenv("AIRFLOW_ADMIN_PASSWORD", STRONG)
    assert runtime.main(["write-auth"]) == 0
    assert json.loads(target.read_text()) == {"admin": STRONG}


def test_airbyte_connection_only_in_production() -> None:
    assert runtime.airflow_connections(load_settings()) == {}
    settings = load_settings(
        source="airbyte",
        airbyte_url="http://host.docker.internal:8000/api/public/v1/",
        airbyte_client_id="client-id",
        airbyte_client_secret="s3cret with 'quotes' $and spaces",
    )
    (value,) = runtime.airflow_connections(settings).values()
    conn = json.loads(value)
    assert conn == {
        "conn_type": "airbyte",
        "host": "http://host.docker.internal:8000/api/public/v1",
        "login": "client-id",
        "password": "s3cret with 'quotes' $and spaces",
        "schema": "http://host.docker.internal:8000/api/public/v1/applications/token",
    }


def test_env_command_prints_shell_safe_exports(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SPOON_SOURCE", "airbyte")
    monkeypatch.setenv("SPOON_AIRBYTE_CLIENT_SECRET", "a'b\"c $d")
    assert runtime.main(["env"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    name, _, quoted = line.removeprefix("export ").partition("=")
    assert name == "AIRFLOW_CONN_AIRBYTE_DEFAULT"
    (value,) = shlex.split(quoted)
    assert json.loads(value)["password"] == "a'b\"c $d"
