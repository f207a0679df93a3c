"""The paths inside the images: compose.yaml and the Dockerfiles agree with spoon.images."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from spoon import images

from .conftest import COMPOSE_FILE, REPO

DOCKERFILES = [REPO / "airflow" / "Dockerfile", REPO / "dashboard" / "Dockerfile"]
ROOTS = [
    images.SPOON_HOME,
    images.DBT_VENV,
    images.AIRFLOW_HOME,
    images.AIRFLOW_VENV,
    images.DASHBOARD_VENV,
]


def dockerfile_env(path: Path) -> dict[str, str]:
    """`ENV A=x \\ B=y` of a Dockerfile, every ENV instruction."""
    text = path.read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"(\w+)=(\S+)", line))
    return env


def compose_envs() -> dict[str, dict[str, str]]:
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    return {name: dict(svc.get("environment") or {}) for name, svc in services.items()}


@pytest.mark.parametrize(
    "where, env",
    [(p.relative_to(REPO).as_posix(), dockerfile_env(p)) for p in DOCKERFILES]
    + [(f"compose.yaml {name}", env) for name, env in compose_envs().items()],
)
def test_container_settings_are_the_paths_of_spoon_images(where: str, env: dict) -> None:
    given = {k: v for k, v in env.items() if k in images.CONTAINER_SETTINGS}
    assert given == {k: images.CONTAINER_SETTINGS[k] for k in given}, where


@pytest.mark.parametrize("path", [COMPOSE_FILE, *DOCKERFILES, REPO / "airflow" / "entrypoint.sh"])
def test_every_opt_path_is_under_a_known_root(path: Path) -> None:
    found = re.findall(r"/opt/[\w./-]*", path.read_text())
    unknown = [p for p in found if not any(p == str(r) or p.startswith(f"{r}/") for r in ROOTS)]
    assert not unknown, f"{path.name}: {unknown} (add the folder to spoon/images.py)"


def test_the_data_volume_is_mounted_on_the_data_dir() -> None:
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    mounts = [v for svc in services.values() for v in svc.get("volumes", [])]
    data = [m.split(":")[1] for m in mounts if m.startswith("spoon-data:")]
    assert data and set(data) == {str(images.DATA_DIR)}
