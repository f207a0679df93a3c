"""Run dbt (installed in its own virtualenv) on the project in `dbt/`."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from spoon.errors import SpoonError, TransformError
from spoon.settings import Settings
from spoon.transform.env import NO_TRACKING, dbt_profile_env
from spoon.transform.results import (
    describe_rows,
    failed_test,
    failure_summary,
    fix_of,
    target_path,
)


def dbt_env(settings: Settings) -> dict[str, str]:
    """The environment of a dbt run from the CLI: this process's, the settings' profile
    variables over it, and the key's passphrase (which the DAG gets from the worker's env)."""
    env = {**NO_TRACKING, **os.environ, **dbt_profile_env(settings)}
    if settings.snowflake_private_key_passphrase.get_secret_value():
        env["SPOON_SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"] = (
            settings.snowflake_private_key_passphrase.get_secret_value()
        )
    return env


def dbt_command(settings: Settings, args: Sequence[str]) -> list[str]:
    project = Path(settings.dbt_project_dir).resolve()
    if not (project / "dbt_project.yml").exists():
        raise SpoonError(f"no dbt project at {project}; set SPOON_DBT_PROJECT_DIR")
    exe = settings.dbt_bin
    if not Path(exe).exists():
        raise SpoonError(f"dbt not found at {exe}; run `make setup` or set SPOON_DBT_EXECUTABLE")
    return [
        exe,
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target",
        settings.target,
    ]


def run_dbt(
    settings: Settings,
    args: Sequence[str],
    *,
    on_line: Callable[[str], None] | None = print,
    check: bool = True,
) -> int:
    """Run one dbt command, streaming its output line by line; raise on failure."""
    if settings.warehouse == "duckdb":
        Path(settings.duckdb_path).parent.mkdir(parents=True, exist_ok=True)
    cmd = dbt_command(settings, args)
    tail: list[str] = []
    started = time.time()
    with subprocess.Popen(
        cmd,
        env=dbt_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=str(Path(settings.dbt_project_dir).resolve()),
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            tail = [*tail[-40:], line]
            if on_line:
                on_line(line)
        code = proc.wait()
    if check and code != 0:
        errors = [ln for ln in tail if "error" in ln.lower() or "fail" in ln.lower()]
        first = (errors or tail or ["no output"])[0].strip()
        project = Path(settings.dbt_project_dir).resolve()
        results = target_path(project, args, dbt_env(settings)) / "run_results.json"
        summary = failure_summary(results, since=started, manifest=results.parent / "manifest.json")
        if summary:  # the run's own artifact: which node failed and why
            detail = failing_rows_detail(settings, results)
            raise TransformError(f"dbt {args[0]} failed: {summary}{detail} ({results})")
        raise TransformError(f"dbt {args[0]} failed (exit {code}): {first}")
    return code


def failing_rows_detail(settings: Settings, run_results: Path) -> str:
    """'; first failing rows: shop=shop_x, problem=no shop record. Fix: …' for a run whose
    first failure is a test: its compiled SQL again through `dbt show` (dbt's own
    connection, either warehouse; it writes no artifacts), and the test's `meta.fix`.
    Empty when there is no such test or dbt cannot show it: the summary stands alone."""
    manifest = run_results.parent / "manifest.json"
    test = failed_test(run_results, manifest)
    if test is None:
        return ""
    detail = ""
    cmd = dbt_command(settings, ["show", "--inline", test.compiled_code, "--limit", "3"])
    cmd += ["--output", "json", "--quiet", "--no-write-json"]
    try:
        out = subprocess.run(
            cmd,
            env=dbt_env(settings),
            capture_output=True,
            text=True,
            timeout=300,
            cwd=str(Path(settings.dbt_project_dir).resolve()),
        )
        shown = out.stdout[out.stdout.index("{") :] if out.returncode == 0 else '{"show": []}'
        rows = json.loads(shown)["show"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError):
        rows = []
    if rows:
        detail = f"; first failing row{'s' if len(rows) > 1 else ''}: {describe_rows(rows)}"
    fix = fix_of(manifest, test.unique_id)
    return f"{detail}. Fix: {fix}" if fix else detail


#: rejected raw records per stream (DESIGN.md contract 4: dbt/models/audit)
REJECTS_SQL = (
    "select stream, count(distinct _airbyte_raw_id) as records"
    " from {schema}.rejected_records group by stream order by stream"
)


def rejected_records_line(settings: Settings) -> str | None:
    """One line after a build when raw records were rejected, e.g.
    `2 records rejected: orders 2 (audit.rejected_records)`; None when there are none or
    the warehouse cannot say (DuckDB only: Snowflake's rejects are in the build's warning)."""
    if settings.warehouse != "duckdb":
        return None
    import duckdb

    path = Path(settings.duckdb_path)
    if not path.exists():
        return None
    schema = "audit"
    if settings.target == "ci" and settings.dbt_schema:
        schema = f"{settings.dbt_schema}_audit"
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            rows = con.execute(REJECTS_SQL.format(schema=schema)).fetchall()
    except duckdb.Error:
        return None
    total = sum(int(n) for _, n in rows)
    if not total:
        return None
    per_stream = ", ".join(f"{stream} {n}" for stream, n in rows)
    noun = "record" if total == 1 else "records"
    return f"{total} {noun} rejected: {per_stream} ({schema}.rejected_records)"
