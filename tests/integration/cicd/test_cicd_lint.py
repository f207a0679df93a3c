"""`make lint` / pre-commit: each check catches its kind of problem, and the repo passes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
VENV = REPO / ".venv"
# what scripts/lint.sh and the hooks need besides the files they check
LINT_FILES = (
    "scripts/lint.sh",
    "scripts/actionlint.cjs",
    "scripts/sqlfluff",
    "pyproject.toml",
    ".sqlfluff",
    ".sqlfluffignore",
    ".yamllint.yaml",
    ".github/zizmor.yml",
    ".pre-commit-config.yaml",
    "dbt/macros",
)
# built at run time so that no secret scanner (ours included) sees one in this file
FAKE_AWS_KEY = "AKIA" + "J7QWERTYZ3XCVBNM"

GOOD_WORKFLOW = """\
name: ok
on: push
permissions: {}
jobs:
  a:
    name: a
    runs-on: ubuntu-24.04
    permissions:
      contents: read
    steps:
      - run: echo hello
"""

# check -> (file, content that fails, content that passes)
CASES: dict[str, tuple[str, str, str]] = {
    "ruff": ("src/pkg/mod.py", "import os\n\nX = 1\n", "X = 1\n"),
    "ruff-format": ("src/pkg/fmt.py", "X = {'a':1}\n", 'X = {"a": 1}\n'),
    "sqlfluff": (
        "dbt/models/marts/m.sql",
        "SELECT a, b from {{ ref('x') }}\n",
        "select\n    a,\n    b\nfrom {{ ref('x') }}\n",
    ),
    "yamllint": ("conf/a.yml", "a: 1\na: 2\n", "a: 1\nb: 2\n"),
    "secrets": ("conf/settings.py", f'KEY_ID = "{FAKE_AWS_KEY}"\n', 'KEY_ID = ""\n'),
    "whitespace": ("docs/x.md", "title  \ntext", "title\ntext\n"),
    "actionlint": (
        ".github/workflows/w.yml",
        GOOD_WORKFLOW.replace("echo hello", "echo ${{ github.event.issue.title }}"),
        GOOD_WORKFLOW,
    ),
    "zizmor": (
        ".github/workflows/w.yml",
        GOOD_WORKFLOW.replace("      - run: echo hello", "      - uses: actions/checkout@v5"),
        GOOD_WORKFLOW,
    ),
}


@pytest.fixture()
def lint_repo(tmp_path: Path) -> Path:
    """A fresh git repository holding the lint configuration and nothing else."""
    root = tmp_path / "repo"
    for rel in LINT_FILES:
        src, dest = REPO / rel, root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dest)
        else:
            shutil.copy2(src, dest)
    (root / "node_modules").symlink_to(REPO / "node_modules")
    (root / ".gitignore").write_text("node_modules\n")
    env = lint_env()
    subprocess.run(
        [str(VENV / "bin" / "detect-secrets"), "scan", "--exclude-files", r"^\.secrets\.baseline$"],
        cwd=root,
        env=env,
        check=True,
        stdout=(root / ".secrets.baseline").open("w"),
    )
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def lint_env() -> dict[str, str]:
    env = dict(os.environ)
    env["SPOON_LINT_VENV"] = str(VENV)
    env["PATH"] = f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PRE_COMMIT_HOME"] = str(Path(env.get("TMPDIR", "/tmp")) / "spoon-pre-commit-cache")
    return env


def lint(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "scripts/lint.sh", *args],
        cwd=root,
        env=lint_env(),
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("check", sorted(CASES))
def test_each_check_fails_on_its_problem_and_passes_when_fixed(lint_repo: Path, check: str) -> None:
    rel, bad, good = CASES[check]
    path = lint_repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)

    path.write_text(bad)
    out = lint(lint_repo, check, "--", rel)
    assert out.returncode == 1, f"{check} missed the problem:\n{out.stdout}\n{out.stderr}"
    assert f"lint: failed: {check}" in out.stderr
    assert rel in out.stdout + out.stderr, "the report names the file"

    path.write_text(good)
    out = lint(lint_repo, check, "--", rel)
    assert out.returncode == 0, f"{check} failed on a good file:\n{out.stdout}\n{out.stderr}"


def test_unknown_check_is_refused(lint_repo: Path) -> None:
    out = lint(lint_repo, "pylint")
    assert out.returncode == 2
    assert "unknown check 'pylint'" in out.stderr


def test_pre_commit_runs_the_same_checks_offline(lint_repo: Path) -> None:
    """pre-commit (local hooks only: nothing downloaded) blocks a bad file, passes a good one."""
    env = lint_env()
    pre_commit = str(VENV / "bin" / "pre-commit")
    rel, bad, good = CASES["ruff"]
    path = lint_repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)

    def stage_and_run(text: str) -> subprocess.CompletedProcess[str]:
        """Write `text` to the file, stage everything, run pre-commit on the file."""
        path.write_text(text)
        subprocess.run(["git", "add", "-A"], cwd=lint_repo, check=True)
        return subprocess.run(
            [pre_commit, "run", "--files", rel, ".pre-commit-config.yaml"],
            cwd=lint_repo,
            env=env,
            capture_output=True,
            text=True,
        )

    out = stage_and_run(bad)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "ruff (lint)" in out.stdout and "Failed" in out.stdout
    assert "F401" in out.stdout  # `os` imported but unused

    out = stage_and_run(good)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.slow
def test_make_lint_passes_on_the_repository() -> None:
    out = subprocess.run(
        ["make", "--no-print-directory", "lint"], cwd=REPO, capture_output=True, text=True
    )
    assert out.returncode == 0, f"make lint failed:\n{out.stdout[-8000:]}\n{out.stderr[-4000:]}"
    assert "checks passed" in out.stdout
