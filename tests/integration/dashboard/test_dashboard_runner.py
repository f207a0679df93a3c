"""`spoon dashboard`: the streamlit command line and its errors."""

from __future__ import annotations

import subprocess

import pytest
from support.paths import SPOON

from spoon.dashboard.runner import app_path, check, streamlit_command
from spoon.errors import SpoonError
from spoon.settings import load_settings


def flags(cmd: list[str]) -> dict[str, str]:
    return {cmd[i]: cmd[i + 1] for i in range(5, len(cmd) - 1, 2)}


def test_bound_to_localhost_headless_and_without_telemetry() -> None:
    s = load_settings()
    cmd = streamlit_command(8501, s.dashboard_address)
    assert cmd[1:4] == ["-m", "streamlit", "run"]
    assert cmd[4] == str(app_path()) and app_path().is_file()
    f = flags(cmd)
    assert f["--server.address"] == "127.0.0.1"
    assert f["--server.port"] == "8501"
    assert f["--server.headless"] == "true"
    assert f["--browser.gatherUsageStats"] == "false"
    assert f["--server.fileWatcherType"] == "none"


def test_bad_port_is_refused() -> None:
    with pytest.raises(SpoonError, match="out of range"):
        check(0, load_settings())


def test_cli_reports_a_bad_port_on_one_line() -> None:
    out = subprocess.run(
        [SPOON, "dashboard", "--port", "70000"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode != 0
    assert "out of range" in out.stderr and len(out.stderr.strip().splitlines()) == 1
