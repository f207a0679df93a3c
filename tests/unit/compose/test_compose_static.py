"""compose.yaml: the services, their wiring and their safety, checked without a Docker engine."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
AIRFLOW = ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer")
LONG_RUNNING = ("postgres", *AIRFLOW, "dashboard", "docs")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|FERNET|PRIVATE_KEY")
VAR = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")


def test_compose_v2_accepts_the_file(compose: Any) -> None:
    out = compose("config", "-q")
    assert out.returncode == 0, out.stderr


def test_compose_refuses_to_start_without_the_secrets(compose: Any, project: Path) -> None:
    (project / ".env").write_text("AIRFLOW_ADMIN_PASSWORD=x\n")
    out = compose("config", "-q")
    assert out.returncode != 0
    # compose names the first missing secret it meets; which one comes first is not fixed
    assert any(
        f"set {name} in .env" in out.stderr
        for name in ("AIRFLOW_FERNET_KEY", "AIRFLOW_DB_PASSWORD", "AIRFLOW_JWT_SECRET")
    ), out.stderr


def test_services_present(resolved: dict[str, Any]) -> None:
    assert set(resolved["services"]) == {*LONG_RUNNING, "airflow-init"}
    assert set(resolved["volumes"]) >= {"postgres-db", "spoon-data"}


def test_ports_are_published_on_localhost_only(resolved: dict[str, Any]) -> None:
    published = {
        name: port for name, svc in resolved["services"].items() for port in svc.get("ports", [])
    }
    assert set(published) == {"airflow-apiserver", "dashboard", "docs"}
    for name, port in published.items():
        assert port["host_ip"] == "127.0.0.1", (name, port)
    assert "ports" not in resolved["services"]["postgres"]


def test_every_long_running_service_has_a_healthcheck(resolved: dict[str, Any]) -> None:
    for name in LONG_RUNNING:
        check = resolved["services"][name].get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), name
        assert check.get("interval") and check.get("retries"), name


def test_dependencies_wait_for_health_or_completion(resolved: dict[str, Any]) -> None:
    services = resolved["services"]
    for name, svc in services.items():
        for dep, cond in svc.get("depends_on", {}).items():
            assert cond["condition"] in ("service_healthy", "service_completed_successfully")
            expected = (
                "service_completed_successfully" if dep == "airflow-init" else "service_healthy"
            )
            assert cond["condition"] == expected, (name, dep)
    for name in AIRFLOW:
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
    assert services["airflow-init"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_restart_policies_log_rotation_and_memory(resolved: dict[str, Any]) -> None:
    total = 0
    for name, svc in resolved["services"].items():
        expected = "no" if name == "airflow-init" else "unless-stopped"
        assert svc.get("restart") == expected, name
        logging = svc.get("logging", {})
        assert logging.get("driver") == "json-file", name
        assert logging["options"]["max-size"] and logging["options"]["max-file"], name
        limit = int(svc.get("mem_limit", 0))
        assert limit > 0, f"{name} has no memory limit"
        total += limit if name != "airflow-init" else 0
    # beside Airbyte (~8 GB) on a 16 GB VM
    assert total <= 8 * 1024**3, total / 1024**3


def test_airflow_runs_local_executor_with_modest_parallelism(resolved: dict[str, Any]) -> None:
    for name in (*AIRFLOW, "airflow-init"):
        env = resolved["services"][name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor", name
        assert int(env["AIRFLOW__CORE__PARALLELISM"]) <= 8, name
        assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres:5432/airflow"), name
        assert resolved["services"][name]["user"].split(":")[0] != "0", name


def test_no_secret_literals(raw: dict[str, Any], test_secrets: dict[str, str]) -> None:
    text = (REPO / "compose.yaml").read_text()
    for value in test_secrets.values():
        assert value not in text
    for name, svc in raw["services"].items():
        env = svc.get("environment") or {}
        items = env.items() if isinstance(env, dict) else (e.split("=", 1) for e in env)
        for key, value in items:
            secret_name = SECRET_NAME.search(key) and not key.endswith("_FILE")
            if value is None:  # passed through from .env by name
                continue
            if secret_name or ("://" in str(value) and "@" in str(value)):
                assert "${" in str(value), f"{name}.{key} holds a literal secret"
        # no container gets the whole .env (tests/unit/compose/test_compose_secrets.py)
        assert "env_file" not in svc, name


def test_secrets_reach_the_containers_from_env(
    resolved: dict[str, Any], test_secrets: dict[str, str]
) -> None:
    env = resolved["services"]["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__CORE__FERNET_KEY"] == test_secrets["AIRFLOW_FERNET_KEY"]
    assert test_secrets["AIRFLOW_DB_PASSWORD"] in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert "AIRFLOW_ADMIN_PASSWORD" not in env
    init = resolved["services"]["airflow-init"]["environment"]
    assert init["AIRFLOW_ADMIN_PASSWORD"] == test_secrets["AIRFLOW_ADMIN_PASSWORD"]


def test_image_tags_are_pinned(raw: dict[str, Any]) -> None:
    for name, svc in raw["services"].items():
        image = re.sub(r"^\$\{\w+:-(.+)\}$", r"\1", svc.get("image", ""))  # ${VAR:-default}
        assert re.fullmatch(r"[\w./-]+:[\w.-]+", image), f"{name}: {image!r} has no tag"
        assert not image.endswith(":latest"), name
    for dockerfile in ("airflow/Dockerfile", "dbt/Dockerfile"):
        text = (REPO / dockerfile).read_text()
        (base,) = re.findall(r"^ARG BASE_IMAGE=(\S+)$", text, re.M)
        assert re.fullmatch(r"[\w./-]+:\d[\w.-]*", base), f"{dockerfile}: unpinned base {base}"


def test_every_variable_is_listed_in_env_example() -> None:
    used = set(VAR.findall((REPO / "compose.yaml").read_text()))
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (REPO / ".env.example").read_text(), re.M))
    assert used, "no variables found: the pattern is broken"
    assert sorted(used - listed) == []


def test_airflow_image_runs_as_non_root() -> None:
    text = (REPO / "airflow" / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
