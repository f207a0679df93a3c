"""`make airbyte-up` / `make airbyte-down` against a fake `abctl` that records its arguments.

The fake keeps the "cluster" state in a file: `local install` deploys, `local uninstall`
removes, `local status` reports it the way abctl does.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

FAKE_ABCTL = r"""#!/usr/bin/env bash
echo "$*" >> "$FAKE_ABCTL_LOG"
state="$FAKE_ABCTL_STATE"
case "$1 ${2:-}" in
  "version ") echo "version: ${FAKE_ABCTL_VERSION}" ;;
  "local status")
    if [[ -f "$state" ]]; then
      echo "  SUCCESS  Existing cluster 'airbyte-abctl' found"
      echo "  INFO    Found helm chart 'airbyte-abctl'"
      echo "            Status: deployed"
    else
      echo "  WARNING  Cluster 'airbyte-abctl' does not exist" >&2; exit 1
    fi ;;
  "local install") touch "$state"; echo "  SUCCESS  Airbyte installation complete." ;;
  "local uninstall") rm -f "$state"; echo "  SUCCESS  Airbyte uninstallation complete" ;;
  *) echo "unexpected: $*" >&2; exit 64 ;;
esac
"""


@pytest.fixture()
def abctl_env(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    abctl = bin_dir / "abctl"
    abctl.write_text(FAKE_ABCTL)
    abctl.chmod(0o755)
    docker = bin_dir / "docker"  # airbyte-up checks that Docker exists
    docker.write_text("#!/bin/sh\nexit 0\n")
    docker.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "HOME": str(tmp_path / "home"),
        "FAKE_ABCTL_LOG": str(tmp_path / "abctl.log"),
        "FAKE_ABCTL_STATE": str(tmp_path / "deployed"),
        "FAKE_ABCTL_VERSION": "v0.30.1",
    }


def make(target: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(REPO), target],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def calls(env: dict[str, str]) -> list[str]:
    log = Path(env["FAKE_ABCTL_LOG"])
    return [c for c in log.read_text().splitlines() if c != "version"] if log.exists() else []


def test_up_installs_once_with_low_resource_settings(abctl_env: dict[str, str]) -> None:
    first = make("airbyte-up", abctl_env)
    assert first.returncode == 0, first.stderr
    installs = [c for c in calls(abctl_env) if c.startswith("local install")]
    assert len(installs) == 1
    args = installs[0].split()
    assert "--low-resource-mode" in args and "--no-browser" in args
    assert args[args.index("--port") + 1] == "8000"
    values = Path(args[args.index("--values") + 1])
    assert values == REPO / "airbyte" / "abctl" / "values.yaml" and values.exists()
    assert "Airbyte UI:      http://localhost:8000" in first.stdout
    assert "local credentials" in first.stdout
    assert "SPOON_AIRBYTE_CLIENT_ID" in first.stdout

    second = make("airbyte-up", abctl_env)  # idempotent: already deployed
    assert second.returncode == 0, second.stderr
    assert "already installed and running" in second.stdout
    assert len([c for c in calls(abctl_env) if c.startswith("local install")]) == 1
    assert "http://localhost:8000" in second.stdout


def test_down_stops_then_does_nothing(abctl_env: dict[str, str]) -> None:
    assert make("airbyte-up", abctl_env).returncode == 0
    down = make("airbyte-down", abctl_env)
    assert down.returncode == 0, down.stderr
    assert "local uninstall" in calls(abctl_env)
    again = make("airbyte-down", abctl_env)
    assert again.returncode == 0
    assert "not running" in again.stdout
    assert calls(abctl_env).count("local uninstall") == 1


def test_port_and_chart_version_are_passed(abctl_env: dict[str, str]) -> None:
    env = {**abctl_env, "AIRBYTE_PORT": "8010", "AIRBYTE_CHART_VERSION": "1.8.5"}
    res = make("airbyte-up", env)
    assert res.returncode == 0, res.stderr
    (install,) = [c.split() for c in calls(env) if c.startswith("local install")]
    assert install[install.index("--port") + 1] == "8010"
    assert install[install.index("--chart-version") + 1] == "1.8.5"
    assert "http://localhost:8010/api/public/v1" in res.stdout


def test_another_abctl_version_is_replaced_by_the_pinned_one(abctl_env: dict[str, str]) -> None:
    """An abctl of another version is not used; the pinned one is downloaded (here: fails
    cleanly, the download URL points at a closed local port)."""
    env = {**abctl_env, "FAKE_ABCTL_VERSION": "v0.1.0", "ABCTL_URL": "http://127.0.0.1:9/x"}
    res = make("airbyte-up", env)
    assert res.returncode != 0
    assert "cannot download abctl v0.30.1" in res.stderr
    assert not [c for c in calls(env) if c.startswith("local")]
