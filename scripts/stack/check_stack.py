"""Helpers of scripts/stack-test.sh (stdlib only; runs with .venv/bin/python).

check_stack.py write-env FILE            a throwaway .env: random secrets, free ports,
                                         the embedded demo shop
check_stack.py check FILE -- COMPOSE...  log in to Airflow's REST API, trigger
                                         shopify_daily, wait for it, check the marts
                                         (through `COMPOSE exec`), the dashboard, the docs
"""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

DAG_ID = "shopify_daily"
RUN_TIMEOUT_S = 20 * 60
PARSE_TIMEOUT_S = 5 * 60
SHOPS = ("shop_us", "shop_eu")
MARTS_PROBE = """
import json, duckdb
from spoon.settings import load_settings
s = load_settings()
con = duckdb.connect(str(s.duckdb_path), read_only=True)
tables = [r[0] for r in con.execute(
    "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]
money = "sum(net_sales), sum(total_sales)"
def per_shop(table):
    rows = con.execute(f"select shop, {money} from marts.{table} group by shop").fetchall()
    return {shop: [str(v) for v in sums] for shop, *sums in rows}
print(json.dumps({
    "rows": {t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for t in tables},
    "daily": per_shop("rpt_daily_sales"),
    "facts": per_shop("fct_sales"),
}))
"""


def log(msg: str) -> None:
    print(f"[check] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_env(path: Path) -> None:
    import base64
    import os

    values = {
        "AIRFLOW_ADMIN_USER": "admin",
        "AIRFLOW_ADMIN_PASSWORD": secrets.token_urlsafe(18),
        "AIRFLOW_DB_PASSWORD": secrets.token_hex(16),
        "AIRFLOW_JWT_SECRET": secrets.token_hex(32),
        "AIRFLOW_FERNET_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "SPOON_AIRFLOW_PORT": str(free_port()),
        "SPOON_DASHBOARD_PORT": str(free_port()),
        "SPOON_DOCS_PORT": str(free_port()),
        "SPOON_ENV": "ci",
        "SPOON_SOURCE": "demo",
        "SPOON_WAREHOUSE": "duckdb",
        "SPOON_LAKE_URL": "data/lake",
        "SPOON_LAKE_NAMESPACES": ",".join(SHOPS),  # a US and a tax-inclusive EU demo shop
        "SPOON_DEMO_ORDERS": "1500",
        "SPOON_DEMO_DAYS": "150",
        "SPOON_DEMO_SEED": "7",
        "SPOON_SHOP_TIMEZONE": "America/Los_Angeles",
        "SPOON_SCHEDULE_TIME": "02:30",
        # fail fast: one retry after a minute
        "SPOON_DAG_RETRIES": "1",
        "SPOON_DAG_RETRY_DELAY_MINUTES": "1",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    path.chmod(0o600)


def read_env(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def http(
    method: str, url: str, body: Any = None, token: str = "", timeout: float = 30
) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace")


def api_json(method: str, url: str, token: str, body: Any = None) -> Any:
    status, text = http(method, url, body, token)
    if status >= 300:
        raise SystemExit(f"{method} {url} -> {status}: {text[:500]}")
    return json.loads(text)


def login(base: str, user: str, password: str) -> str:
    status, _ = http("POST", f"{base}/auth/token", {"username": user, "password": "wrong"})
    if status < 400:
        raise SystemExit(f"login with a wrong password answered {status}")
    status, text = http("POST", f"{base}/auth/token", {"username": user, "password": password})
    if status >= 300:
        raise SystemExit(f"login as {user} failed: {status} {text[:300]}")
    log(f"logged in to the REST API as {user}")
    return str(json.loads(text)["access_token"])


def wait_for_dag(api: str, token: str) -> None:
    deadline = time.monotonic() + PARSE_TIMEOUT_S
    while time.monotonic() < deadline:
        errors = api_json("GET", f"{api}/importErrors", token)
        if errors.get("total_entries"):
            raise SystemExit(f"DAG import errors: {json.dumps(errors)[:2000]}")
        if http("GET", f"{api}/dags/{DAG_ID}", token=token)[0] == 200:
            return
        time.sleep(5)
    raise SystemExit(f"{DAG_ID} was not parsed within {PARSE_TIMEOUT_S}s")


def run_dag(api: str, token: str) -> str:
    api_json("PATCH", f"{api}/dags/{DAG_ID}", token, {"is_paused": False})
    run = api_json("POST", f"{api}/dags/{DAG_ID}/dagRuns", token, {"logical_date": None})
    run_id = str(run["dag_run_id"])
    log(f"triggered {run_id}")
    t0 = time.monotonic()
    state, seen = "", ""
    while time.monotonic() - t0 < RUN_TIMEOUT_S:
        state = api_json("GET", f"{api}/dags/{DAG_ID}/dagRuns/{run_id}", token)["state"]
        tis = api_json("GET", f"{api}/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", token)
        done = sum(1 for ti in tis["task_instances"] if ti["state"] == "success")
        line = f"{state}: {done}/{tis['total_entries']} tasks succeeded"
        if line != seen:
            log(f"{line} ({time.monotonic() - t0:.0f}s)")
            seen = line
        if state in ("success", "failed"):
            break
        time.sleep(5)
    if state != "success":
        for ti in tis["task_instances"]:
            if ti["state"] not in ("success", "upstream_failed", "skipped", None):
                log(f"task {ti['task_id']} is {ti['state']}; its log ends with:")
                print(task_log(api, token, run_id, ti), flush=True)
        raise SystemExit(f"{DAG_ID} run {run_id} ended {state or 'unfinished'}")
    log(f"{DAG_ID} succeeded in {time.monotonic() - t0:.0f}s")
    return run_id


def task_log(api: str, token: str, run_id: str, ti: dict[str, Any], lines: int = 40) -> str:
    """The last lines of a task's log (the API answers structured JSON events)."""
    url = (
        f"{api}/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{ti['task_id']}"
        f"/logs/{max(ti['try_number'], 1)}?full_content=true"
    )
    _, text = http("GET", url, token=token)
    try:
        events = json.loads(text)["content"]
    except (ValueError, KeyError, TypeError):
        return text[-4000:]
    out = []
    for e in events:
        if not isinstance(e, dict):
            continue
        out.append(f"  {e.get('level', '')[:5]:5} {e.get('event', '')}")
        for detail in e.get("error_detail") or []:
            out.append(f"        {detail.get('exc_type')}: {detail.get('exc_value')}")
    return "\n".join(out[-lines:])


def check_marts(compose: list[str]) -> None:
    out = subprocess.run(
        [*compose, "exec", "-T", "airflow-scheduler", "python", "-c", MARTS_PROBE],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"reading the marts failed: {out.stderr[-2000:]}")
    found = json.loads(out.stdout.strip().splitlines()[-1])
    rows = found["rows"]
    empty = sorted(t for t, n in rows.items() if not n)
    if not {"fct_sales", "fct_orders", "rpt_daily_sales"} <= set(rows) or empty:
        raise SystemExit(f"marts missing or empty: {rows}")
    if sorted(found["daily"]) != sorted(SHOPS):
        raise SystemExit(f"rpt_daily_sales holds the shops {sorted(found['daily'])}, not {SHOPS}")
    if found["daily"] != found["facts"]:
        raise SystemExit(f"rpt_daily_sales {found['daily']} != fct_sales {found['facts']}")
    log(f"marts: {rows}; net/total sales per shop {found['daily']}")


def check_web(env: dict[str, str]) -> None:
    dash = f"http://127.0.0.1:{env['SPOON_DASHBOARD_PORT']}"
    status, text = http("GET", f"{dash}/_stcore/health")
    if status != 200 or text.strip() != "ok":
        raise SystemExit(f"dashboard health: {status} {text[:200]}")
    status, text = http("GET", f"{dash}/")
    if status != 200:
        raise SystemExit(f"dashboard page: {status}")
    log(f"dashboard answers on {dash}")
    docs = f"http://127.0.0.1:{env['SPOON_DOCS_PORT']}/"
    status, text = http("GET", docs)
    if status != 200 or len(text) < 10_000 or "dbt" not in text.lower():
        raise SystemExit(f"docs: {status}, {len(text)} bytes (expected the static dbt docs)")
    log(f"dbt docs answer on {docs} ({len(text):,} bytes)")


def check(env_file: Path, compose: list[str]) -> None:
    env = read_env(env_file)
    base = f"http://127.0.0.1:{env['SPOON_AIRFLOW_PORT']}"
    token = login(base, env["AIRFLOW_ADMIN_USER"], env["AIRFLOW_ADMIN_PASSWORD"])
    api = f"{base}/api/v2"
    wait_for_dag(api, token)
    run_dag(api, token)
    check_marts(compose)
    check_web(env)


def main(argv: list[str]) -> None:
    if argv[:1] == ["write-env"]:
        write_env(Path(argv[1]))
    elif argv[:1] == ["check"] and "--" in argv:
        split = argv.index("--")
        check(Path(argv[1]), argv[split + 1 :])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
