"""Browser test: `spoon dashboard` on 127.0.0.1, loaded in headless Chromium.

Needs Debian's `chromium` and `chromium-driver`, which `make setup` installs
(scripts/system-packages.sh). Without them the test fails saying how to install them, unless
SPOON_SKIP_BROWSER=1. The screenshot lands in
test-artifacts/dashboard.png; set SPOON_SCREENSHOT_TO=docs/img/dashboard.png to refresh
the README's picture from the demo shop (`make dashboard-screenshot`; SPOON_SCREENSHOT_FROM=fixture
takes it from the fixture marts instead).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from support.duck import query
from support.paths import REPO, SPOON
from support.ports import free_port

pytestmark = pytest.mark.slow

# read at import: the suite's autouse fixture clears SPOON_* variables before each test
SKIP_BROWSER = os.environ.get("SPOON_SKIP_BROWSER") == "1"
SCREENSHOT_TO = os.environ.get("SPOON_SCREENSHOT_TO", "")
SCREENSHOT_FROM = os.environ.get("SPOON_SCREENSHOT_FROM", "demo")

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=1440,1500",
)


def _browser() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    if SKIP_BROWSER:
        pytest.skip("SPOON_SKIP_BROWSER=1: browser test skipped")
    pytest.fail(
        "the browser test needs Chromium and ChromeDriver: run `make setup` (it installs the "
        "Debian packages chromium and chromium-driver, or says how) or set SPOON_SKIP_BROWSER=1 "
        "to skip it locally",
        pytrace=False,
    )


def _wait_http(url: str, proc: subprocess.Popen[bytes], attempts: int = 600) -> None:
    import time

    for _ in range(attempts):
        if proc.poll() is not None:
            raise AssertionError(f"the dashboard exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the dashboard never answered on {url}")


@pytest.fixture(params=["fixture", "demo"])
def warehouse(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(f"{request.param}_warehouse")


@pytest.fixture()
def dashboard_url(warehouse: Path, tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOON_")}
    env.update(
        SPOON_ENV_FILE=str(tmp_path / "none.env"),
        SPOON_DUCKDB_PATH=str(warehouse),
        SPOON_DASHBOARD_REFRESH_FILE=str(tmp_path / "refresh.json"),
    )
    log = (tmp_path / "dashboard.log").open("wb")
    proc = subprocess.Popen(
        [SPOON, "dashboard", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_http(url, proc)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the server and any child
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_dashboard_in_a_real_browser(
    dashboard_url: str, warehouse: Path, request: pytest.FixtureRequest
) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    chromium, driver_path = _browser()
    first, last = query(
        warehouse, "select min(date_day), max(date_day) from marts.rpt_daily_sales"
    )[0]
    start = max(first, last - timedelta(days=89))
    (net,) = query(
        warehouse,
        "select coalesce(sum(net_sales), 0) from marts.rpt_daily_sales "
        f"where date_day between date '{start}' and date '{last}'",
    )[0]
    net_text = f"{Decimal(net).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="spoon-chromium-")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download
    browser = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    kind = request.node.callspec.params["warehouse"]
    shot = artifacts / f"dashboard-{kind}.png"
    try:
        browser.get(dashboard_url)
        wait = WebDriverWait(browser, 90, poll_frequency=0.5)
        wait.until(lambda b: "Net sales" in b.find_element("tag name", "body").text)
        wait.until(lambda b: net_text in b.find_element("tag name", "body").text)
        # charts drawn (vega renders a canvas or an svg once its data arrived)
        wait.until(
            lambda b: (
                b.execute_script(
                    "return document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length"
                )
                >= 1
            )
        )
        body = browser.find_element("tag name", "body").text
        for label in ("Net sales", "Total sales", "Orders", "Average order value",
                      "Returning rate", "Last successful load"):  # fmt: skip
            assert label in body
        assert "Traceback" not in body and "Error" not in body
        browser.save_screenshot(str(shot))
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)
    assert shot.stat().st_size > 10_000
    if SCREENSHOT_TO and kind == SCREENSHOT_FROM:
        dest = Path(SCREENSHOT_TO) if Path(SCREENSHOT_TO).is_absolute() else REPO / SCREENSHOT_TO
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, dest)
