"""Read a dbt run's `run_results.json`: which node failed, and why, in one line; and for a
failed test, its compiled SQL (to show its first failing rows) and the fix its `meta` names."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


def failure_summary(
    run_results: Path, *, since: float | None = None, manifest: Path | None = None
) -> str | None:
    """'test X failed (3 failing rows); skipped: fct_orders and 4 more' for a failed run,
    else None (no file, unreadable, older than `since` — a previous run's — or no failed
    node in it). The node named is the first failed one, a test with a fix (`meta.fix`,
    `manifest`) before any other: it says best what is wrong."""
    try:
        if since is not None and run_results.stat().st_mtime < since - 1:
            return None
    except OSError:
        return None
    results = _results(run_results)
    failed = _failed(results, manifest)
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


@dataclass(frozen=True)
class FailedTest:
    """A failed test: its id and the SQL dbt ran (it selects the failing rows)."""

    unique_id: str
    compiled_code: str


def failed_test(run_results: Path, manifest: Path | None = None) -> FailedTest | None:
    """The test failure_summary names, when it is a test (status `fail`) with its SQL."""
    failed = _failed(_results(run_results), manifest)
    if not failed:
        return None
    first = failed[0]
    uid, code = str(first.get("unique_id")), first.get("compiled_code")
    if first.get("status") == "fail" and uid.startswith("test.") and code:
        return FailedTest(uid, str(code))
    return None


def fix_of(manifest: Path | None, unique_id: str) -> str | None:
    """What to do when the test fails: its `meta.fix` (dbt/tests, the models' .yml)."""
    return _fixes(manifest).get(unique_id)


def describe_rows(rows: Sequence[Mapping[str, Any]], *, limit: int = 300) -> str:
    """'shop=shop_x, problem=no shop record; shop=shopify, …' (cut at `limit` characters)."""
    text = "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in rows)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _results(run_results: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(run_results.read_text())
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    return [r for r in (data.get("results") or []) if isinstance(r, dict)]


def _failed(results: list[dict[str, Any]], manifest: Path | None) -> list[dict[str, Any]]:
    """The failed nodes, those with a fix first (else in the run's order)."""
    fixes = _fixes(manifest)
    failed = [r for r in results if r.get("status") in FAILED]
    return sorted(failed, key=lambda r: str(r.get("unique_id")) not in fixes)


def _fixes(manifest: Path | None) -> dict[str, str]:
    """unique_id -> its `meta.fix`, for every node of the manifest that has one."""
    if manifest is None:
        return {}
    try:
        nodes = json.loads(manifest.read_text())["nodes"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    fixes = {}
    for uid, node in nodes.items() if isinstance(nodes, dict) else []:
        meta = (node.get("config") or {}).get("meta") or node.get("meta") or {}
        if isinstance(meta, dict) and meta.get("fix"):
            fixes[uid] = " ".join(str(meta["fix"]).split())
    return fixes


def _name(unique_id: str) -> str:
    """test.project.not_null_x.1a2b3c -> not_null_x; model.project.fct_orders -> fct_orders."""
    parts = unique_id.split(".")
    if parts[0] == "test" and len(parts) >= 4:
        return parts[2]
    return parts[-1]
