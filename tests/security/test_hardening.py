"""Security checks not made elsewhere (static, no Docker engine, a few seconds).

Already covered, not repeated here:
- the secrets scan of the whole repository against `.secrets.baseline`: `make lint`
  (tests/integration/cicd/test_cicd_lint.py::test_make_lint_passes_on_the_repository);
- compose ports on 127.0.0.1 only, no secret literals, compose refusing to start without
  its secrets, Airflow services' `user:` and the Airflow image's USER, image tags:
  tests/unit/compose/test_compose_static.py;
- the admin password being required and strong (`spoon airflow write-auth`):
  tests/integration/airflow/test_airflow_runtime.py;
- the REPORTER role granted the marts only (and LOADER raw only):
  tests/unit/bootstrap/test_bootstrap_sqlfiles.py::test_least_privilege_grants;
- the bucket policy denying non-TLS access, read back from moto:
  tests/integration/snowflake/test_snowflake_aws_moto.py::test_bootstrap_aws_twice;
- marts without raw e-mail or phone: tests/reliability/test_marts_privacy.py.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.dockerfile import stages

REPO = Path(__file__).resolve().parents[2]
#: detect-secrets plugins whose findings may be whitelisted: keyword and entropy false
#: positives (placeholders, test values). A key-shaped finding (AWS key, private key,
#: Slack/Stripe/GitHub token, JWT, …) must be removed, never baselined.
WHITELISTABLE = {"Secret Keyword", "Base64 High Entropy String", "Hex High Entropy String"}
#: The official postgres image starts as root only to fix the data folder's ownership,
#: then runs the server as `postgres` (gosu); everything else must not run as root.
ROOT_ENTRYPOINT_DROPS_PRIVILEGES = {"postgres": "postgres:"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((REPO / "compose.yaml").read_text()))


def _final_user(dockerfile: Path) -> str | None:
    users = re.findall(r"^USER\s+(\S+)", dockerfile.read_text(), re.M)
    return users[-1] if users else None


def _is_root(user: str | None) -> bool:
    return user is None or user.split(":")[0] in ("", "0", "root")


def test_every_container_runs_as_non_root(compose: dict[str, Any]) -> None:
    for name, svc in compose["services"].items():
        if name in ROOT_ENTRYPOINT_DROPS_PRIVILEGES:
            assert svc["image"].startswith(ROOT_ENTRYPOINT_DROPS_PRIVILEGES[name]), name
            assert "user" not in svc, name
            continue
        if "user" in svc:
            assert not _is_root(str(svc["user"])), f"{name} runs as {svc['user']}"
            continue
        build = svc.get("build")
        assert build, f"{name}: no `user:` and no Dockerfile to read its USER from"
        dockerfile = REPO / build.get("context", ".") / build.get("dockerfile", "Dockerfile")
        user = _final_user(dockerfile)
        assert not _is_root(user), f"{name}: {dockerfile.name} ends as {user or 'root'}"


def _base_image(dockerfile: Path) -> str:
    """The final stage's base (the Airflow image's first stage is the dbt image it copies from,
    checked as dbt/Dockerfile), with the ARG defaults resolved."""
    return stages(dockerfile)[-1].base


@pytest.mark.parametrize(
    "dockerfile", ["airflow/Dockerfile", "dbt/Dockerfile", "dashboard/Dockerfile"]
)
def test_dockerfile_base_images_are_pinned_to_a_release(dockerfile: str) -> None:
    """Not only a tag: a full version (X.Y.Z), so a rebuild gets the same base."""
    image = _base_image(REPO / dockerfile)
    assert re.fullmatch(r"[\w./-]+:\d+\.\d+\.\d+[\w.-]*", image), f"{dockerfile}: {image}"


def test_no_default_airflow_admin_password(compose: dict[str, Any]) -> None:
    text = (REPO / "compose.yaml").read_text()
    # never a literal, never a fallback value in compose
    literal = r"^\s*-?\s*AIRFLOW_ADMIN_PASSWORD\s*[:=]\s*(?!\$\{)\S"
    assert not re.search(literal, text, re.M), "literal admin password"
    assert not re.search(r"\$\{AIRFLOW_ADMIN_PASSWORD:?-", text), "default admin password"
    assert "ALL_ADMINS" not in text, "SIMPLE_AUTH_MANAGER_ALL_ADMINS turns the login off"
    env = compose["services"]["airflow-apiserver"]["environment"]
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
    # the password file is written from .env, and refused when empty, before Airflow starts
    script = "\n".join(compose["services"]["airflow-init"]["command"])
    assert "set -euo pipefail" in script
    assert script.index("spoon airflow write-auth") < script.index("airflow db")
    example = (REPO / ".env.example").read_text()
    assert re.search(r"^AIRFLOW_ADMIN_PASSWORD=$", example, re.M), "no sample password"


def test_secrets_baseline_whitelists_only_false_positive_kinds() -> None:
    baseline = json.loads((REPO / ".secrets.baseline").read_text())
    kinds = {
        (path, finding["type"])
        for path, findings in baseline["results"].items()
        for finding in findings
    }
    assert {kind for _, kind in kinds} <= WHITELISTABLE, sorted(kinds)
    outside_tests = {(p, k) for p, k in kinds if not p.startswith("tests/")}
    assert {k for _, k in outside_tests} <= {"Secret Keyword"}, sorted(outside_tests)
    assert not any(f.get("is_secret") for fs in baseline["results"].values() for f in fs)


def test_the_secrets_scan_excludes_no_source_file() -> None:
    """The baseline's file exclusions skip only the lock file and the baseline itself."""
    baseline = json.loads((REPO / ".secrets.baseline").read_text())
    patterns = [
        p
        for f in baseline["filters_used"]
        if f["path"].endswith("should_exclude_file")
        for p in f.get("pattern", [])
    ]
    files = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(files) > 100
    excluded = sorted(f for f in files if any(re.search(p, f) for p in patterns))
    assert set(excluded) <= {".secrets.baseline", "package-lock.json"}, excluded
