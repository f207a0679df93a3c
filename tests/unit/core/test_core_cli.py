"""The CLI surface: every command listed with one line, errors as one line and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from support import fixture_marts
from support.duck import log_builds

SPOON = str(Path(sys.executable).parent / "spoon")
REPO = Path(__file__).resolve().parents[3]
COMMANDS = (
    "demo",
    "extract",
    "load",
    "transform",
    "run",
    "dashboard",
    "bootstrap",
    "airbyte",
    "doctor",
)


def _run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    base = {k: v for k, v in os.environ.items() if not k.startswith("SPOON_")}
    return subprocess.run(
        [SPOON, *args], capture_output=True, text=True, env={**base, **(env or {})}, cwd=cwd
    )


def test_help_lists_every_command() -> None:
    out = _run("--help", env={"COLUMNS": "200"})
    assert out.returncode == 0
    for command in COMMANDS:
        assert any(line.strip().startswith(f"│ {command} ") for line in out.stdout.splitlines()), (
            command
        )


def test_wrong_setting_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = _run("load", env={"SPOON_WAREHOUSE": "oracle"}, cwd=tmp_path)
    assert out.returncode == 2
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "SPOON_WAREHOUSE" in lines[0], out.stderr
    assert not (tmp_path / "data").exists(), "no work may start before settings are valid"


def test_wrong_option_value_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args, fragment in (
        (("extract", "--source", "demo", "--profile", "fr"), "'fr' is not a demo profile"),
        (("demo", "--profile", "fr"), "use us or eu"),
        (("extract", "--start", "2025-13-01"), "--start"),
    ):
        out = _run(*args, cwd=tmp_path)
        assert out.returncode == 2, out
        lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and fragment in lines[0], out.stderr
        assert "Traceback" not in out.stderr
    assert not (tmp_path / "data").exists()


def test_summary_without_warehouse_says_how_to_fix(tmp_path: Path) -> None:
    out = _run("summary", cwd=tmp_path)
    assert out.returncode == 1
    assert "make demo" in out.stderr


def test_summary_after_a_failed_build_warns_the_marts_are_stale(tmp_path: Path) -> None:
    """The marts of the last successful build are still shown (exit 0), with one line
    saying they are stale, since when and as of which build (audit.dbt_build_log)."""
    warehouse = fixture_marts.build_fixture_warehouse(tmp_path / "warehouse.duckdb")
    env = {"SPOON_DUCKDB_PATH": str(warehouse), "SPOON_ENV_FILE": str(tmp_path / "no.env")}
    log_builds(warehouse, ("2026-01-15 06:12:00", "success"))
    fresh = _run("summary", env=env, cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert "Sales summary" in fresh.stdout and "stale" not in fresh.stdout + fresh.stderr

    log_builds(warehouse, ("2026-01-16 06:20:00", "error"))
    stale = _run("summary", env=env, cwd=tmp_path)
    assert stale.returncode == 0, stale.stderr
    assert "Sales summary" in stale.stdout
    (line,) = [ln for ln in stale.stderr.splitlines() if ln.strip()]
    assert line == (
        "! The marts are stale: the last build failed at 2026-01-16 06:20 UTC; they show "
        "data as of the build at 2026-01-15 06:12 UTC. Fix the build and run `spoon transform`."
    ), stale.stderr


def test_make_help_lists_targets() -> None:
    out = subprocess.run(["make", "-s", "help"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0
    for target in ("setup", "demo", "test", "lint", "clean"):
        assert f" {target} " in out.stdout.replace("\x1b[36m", " ").replace("\x1b[0m", " ")


def test_doctor_masks_secrets(tmp_path: Path) -> None:
    out = _run(
        "doctor",
        env={"SPOON_SHOPIFY_ACCESS_TOKEN": "shpat_supersecret_value", "COLUMNS": "200"},
        cwd=tmp_path,
    )
    assert "supersecret" not in out.stdout
    assert "SPOON_SHOPIFY_ACCESS_TOKEN" in out.stdout
    # nothing but the embedded defaults: every check passes, the cloud ones are not configured
    assert out.returncode == 0, out.stdout + out.stderr
    rows = {ln.split("│")[1].strip(): ln for ln in out.stdout.splitlines() if ln.count("│") == 4}
    for cloud in ("snowflake", "aws s3", "airbyte"):
        assert " ".join(rows[cloud].strip("│ ").split()) == f"{cloud} │ skipped │ not configured"


def test_several_shops_each_failing_shop_is_named_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    """`spoon extract` with two real shops lacking their own credentials: one line naming
    each shop and its variable, a non-zero exit, an empty lake."""
    env = {
        "SPOON_ENV_FILE": str(tmp_path / "none.env"),
        "SPOON_SOURCE": "shopify",
        "SPOON_LAKE_URL": str(tmp_path / "lake"),
        "SPOON_LAKE_NAMESPACES": "shop_us,shop_eu",
        "SPOON_SHOPIFY_SHOP": "not-for-other-shops",
        "SPOON_SHOPIFY_ACCESS_TOKEN": "shpat_default",
        "SPOON_SHOPIFY_SHOP_SHOP_EU": "willows-spoon-berlin",
        "COLUMNS": "300",
    }
    out = _run("extract", env=env, cwd=tmp_path)
    assert out.returncode != 0
    line = out.stderr.strip().splitlines()[-1]
    assert line.startswith("error: shop shop_us: SPOON_SHOPIFY_SHOP_SHOP_US is not set"), line
    assert "; shop shop_eu: SPOON_SHOPIFY_ACCESS_TOKEN_SHOP_EU is not set" in line
    assert not (tmp_path / "lake").exists()
    bad = _run("extract", "--shop", "shop_xx", env=env, cwd=tmp_path)
    assert bad.returncode != 0 and "'shop_xx' is not in SPOON_LAKE_NAMESPACES" in bad.stderr
