"""Fixtures for the Airbyte unit tests: the PyAirbyte venv, where source-shopify lives."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from spoon.settings import repo_path

HERE = Path(__file__).resolve().parent


def pyairbyte_bin() -> Path:
    return repo_path(".venv-pyairbyte", "bin")


@pytest.fixture(scope="session")
def shopify_spec() -> dict[str, Any]:
    """source-shopify's own spec, from its `spec` command (built by `make pyairbyte-venv`)."""
    exe = pyairbyte_bin() / "source-shopify"
    if not exe.exists():
        pytest.fail(f"{exe} is missing: run `make pyairbyte-venv`")
    out = subprocess.run(
        [str(exe), "spec"], capture_output=True, text=True, timeout=120, check=True
    )
    for line in out.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("type") == "SPEC":
            return dict(msg["spec"])
    raise AssertionError(f"no SPEC message from source-shopify: {out.stdout[-500:]}")


def _pyairbyte_json(script: Path) -> dict[str, Any]:
    """What `script` prints as JSON when run with the PyAirbyte venv's python."""
    out = subprocess.run(
        [str(pyairbyte_bin() / "python"), str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(out.stdout))


@pytest.fixture(scope="session")
def shopify_streams() -> dict[str, dict[str, Any]]:
    """What source-shopify's own stream classes say about our streams."""
    return _pyairbyte_json(HERE / "shopify_streams.py")


@pytest.fixture(scope="session")
def shopify_catalog() -> dict[str, Any]:
    """source-shopify's spec and catalog as tests/support/source_shopify_catalog.py prints
    them (what the fake Airbyte API holds in source_shopify_catalog.json)."""
    return _pyairbyte_json(HERE.parents[1] / "support" / "source_shopify_catalog.py")
