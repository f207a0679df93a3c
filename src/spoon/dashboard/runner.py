"""Serve the Streamlit dashboard (`spoon dashboard`, `make dashboard`, the compose service)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from spoon.errors import SpoonError
from spoon.settings import Settings, load_settings, repo_path


def app_path() -> Path:
    """dashboard/app.py of the checkout (or of the image's working directory)."""
    return repo_path("dashboard", "app.py")


def streamlit_command(port: int, address: str, app: Path | None = None) -> list[str]:
    """`streamlit run` bound to one address, headless, with no telemetry or file watching."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app or app_path()),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        "--global.developmentMode",
        "false",
        "--client.toolbarMode",
        "viewer",
        "--theme.base",
        "light",
        "--theme.primaryColor",
        "#2e7d32",
    ]


def check(port: int, settings: Settings) -> Path:
    if not 1 <= port <= 65535:
        raise SpoonError(f"port {port} is out of range; pick one in 1..65535")
    if importlib.util.find_spec("streamlit") is None:
        raise SpoonError("streamlit is not installed; run `make setup` (the dashboard extras)")
    app = app_path()
    if not app.is_file():
        raise SpoonError(f"no dashboard app at {app}; run from the repository root")
    return app


def serve(port: int = 8501, settings: Settings | None = None) -> int:
    """Run the dashboard in the foreground until interrupted.

    On POSIX the process becomes streamlit (exec), so signals from a terminal, a process
    manager or `docker stop` reach the server itself and nothing is left behind.
    """
    s = settings or load_settings()
    app = check(port, s)
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    cmd = streamlit_command(port, s.dashboard_address, app)
    print(f"Dashboard on http://{s.dashboard_address}:{port} (Ctrl-C to stop)", flush=True)
    if os.name == "posix":
        os.execve(cmd[0], cmd, env)
    try:  # pragma: no cover - other platforms
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:  # pragma: no cover
        return 0
