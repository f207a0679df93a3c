"""Read a dbt run's `run_results.json`: which node failed, and why, in one line."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

FAILED = ("error", "fail", "runtime error")


def target_path(project_dir: Path, args: Sequence[str], env: Mapping[str, str]) -> Path:
    """Where this dbt invocation writes its artifacts: --target-path, DBT_TARGET_PATH or
    the project's `target/` (dbt_project.yml sets `target-path: target`)."""
    chosen: str | None = None
    for i, arg in enumerate(args):
        if arg == "--target-path" and i + 1 < len(args):
            chosen = args[i + 1]
        elif arg.startswith("--target-path="):
            chosen = arg.split("=", 1)[1]
    chosen = chosen or env.get("DBT_TARGET_PATH") or "target"
    path = Path(chosen)
    return path if path.is_absolute() else project_dir / path


def failure_summary(run_results: Path, *, since: float | None = None) -> str | None:
    """'test X failed (3 failing rows); skipped: fct_orders and 4 more' for a failed run,
    else None (no file, unreadable, older than `since` — a previous run's — or no failed
    node in it)."""
    try:
        if since is not None and run_results.stat().st_mtime < since - 1:
            return None
        data = json.loads(run_results.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    results: list[dict[str, Any]] = [r for r in (data.get("results") or []) if isinstance(r, dict)]
    failed = [r for r in results if r.get("status") in FAILED]
    if not failed:
        return None
    first = failed[0]
    uid = str(first.get("unique_id") or "unknown node")
    parts = uid.split(".")
    kind = parts[0] if len(parts) > 1 else "node"
    name = _name(uid)
    status = "failed" if first.get("status") == "fail" else "errored"
    message = " ".join(str(first.get("message") or "").split())
    if first.get("status") == "fail" and first.get("failures"):
        n = first["failures"]
        message = f"{n} failing row{'s' if n != 1 else ''}"
    line = f"{kind} {name} {status}" + (f" ({message[:300]})" if message else "")
    others = len(failed) - 1
    if others:
        line += f"; {others} more node{'s' if others != 1 else ''} failed"
    skipped = [r for r in results if r.get("status") == "skipped"]
    if skipped:
        sname = _name(str(skipped[0].get("unique_id") or ""))
        more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
        line += f"; skipped: {sname}{more}"
    return line


def _name(unique_id: str) -> str:
    """test.project.not_null_x.1a2b3c -> not_null_x; model.project.fct_orders -> fct_orders."""
    parts = unique_id.split(".")
    if parts[0] == "test" and len(parts) >= 4:
        return parts[2]
    return parts[-1]
