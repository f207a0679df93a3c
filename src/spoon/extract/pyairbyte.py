"""A real shop without an Airbyte server: source-shopify through PyAirbyte, into the lake.

`spoon extract --source shopify` calls `extract_shopify(settings)`. It runs
`pyairbyte_runner.py` with the PyAirbyte venv's python (its own venv: PyAirbyte pins
airbyte-api<1.0), which reads the streams of the Airbyte connection with the state saved by
the last run, then writes each stream's records as contract-1 Parquet through
`spoon.load.lake.Lake`, and only then saves the new state. So each run fetches only what changed
since the last one, and a failed run writes nothing and saves no state.

The state lives beside the data it describes: `{lake}/_spoon/{namespace}/pyairbyte-state.json`
(outside the namespace folder, so loaders never see it). Delete it to sync from the start.

Several shops (SPOON_LAKE_NAMESPACES): one extract per shop, each with its own shop name and
token (SPOON_SHOPIFY_SHOP_<NS>, SPOON_SHOPIFY_ACCESS_TOKEN_<NS>), namespace and state.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from spoon.errors import SpoonError
from spoon.files import atomic_write
from spoon.images import PYAIRBYTE_PYTHON
from spoon.load.lake import STREAMS, Lake
from spoon.settings import Settings, repo_path

RUNNER = Path(__file__).with_name("pyairbyte_runner.py")


class ShopifyExtractError(SpoonError):
    """The PyAirbyte extract cannot run or failed."""


@dataclass
class ExtractReport:
    files: list[str] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    state_path: str = ""


def pyairbyte_python(settings: Settings) -> Path:
    if settings.pyairbyte_python:
        return Path(settings.pyairbyte_python)
    for candidate in (
        repo_path(".venv-pyairbyte", "bin", "python"),
        Path(PYAIRBYTE_PYTHON),
    ):
        if candidate.exists():
            return candidate
    return repo_path(".venv-pyairbyte", "bin", "python")


def source_config(
    settings: Settings, namespace: str | None = None, **overrides: Any
) -> dict[str, Any]:
    """source-shopify's configuration of one shop (default: the first) from the settings
    (as airbyte/source-shopify.yaml)."""
    from spoon.settings import shop_variable, shop_variables

    ns = namespace or settings.namespaces[0]
    shop, secret = settings.shopify_credentials_of(ns)
    token = secret.get_secret_value()
    own = not settings.is_default_shop(ns)
    shop_var = shop_variable("SPOON_SHOPIFY_SHOP", ns) if own else "SPOON_SHOPIFY_SHOP"
    token_var = (
        shop_variable("SPOON_SHOPIFY_ACCESS_TOKEN", ns) if own else "SPOON_SHOPIFY_ACCESS_TOKEN"
    )
    if not shop:
        raise ShopifyExtractError(
            f"{shop_var} is not set: set it to the part before .myshopify.com"
        )
    if not token:
        raise ShopifyExtractError(
            f"{token_var} is not set: create a custom app in the Shopify admin "
            "(read-only scopes) and put its Admin API access token in .env"
        )
    start = settings.shopify_start_date.isoformat()
    own_start = shop_variable("SPOON_SHOPIFY_START_DATE", ns)
    if own and shop_variables(ns).get(own_start):
        start = shop_variables(ns)[own_start].strip()
        try:
            date.fromisoformat(start)
        except ValueError:
            raise ShopifyExtractError(
                f"{own_start}={start!r} is not a date; use YYYY-MM-DD"
            ) from None
    return {
        "shop": shop,
        "start_date": start,
        "credentials": {"auth_method": "api_password", "api_password": token},
        "fetch_transactions_user_id": False,
        "bulk_window_in_days": 30,
        **overrides,
    }


def state_path(lake: Lake, namespace: str) -> str:
    return f"{lake.root}/_spoon/{namespace}/pyairbyte-state.json"


def load_state(lake: Lake, namespace: str) -> list[dict[str, Any]]:
    path = state_path(lake, namespace)
    if not lake.fs.exists(path):
        return []
    try:
        state = json.loads(lake.read_bytes(path))
    except ValueError:
        raise ShopifyExtractError(
            f"{path} is not valid JSON; delete it to sync everything again"
        ) from None
    if not isinstance(state, list):
        raise ShopifyExtractError(f"{path} is not a list of Airbyte state messages; delete it")
    return state


def save_state(lake: Lake, namespace: str, state: list[dict[str, Any]]) -> str:
    path = state_path(lake, namespace)
    data = json.dumps(state, indent=1).encode()
    if lake.is_local:
        atomic_write(path, data)
    else:
        lake.fs.pipe_file(path, data)
    return path


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open() as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def run_pyairbyte(
    settings: Settings,
    config: dict[str, Any],
    streams: list[str],
    state: list[dict[str, Any]],
    work: Path,
) -> Path:
    """Run the runner in the PyAirbyte venv; returns the folder holding its output."""
    python = pyairbyte_python(settings)
    executable = python.parent / "source-shopify"
    if not python.exists() or not executable.exists():
        raise ShopifyExtractError(
            f"PyAirbyte is not installed at {python.parent.parent}: run `make pyairbyte-venv` "
            "(or set SPOON_PYAIRBYTE_PYTHON)"
        )
    out = work / "out"
    out.mkdir(parents=True)
    request = work / "request.json"
    request.write_text(
        json.dumps(
            {
                "config": config,
                "streams": streams,
                "state": state,
                "executable": str(executable),
                "out_dir": str(out),
            }
        )
    )
    request.chmod(0o600)  # it holds the access token
    env = {**os.environ, "AIRBYTE_OFFLINE_MODE": "1", "DO_NOT_TRACK": "1"}
    proc = subprocess.run(
        # -P: the runner's folder is not put on sys.path, or spoon/extract/airbyte/ (beside
        # it) would shadow PyAirbyte's own `airbyte` package
        [str(python), "-P", str(RUNNER), str(request)],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 or not (out / "DONE").exists():
        log = Path(tempfile.gettempdir()) / "spoon-pyairbyte-last-error.log"
        log.write_text(proc.stdout + "\n" + proc.stderr)
        raise ShopifyExtractError(
            f"source-shopify failed: {_last_error(proc.stderr + proc.stdout)} (check "
            f"SPOON_SHOPIFY_SHOP and SPOON_SHOPIFY_ACCESS_TOKEN; full log: {log}); nothing was "
            "written and the next run starts from the same state"
        )
    return out


_NEW_LINE = ("INFO", "WARN", "ERROR", "DEBUG", "Traceback", "raise ", "File ", "RUNNER-ERROR")


def _last_error(text: str) -> str:
    """The most telling line of a failed run: the connector's own per-stream errors first."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if "did not sync successfully" in ln:
            tail = []
            for nxt in lines[i + 1 : i + 6]:
                if nxt.startswith((*_NEW_LINE, "airbyte.")):
                    break
                tail.append(nxt)
            return " ".join(["streams failed:", *tail])[:600]
    errors = [i for i, ln in enumerate(lines) if ln.startswith("ERROR:")]
    if errors:
        i = errors[-1]
        text = [lines[i][len("ERROR:") :].strip()]
        for nxt in lines[i + 1 : i + 4]:  # the connector's log wraps long messages
            if nxt.startswith(_NEW_LINE):
                break
            text.append(nxt)
        return " ".join(text)[:600]
    for ln in reversed(lines):
        if ln.startswith("RUNNER-ERROR: "):
            return ln[len("RUNNER-ERROR: ") :][:600]
    return lines[-1][:400] if lines else "no output"


def extract_shopify(
    settings: Settings,
    *,
    streams: list[str] | None = None,
    config_overrides: dict[str, Any] | None = None,
    now: datetime | None = None,
    namespace: str | None = None,
) -> ExtractReport:
    """One incremental sync of the real shop (default: the first shop) into its namespace
    of the lake (contract 1), with its own state."""
    namespace = namespace or settings.namespaces[0]
    config = source_config(settings, namespace, **(config_overrides or {}))
    chosen = list(streams or STREAMS)
    lake = Lake(settings.lake_url)
    state = load_state(lake, namespace)
    extracted_at = (now or datetime.now(UTC)).astimezone(UTC)
    sync_id = int(extracted_at.timestamp())
    report = ExtractReport()
    work = Path(tempfile.mkdtemp(prefix="spoon-pyairbyte-"))
    try:
        out = run_pyairbyte(settings, config, chosen, state, work)
        for stream in chosen:
            path = out / f"{stream}.jsonl"
            if not path.exists():
                report.records[stream] = 0
                continue
            files = lake.write_records(
                namespace,
                stream,
                _records(path),
                extracted_at=extracted_at,
                sync_id=sync_id,
                raw_id_seed=f"pyairbyte/{config['shop']}",
            )
            report.files.extend(files)
            report.records[stream] = int(json.loads((out / "counts.json").read_text())[stream])
        new_state = json.loads((out / "state.json").read_text())
        report.state_path = save_state(lake, namespace, new_state)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report
