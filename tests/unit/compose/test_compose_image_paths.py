"""The paths inside the images: compose.yaml and the Dockerfiles agree with spoon.images."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from spoon import images

from .conftest import COMPOSE_FILE, REPO

DOCKERFILES = [REPO / name / "Dockerfile" for name in ("airflow", "dbt", "dashboard")]
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


ENTRYPOINTS = [REPO / name / "entrypoint.sh" for name in ("airflow", "dbt")]


@pytest.mark.parametrize("path", [COMPOSE_FILE, *DOCKERFILES, *ENTRYPOINTS])
def test_every_opt_path_is_under_a_known_root(path: Path) -> None:
    found = re.findall(r"/opt/[\w./-]*", path.read_text())
    unknown = [p for p in found if not any(p == str(r) or p.startswith(f"{r}/") for r in ROOTS)]
    assert not unknown, f"{path.name}: {unknown} (add the folder to spoon/images.py)"


def data_mounts() -> dict[str, dict]:
    """Each service's mount of the `spoon-data` volume, short syntax read as the long one."""
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    found = {}
    for name, svc in services.items():
        for m in svc.get("volumes", []):
            if isinstance(m, str):
                source, target, *mode = m.split(":")
                m = {"source": source, "target": target, "read_only": mode == ["ro"]}
            if m.get("source") == "spoon-data":
                found[name] = m
    return found


def test_the_data_volume_is_mounted_on_the_data_dir() -> None:
    targets = {m["target"] for m in data_mounts().values()}
    assert targets == {str(images.DATA_DIR)}


def test_only_the_airflow_writers_seed_the_data_volume() -> None:
    """A new volume takes the folder (and its owner) of the first container that mounts it:
    a reader from another image (the dashboard's folder is uid 10001's) would leave the
    Airflow user unable to write it, depending on which container Docker creates first."""
    mounts = data_mounts()
    readers = {name for name, m in mounts.items() if m.get("read_only")}
    assert {"dashboard", "docs"} <= readers
    seeding = {name for name in readers if not (mounts[name].get("volume") or {}).get("nocopy")}
    assert not seeding, f"{sorted(seeding)}: mount spoon-data with volume.nocopy (*data-read-only)"
    writers = set(mounts) - readers
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    assert writers and all(services[w].get("user") == "50000:0" for w in writers), writers
