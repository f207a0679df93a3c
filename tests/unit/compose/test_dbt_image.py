"""The dbt image (dbt/Dockerfile) and who uses it: the Airflow image copies its dbt from it,
compose runs it for ad-hoc work (`docker compose run --rm dbt …`, `make dbt ARGS=…`), the
stack test and deploy.yml build it first. Checked without a Docker engine: the Dockerfiles
read as instructions, compose.yaml as Compose resolves it, the entry point run on the host."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
from support.dockerfile import Stage, global_args, stages

from spoon import images
from spoon.settings import Settings
from spoon.transform.env import dbt_profile_env

from .conftest import REPO

DBT_DOCKERFILE = REPO / "dbt" / "Dockerfile"
AIRFLOW_DOCKERFILE = REPO / "airflow" / "Dockerfile"
ENTRYPOINT = REPO / "dbt" / "entrypoint.sh"
DEFAULT_TAG = "willows-spoon/dbt:0.1.0"


def _final(path: Path) -> Stage:
    return stages(path)[-1]


def _copies_from(stage: Stage, source: str) -> dict[str, str]:
    """What a stage copies out of another stage: source path -> destination."""
    found = {}
    for ins in stage.all("COPY"):
        if ins.flags.get("from") == source:
            *sources, dest = ins.args
            found.update(dict.fromkeys(sources, dest))
    return found


# --- the dbt image ----------------------------------------------------------------------------
def test_dbt_image_holds_the_venv_the_project_and_its_manifest() -> None:
    (stage,) = stages(DBT_DOCKERFILE)
    runs = " ".join(i.text for i in stage.all("RUN"))
    assert f"python3 -m venv {images.DBT_VENV}" in runs
    assert f"{images.DBT_VENV}/bin/pip install -q -r /tmp/dbt-requirements.txt" in runs
    copies = {ins.args[0]: ins.args[-1] for ins in stage.all("COPY")}
    assert copies["dbt/requirements.txt"] == "/tmp/dbt-requirements.txt"
    assert copies["dbt"] == str(images.DBT_PROJECT_DIR)  # profiles.yml is in the project
    # the manifest cosmos renders the DAG from, parsed in the image
    assert re.search(r"cd /opt/spoon/dbt .*dbt parse --profiles-dir \. --target dev", runs)


def test_dbt_image_runs_as_the_airflow_user_ids_and_enters_dbt() -> None:
    (stage,) = stages(DBT_DOCKERFILE)
    args = {i.args[0].partition("=")[0]: i.args[0].partition("=")[2] for i in stage.all("ARG")}
    assert args["DBT_UID"] == "50000"
    runs = " ".join(i.text for i in stage.all("RUN"))
    assert re.search(r'useradd --uid "\$\{DBT_UID\}" --gid 0 .* dbt\b', runs)
    assert stage.all("USER")[-1].args == ["dbt"]
    env = {k: v for i in stage.all("ENV") for k, v in (a.split("=", 1) for a in i.args)}
    assert env["DBT_PROJECT_DIR"] == env["DBT_PROFILES_DIR"] == str(images.DBT_PROJECT_DIR)
    assert env["SPOON_DUCKDB_PATH"] == images.CONTAINER_SETTINGS["SPOON_DUCKDB_PATH"]
    assert stage.all("ENTRYPOINT")[-1].args == [str(images.DBT_PROJECT_DIR / "entrypoint.sh")]
    assert os.access(ENTRYPOINT, os.X_OK), "dbt/entrypoint.sh must be executable"


@pytest.mark.parametrize(
    "dockerfile", [DBT_DOCKERFILE, AIRFLOW_DOCKERFILE], ids=lambda p: p.parent.name
)
def test_dbt_and_airflow_images_take_the_build_args_of_the_others(dockerfile: Path) -> None:
    """The stack test builds both from its debootstrapped base and its local wheelhouse."""
    assert "BASE_IMAGE" in global_args(dockerfile)
    assert _final(dockerfile).base == global_args(dockerfile)["BASE_IMAGE"]
    declared = {i.args[0].partition("=")[0] for i in _final(dockerfile).all("ARG")}
    assert {"PIP_FIND_LINKS", "PIP_NO_INDEX"} <= declared


# --- the Airflow image takes its dbt from it ----------------------------------------------------
def test_airflow_image_copies_dbt_from_the_dbt_image_instead_of_building_it() -> None:
    first, final = stages(AIRFLOW_DOCKERFILE)
    defaults = global_args(AIRFLOW_DOCKERFILE)
    assert (first.name, first.base) == ("dbt", defaults["DBT_IMAGE"]) == ("dbt", DEFAULT_TAG)
    assert _copies_from(final, "dbt") == {
        str(images.DBT_VENV): str(images.DBT_VENV),
        str(images.DBT_PROJECT_DIR): str(images.DBT_PROJECT_DIR),
    }
    runs = " ".join(i.text for i in final.all("RUN"))
    assert "dbt-requirements" not in runs and "dbt/requirements" not in runs
    assert "dbt parse" not in runs
    assert not any("dbt/requirements.txt" in i.args for i in final.all("COPY"))
    # a copied venv works only beside the same interpreter: the same base image by default
    assert defaults["BASE_IMAGE"] == global_args(DBT_DOCKERFILE)["BASE_IMAGE"]


# --- compose -----------------------------------------------------------------------------------
@pytest.fixture()
def tools(compose: Any) -> dict[str, Any]:
    out = compose("--profile", "tools", "config", "--format", "json")
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout))


def test_compose_runs_the_dbt_image_in_the_tools_profile_only(
    tools: dict[str, Any], resolved: dict[str, Any], raw: dict[str, Any]
) -> None:
    assert "dbt" not in resolved["services"], "make up would start dbt"
    dbt = tools["services"]["dbt"]
    assert dbt["profiles"] == ["tools"]
    assert raw["services"]["dbt"]["image"] == f"${{SPOON_DBT_IMAGE:-{DEFAULT_TAG}}}"
    assert dbt["build"]["dockerfile"] == "dbt/Dockerfile"
    assert "ports" not in dbt and "expose" not in dbt
    assert dbt["user"] == "50000:0" and dbt["restart"] == "no"
    (data,) = [m for m in dbt["volumes"] if m.get("source") == "spoon-data"]
    assert data["target"] == str(images.DATA_DIR) and not data.get("read_only")
    assert dbt.get("command") is None and dbt.get("entrypoint") is None  # run --rm dbt ARGS


def test_the_airflow_build_is_given_the_dbt_image_compose_runs(
    tools: dict[str, Any], raw: dict[str, Any]
) -> None:
    for name, svc in tools["services"].items():
        if svc.get("build", {}).get("dockerfile") == "airflow/Dockerfile":
            assert svc["build"]["args"]["DBT_IMAGE"] == tools["services"]["dbt"]["image"], name
    airflow_build = raw["x-airflow-common"]["build"]["args"]["DBT_IMAGE"]
    assert airflow_build == raw["services"]["dbt"]["image"]


# --- the entry point resolves what `spoon transform` resolves --------------------------------
CASES = {
    "embedded": {"SPOON_WAREHOUSE": "duckdb", "SPOON_DUCKDB_PATH": "{tmp}/volume/w.duckdb"},
    "embedded, threads and memory": {
        "SPOON_DBT_THREADS": "3",
        "SPOON_DUCKDB_MEMORY_LIMIT": "1GB",
        "SPOON_DBT_SCHEMA": "scratch",
    },
    "prod": {"SPOON_WAREHOUSE": "snowflake", "SPOON_ENV": "prod", "SPOON_SNOWFLAKE_ACCOUNT": "a-b"},
    "dev on snowflake": {
        "SPOON_WAREHOUSE": "snowflake",
        "SPOON_ENV": "dev",
        "SPOON_SNOWFLAKE_ACCOUNT": "a-b",
        "SPOON_SNOWFLAKE_DATABASE": "analytics",
        "SPOON_SNOWFLAKE_HOST": "127.0.0.1",
        "SPOON_SNOWFLAKE_PORT": "8443",
        "SPOON_SNOWFLAKE_PROTOCOL": "http",
    },
    "ci, own user and suffix": {
        "SPOON_WAREHOUSE": "snowflake",
        "SPOON_ENV": "ci",
        "SPOON_DBT_TARGET": "ci",
        "SPOON_SNOWFLAKE_USER": "someone",
        "SPOON_SNOWFLAKE_ENV_SUFFIX": "_PR7",
        "SPOON_SNOWFLAKE_ROLE": "builder",
        "SPOON_SNOWFLAKE_WAREHOUSE": "wh",
        "SPOON_SNOWFLAKE_RAW_DATABASE": "landing",
    },
    "an explicit key and an empty suffix": {
        "SPOON_WAREHOUSE": "snowflake",
        "SPOON_ENV": "dev",
        "SPOON_SNOWFLAKE_ENV_SUFFIX": "",
        "SPOON_SNOWFLAKE_PRIVATE_KEY_PATH": "/run/spoon/keys/other.p8",
    },
    "snowflake, dev target": {"SPOON_WAREHOUSE": "snowflake", "SPOON_DBT_TARGET": "dev"},
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_entrypoint_gives_dbt_the_environment_spoon_transform_gives_it(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = {"SPOON_SNOWFLAKE_KEYS_DIR": "/run/spoon/keys", **CASES[case]}
    given = {k: v.replace("{tmp}", str(tmp_path)) for k, v in given.items()}
    for var in [v for v in os.environ if v.startswith("SPOON_")]:
        monkeypatch.delenv(var)
    for var, value in given.items():
        monkeypatch.setenv(var, value)
    monkeypatch.chdir(tmp_path)  # no .env of the checkout's
    expected = dbt_profile_env(Settings(_env_file=None))  # type: ignore[call-arg]
    out = subprocess.run(
        ["bash", str(ENTRYPOINT), "-0"],
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            **given,
            "SPOON_DBT_EXECUTABLE": "/usr/bin/env",
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    seen = dict(line.split("=", 1) for line in out.stdout.split("\0") if line)
    assert {k: seen.get(k) for k in expected} == expected
    if "SPOON_DUCKDB_PATH" in expected:  # dbt-duckdb creates the file, not its folder
        assert Path(expected["SPOON_DUCKDB_PATH"]).parent.is_dir()


# --- who builds it: first, and the Airflow build names it -------------------------------------
def _builds(script: Path) -> list[list[str]]:
    """The `build …` calls of scripts/stack-test.sh, as words, variables as written."""
    lines = script.read_text().splitlines()
    return [shlex.split(line)[1:] for line in lines if line.startswith("build ")]


def test_the_stack_test_builds_the_dbt_image_before_the_airflow_image() -> None:
    script = REPO / "scripts" / "stack-test.sh"
    tagged = {b[b.index("-f") + 1]: b for b in _builds(script)}
    dbt, airflow = tagged["dbt/Dockerfile"], tagged["airflow/Dockerfile"]
    order = list(tagged)
    assert order.index("dbt/Dockerfile") < order.index("airflow/Dockerfile")
    # both offline, from the wheelhouse (`build` adds BASE_IMAGE to every call)
    assert "${OFFLINE[@]}" in dbt and "${OFFLINE[@]}" in airflow
    assert re.search(r"^DBT_IMAGE=willows-spoon/dbt:0\.1\.0$", script.read_text(), re.M)
    assert dbt[dbt.index("-t") + 1] == "$DBT_IMAGE"
    assert "DBT_IMAGE=$DBT_IMAGE" in airflow
    every_build = r'^build\(\) .*\n.*--build-arg BASE_IMAGE="\$BASE_IMAGE"'
    assert re.search(every_build, script.read_text(), re.M)


def _make_n(*goals: str) -> list[str]:
    out = subprocess.run(
        ["make", "-n", "--no-print-directory", *goals, "SPOON_ENV_FILE=/nonexistent/.env"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_make_up_builds_the_dbt_image_before_the_stack() -> None:
    lines = _make_n("up")
    (build,) = [i for i, line in enumerate(lines) if "--profile tools build dbt" in line]
    (up,) = [i for i, line in enumerate(lines) if " up -d --build" in line]
    assert build < up


def test_make_dbt_runs_the_dbt_service_with_the_args() -> None:
    (run,) = [line for line in _make_n("dbt", "ARGS=build -s fct_orders+") if " run " in line]
    assert run.endswith("--env-file /nonexistent/.env run --rm dbt build -s fct_orders+")
    (image,) = [line for line in _make_n("dbt-image") if "docker build" in line]
    assert "-f dbt/Dockerfile" in image
