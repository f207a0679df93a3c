"""What `make setup` runs: scripts/system-packages.sh (the apt packages the tests need) and
scripts/step.sh (one line per install step, the output in a log shown only on failure).

The scripts run with a PATH of their own: fake `id`, `sudo` and `apt-get` record what they are
asked and "install" a package by putting its command on that PATH, so nothing is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
TOOLS = ("bash", "env", "dirname", "date", "mkdir", "tail", "sed", "grep", "cat", "true")
#: what `apt-get install` puts on PATH, per package (the fake's "install")
PROVIDES = {"chromium": "chromium", "chromium-driver": "chromedriver"}


class Machine:
    """A PATH with the tools the scripts use, make/git/npm, and whatever a test adds."""

    def __init__(self, root: Path, *, uid: int, sudo: bool, apt: str | None) -> None:
        self.bin = root / "bin"
        self.bin.mkdir()
        self.calls = root / "calls.log"
        self.logs = root / "logs"
        for tool in TOOLS:
            found = shutil.which(tool)
            assert found, tool
            (self.bin / tool).symlink_to(found)
        for present in ("make", "git", "npm"):
            self.fake(present, "exit 0")
        self.fake("id", f'[ "$1" = -u ] && echo {uid}')
        if sudo:
            self.fake("sudo", f'[ "$1" = -n ] && shift; echo "sudo $*" >> {self.calls}; exec "$@"')
        if apt == "works":
            installs = "; ".join(
                f'[[ " $* " == *" {pkg} "* ]] && printf "#!/bin/sh\\n" > {self.bin}/{cmd} '
                f"&& chmod +x {self.bin}/{cmd}"
                for pkg, cmd in PROVIDES.items()
            )
            self.fake(
                "apt-get",
                f'echo "apt-get $*" >> {self.calls}; echo "Setting up..."; {installs}; exit 0',
            )
        elif apt == "fails":
            self.fake(
                "apt-get",
                f'echo "apt-get $*" >> {self.calls}; '
                'echo "E: Unable to locate package chromium" >&2; exit 100',
            )

    def fake(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!{shutil.which('bash')}\n{body}\n")
        path.chmod(0o755)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": str(self.bin),
            "PYTHON": sys.executable,
            "SPOON_LOG_DIR": str(self.logs),
            "HOME": os.environ.get("HOME", "/tmp"),
        }
        return subprocess.run(
            [str(self.bin / "bash"), str(REPO / "scripts" / "system-packages.sh"), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    def recorded(self) -> list[str]:
        return self.calls.read_text().splitlines() if self.calls.exists() else []


def missing_packages() -> str:
    """What the machine lacks: Chromium and its driver (and the font where it is absent)."""
    return "chromium chromium-driver" + ("" if FONT.exists() else " fonts-dejavu-core")


def test_nothing_to_do_is_silent(tmp_path: Path) -> None:
    m = Machine(tmp_path, uid=1000, sudo=False, apt="fails")
    m.fake("chromium", "exit 0")
    m.fake("chromedriver", "exit 0")
    if not FONT.exists():
        pytest.skip(f"{FONT} is not on this machine")
    out = m.run()
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")
    assert m.recorded() == []


def test_root_installs_only_what_is_missing_in_one_line(tmp_path: Path) -> None:
    m = Machine(tmp_path, uid=0, sudo=False, apt="works")
    out = m.run()
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(rf"• installing {missing_packages()} \(apt-get\) … \d+s\n", out.stdout)
    assert out.stderr == ""
    assert m.recorded() == [
        "apt-get -q -y update",
        f"apt-get -q -y install --no-install-recommends {missing_packages()}",
    ]
    assert "Setting up..." in (m.logs / "system-packages.log").read_text()
    # now present: a second run does nothing
    if FONT.exists():
        again = m.run()
        assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
        assert len(m.recorded()) == 2


def test_not_root_installs_through_sudo_n(tmp_path: Path) -> None:
    m = Machine(tmp_path, uid=1000, sudo=True, apt="works")
    out = m.run()
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"• installing {missing_packages()} (sudo apt-get) … ")
    assert m.recorded() == [
        "sudo true",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get -q -y update",
        "apt-get -q -y update",
        f"sudo env DEBIAN_FRONTEND=noninteractive apt-get -q -y install --no-install-recommends "
        f"{missing_packages()}",
        f"apt-get -q -y install --no-install-recommends {missing_packages()}",
    ]


def test_without_root_or_sudo_one_line_names_the_command(tmp_path: Path) -> None:
    m = Machine(tmp_path, uid=1000, sudo=False, apt="works")
    out = m.run()
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.splitlines() == [
        "error: missing Chromium and ChromeDriver (the browser test)"
        + ("" if FONT.exists() else ", a font (the browser test)")
        + "; installing them needs root or password-less sudo: run `sudo apt-get update && "
        f"sudo apt-get install -y --no-install-recommends {missing_packages()}`"
    ]
    assert m.recorded() == []
    # what `make setup` runs: the same line as a warning, and setup goes on
    warned = m.run("--warn")
    assert warned.returncode == 0
    assert len(warned.stderr.splitlines()) == 1
    assert warned.stderr.startswith("warning: missing Chromium and ChromeDriver")
    assert warned.stderr.rstrip().endswith("(make test fails until then)")


def test_a_failed_install_shows_the_log_and_the_command(tmp_path: Path) -> None:
    m = Machine(tmp_path, uid=0, sudo=False, apt="fails")
    out = m.run()
    assert out.returncode == 1
    assert re.fullmatch(
        rf"• installing {missing_packages()} \(apt-get\) … FAILED after \d+s \(exit 100\)\n",
        out.stdout,
    )
    log = m.logs / "system-packages.log"
    assert "  | E: Unable to locate package chromium" in out.stderr
    assert f"  full log: {log}" in out.stderr
    assert out.stderr.splitlines()[-1] == (
        f"error: apt-get could not install {missing_packages()} (log above): fix that, or run "
        f"`sudo apt-get install -y --no-install-recommends {missing_packages()}` yourself"
    )


def test_without_apt_it_says_what_to_install(tmp_path: Path) -> None:
    m = Machine(tmp_path, uid=0, sudo=False, apt=None)
    out = m.run("tests", "stack")
    assert out.returncode == 1
    # a Docker engine in /usr/sbin counts (a user's PATH often lacks it)
    stack = [
        name
        for name, cmd in (("a Docker engine", "dockerd"), ("debootstrap", "debootstrap"))
        if not any(Path(d, cmd).exists() for d in ("/usr/sbin", "/sbin"))
    ]
    assert out.stderr.splitlines() == [
        "error: missing Chromium and ChromeDriver (the browser test)"
        + ("" if FONT.exists() else ", a font (the browser test)")
        + (f", {' and '.join(stack)} (the stack test)" if stack else "")
        + ", and this machine has no apt-get: install them with its package manager"
    ]


def test_a_step_keeps_its_output_in_the_log(tmp_path: Path) -> None:
    env = {**os.environ, "SPOON_LOG_DIR": str(tmp_path)}
    step = [
        shutil.which("bash") or "bash",
        str(REPO / "scripts" / "step.sh"),
        "demo-step",
        "doing it",
    ]
    ok = subprocess.run(
        [*step, "echo chatter; echo more chatter >&2"], capture_output=True, text=True, env=env
    )
    assert ok.returncode == 0
    assert re.fullmatch(r"• doing it … \d+s\n", ok.stdout) and ok.stderr == ""
    assert "more chatter" in (tmp_path / "demo-step.log").read_text()
    bad = subprocess.run(
        [*step, "echo first; echo the reason >&2; exit 3"], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 3
    assert re.fullmatch(r"• doing it … FAILED after \d+s \(exit 3\)\n", bad.stdout)
    assert "  | the reason\n" in bad.stderr and f"full log: {tmp_path}/demo-step.log" in bad.stderr


def test_setup_and_test_prerequisites_are_all_in_the_makefile() -> None:
    """Nobody needs to read mk/*.mk to know what `make setup` and `make test` install."""
    for mk in sorted((REPO / "mk").glob("*.mk")):
        added = [ln for ln in mk.read_text().splitlines() if re.match(r"(setup|test)\s*:", ln)]
        assert added == [], f"{mk.name} adds to setup/test: {added}"
    out = subprocess.run(
        ["make", "-pn", "test"], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    rules = {
        ln.split(":")[0]: ln.split(":", 1)[1].split()
        for ln in out.stdout.splitlines()
        if re.match(r"(setup|test|core): ", ln)
    }
    assert rules["core"] == [".make/venv", ".make/dbt-venv"]
    assert rules["setup"] == [
        "system-packages",
        "core",
        ".make/airflow-venv",
        ".make/compose-venv",
        ".make/node-tools",
    ]
    assert rules["test"] == ["setup", ".make/pyairbyte-venv", "shopify-schemas"]
