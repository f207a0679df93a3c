"""Benchmarks of the embedded pipeline (issue 9): `make bench`, or `python bench/run.py`.

For each size (orders in the demo shop) it builds a fresh lake and warehouse in its own
folder and times the three steps as the CLI runs them, each in its own process:

    generate  spoon extract --source demo --orders N --days D --until <last day - 1>
    load      spoon load
    dbt       spoon transform          (dbt build: models and their tests)

then, on the largest size, the nightly increment (one more day of new orders, refunds,
cancellations and customer updates: the same extract with a later --until, then load and
an incremental dbt build), and DuckDB's own `read_parquet` into a table on the same files
next to the loader's rows/s.

Memory is measured per step from outside: the peak of the summed RSS of the step's whole
process tree (polled from /proc) and the largest single process's max RSS (wait4). The
machine is shared, so the load average before and after each step is recorded too.

This script never imports `spoon`: it drives the `spoon` CLI of the virtualenv it runs
from (or --spoon), with every SPOON_* setting pointed at the benchmark folder and any .env
ignored, so it cannot touch data/ or a real warehouse.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
START = date(2023, 1, 1)
TARGETS = {
    "full_build_minutes_at_1m": 10.0,
    "peak_memory_gb": 4.0,
    "increment_ratio": 0.10,
    "loader_vs_duckdb_ratio": 0.5,
}
console = Console()


# ---- sizes -----------------------------------------------------------------------------
def days_for(orders: int) -> int:
    """Days of history for a shop size, so the order density stays plausible.

    10k orders over one year (~27 a day), 100k over two (~137 a day), 1M over three
    (~913 a day): a small shop that grows, not one million orders crammed into a year.
    """
    if orders <= 20_000:
        return 365
    if orders <= 200_000:
        return 730
    return 1095


def label(orders: int) -> str:
    if orders % 1_000_000 == 0:
        return f"{orders // 1_000_000}M"
    if orders % 1_000 == 0:
        return f"{orders // 1_000}k"
    return str(orders)


# ---- measuring one process tree ---------------------------------------------------------
def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids += [int(x) for x in fh.read().split()]
    except OSError:
        pass
    return kids


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(root: int) -> int:
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_bytes(pid)
        todo += _children(pid)
    return total


class Poller(threading.Thread):
    """Samples the summed RSS of a process tree until stopped."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak = pid, every, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self.done.wait(self.every)


def run_step(name: str, cmd: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    """Run one step in its own process; wall time, CPU time and memory of its tree."""
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        poller = Poller(proc.pid)
        poller.start()
        # wait4 (not Popen.wait) to get the rusage of the step's tree: ru_maxrss is the
        # largest max RSS of the process and its waited-for descendants (dbt included).
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        poller.done.set()
        poller.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-15:]
        raise SystemExit(f"bench: step {name} failed (exit {proc.returncode}):\n" + "\n".join(tail))
    return {
        "step": name,
        "seconds": round(wall, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_tree_rss_mb": round(poller.peak / 2**20, 1),
        "max_process_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


# ---- the pipeline -------------------------------------------------------------------------
def step_env(work: Path, dbt_project_dir: Path | None = None) -> dict[str, str]:
    """Every setting points into `work`; the developer's .env and SPOON_* are ignored."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPOON_", "DBT_"))}
    if dbt_project_dir is not None:
        env["SPOON_DBT_PROJECT_DIR"] = str(dbt_project_dir)
    env.update(
        {
            "SPOON_ENV_FILE": os.devnull,
            "SPOON_ENV": "dev",
            "SPOON_WAREHOUSE": "duckdb",
            "SPOON_SOURCE": "demo",
            "SPOON_LAKE_URL": str(work / "lake"),
            "SPOON_DUCKDB_PATH": str(work / "warehouse.duckdb"),
            "SPOON_TRUTH_DIR": str(work / "truth"),
            "SPOON_DBT_TARGET": "dev",
            # dbt's artifacts and logs stay in the benchmark folder, not dbt/target
            "DBT_TARGET_PATH": str(work / "dbt-target"),
            "DBT_LOG_PATH": str(work / "dbt-logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
        }
    )
    return env


def dbt_slowest(work: Path, n: int = 6) -> list[dict[str, Any]]:
    try:
        results = json.loads((work / "dbt-target" / "run_results.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    results.sort(key=lambda r: -r.get("execution_time", 0))
    return [
        {"node": r["unique_id"].split(".", 2)[-1], "seconds": round(r["execution_time"], 2)}
        for r in results[:n]
    ]


def dbt_counts(work: Path) -> dict[str, int]:
    try:
        results = json.loads((work / "dbt-target" / "run_results.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        return {}
    counts: dict[str, int] = {}
    for r in results:
        kind = r["unique_id"].split(".", 1)[0]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def extract_cmd(spoon: str, orders: int, days: int, until: date) -> list[str]:
    return [
        spoon, "extract", "--source", "demo", "--orders", str(orders), "--days", str(days),
        "--start", START.isoformat(), "--until", until.isoformat(),
    ]  # fmt: skip


def lake_rows(python: str, work: Path) -> dict[str, int]:
    """Rows per stream in the lake (Parquet footers only)."""
    code = (
        "import sys, json, glob, pyarrow.parquet as pq\n"
        "out = {}\n"
        "for d in sorted(glob.glob(sys.argv[1] + '/*/')):\n"
        "    s = d.rstrip('/').rsplit('/', 1)[-1]\n"
        "    files = glob.glob(d + '*.parquet')\n"
        "    out[s] = sum(pq.ParquetFile(f).metadata.num_rows for f in files)\n"
        "print(json.dumps(out))\n"
    )
    res = subprocess.run(
        [python, "-c", code, str(work / "lake" / "shopify")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(res.stdout)


def warehouse_size_mb(work: Path) -> float:
    return round((work / "warehouse.duckdb").stat().st_size / 2**20, 1)


def dir_size_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


DUCKDB_BASELINE = """
import sys, time, glob, duckdb
lake, db, threads = sys.argv[1], sys.argv[2], sys.argv[3]
con = duckdb.connect(db)
con.execute(f"set threads = {threads}")
rows = 0
t0 = time.perf_counter()
for d in sorted(glob.glob(lake + '/*/')):
    stream = d.rstrip('/').rsplit('/', 1)[-1]
    con.execute(f'create table "{stream}" as select * from read_parquet(?)', [d + '*.parquet'])
    rows += con.execute(f'select count(*) from "{stream}"').fetchone()[0]
con.execute("checkpoint")
print(rows, time.perf_counter() - t0)
"""


def duckdb_baseline(
    python: str, work: Path, env: dict[str, str], log: Path, threads: int
) -> dict[str, Any]:
    """DuckDB's own read_parquet of every lake file into typed tables, in a fresh file."""
    db = work / "duckdb-baseline.duckdb"
    db.unlink(missing_ok=True)
    cmd = [python, "-c", DUCKDB_BASELINE, str(work / "lake" / "shopify"), str(db), str(threads)]
    step = run_step("duckdb read_parquet", cmd, env, log)
    rows, seconds = log.read_text().strip().splitlines()[-1].split()
    db.unlink(missing_ok=True)
    step["rows"] = int(rows)
    step["inner_seconds"] = round(float(seconds), 2)
    return step


def bench_size(
    orders: int,
    root: Path,
    spoon: str,
    python: str,
    *,
    increment: bool,
    keep: bool,
    dbt_select: str | None = None,
    dbt_project_dir: Path | None = None,
) -> dict[str, Any]:
    days = days_for(orders)
    last_day = START + timedelta(days=days - 1)
    work = root / label(orders)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = step_env(work, dbt_project_dir)
    log = work / "bench.log"
    console.rule(f"{label(orders)} orders over {days} days (work folder {work})")
    transform = [spoon, "transform", *(["--select", dbt_select] if dbt_select else [])]

    # the history up to the day before the last: the nightly increment adds the last day
    full = [
        run_step("generate", extract_cmd(spoon, orders, days, last_day - timedelta(days=1)),
                 env, log),
        run_step("load", [spoon, "load"], env, log),
    ]  # fmt: skip
    rows = lake_rows(python, work)
    full[-1]["rows"] = sum(rows.values())
    full.append(run_step("dbt", transform, env, log))
    full[-1]["slowest"] = dbt_slowest(work)
    full[-1]["nodes"] = dbt_counts(work)
    for s in full:
        console.print(
            f"  {s['step']:<9} {s['seconds']:>8.1f} s  peak {s['peak_tree_rss_mb']:>7.0f} MB"
        )
    result: dict[str, Any] = {
        "orders": orders,
        "days": days,
        "start": START.isoformat(),
        "until": (last_day - timedelta(days=1)).isoformat(),
        "lake_rows": rows,
        "lake_mb": dir_size_mb(work / "lake"),
        "warehouse_mb": warehouse_size_mb(work),
        "steps": full,
        "seconds": round(sum(s["seconds"] for s in full), 2),
        "build_seconds": round(sum(s["seconds"] for s in full if s["step"] != "generate"), 2),
        "cpu_seconds": round(sum(s["cpu_seconds"] for s in full), 2),
        "peak_memory_mb": max(s["peak_tree_rss_mb"] for s in full),
        "peak_memory_mb_by_step": {s["step"]: s["peak_tree_rss_mb"] for s in full},
    }

    threads = int(os.environ.get("SPOON_BENCH_DUCKDB_THREADS", "2"))
    base = duckdb_baseline(python, work, env, log, threads)
    load = full[1]
    result["loader"] = {
        "rows": load["rows"],
        "loader_seconds": load["seconds"],
        "loader_rows_per_s": round(load["rows"] / load["seconds"]),
        "duckdb_seconds": base["seconds"],
        "duckdb_rows_per_s": round(base["rows"] / base["seconds"]),
        "ratio": round((load["rows"] / load["seconds"]) / (base["rows"] / base["seconds"]), 3),
        # the same ratio on CPU time (user + system): less sensitive to a busy machine
        "loader_cpu_seconds": load["cpu_seconds"],
        "duckdb_cpu_seconds": base["cpu_seconds"],
        "cpu_ratio": round(base["cpu_seconds"] / max(load["cpu_seconds"], 0.01), 3),
        "duckdb_step": base,
    }
    console.print(
        f"  loader {result['loader']['loader_rows_per_s']:,} rows/s vs duckdb read_parquet "
        f"{result['loader']['duckdb_rows_per_s']:,} rows/s (ratio {result['loader']['ratio']}, "
        f"on CPU time {result['loader']['cpu_ratio']})"
    )

    if increment:
        before = lake_rows(python, work)
        inc = [
            run_step("generate", extract_cmd(spoon, orders, days, last_day), env, log),
            run_step("load", [spoon, "load"], env, log),
        ]
        after = lake_rows(python, work)
        inc[-1]["rows"] = sum(after.values()) - sum(before.values())
        inc.append(run_step("dbt", transform, env, log))
        inc[-1]["slowest"] = dbt_slowest(work)
        total = sum(s["seconds"] for s in inc)
        build = sum(s["seconds"] for s in inc if s["step"] != "generate")
        result["increment"] = {
            "until": last_day.isoformat(),
            "new_rows": {k: after.get(k, 0) - before.get(k, 0) for k in after},
            "steps": inc,
            "seconds": round(total, 2),
            "build_seconds": round(build, 2),
            "cpu_seconds": round(sum(s["cpu_seconds"] for s in inc), 2),
            "ratio": round(total / result["seconds"], 3),
            "build_ratio": round(build / result["build_seconds"], 3),
            "peak_memory_mb": max(s["peak_tree_rss_mb"] for s in inc),
            "peak_memory_mb_by_step": {s["step"]: s["peak_tree_rss_mb"] for s in inc},
        }
        for s in inc:
            console.print(
                f"  nightly {s['step']:<9} {s['seconds']:>6.1f} s  "
                f"peak {s['peak_tree_rss_mb']:>7.0f} MB"
            )
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


# ---- report ---------------------------------------------------------------------------------
def verdicts(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Each target of issue 9 against the largest size measured (None: not measured).

    The demo generator stands in for Shopify and Airbyte, which do the extract in
    production, so the build time and the nightly ratio are judged twice: with the demo
    generation (the whole `spoon run`) and without it (load + dbt: what this stack runs).
    """
    big = max(results, key=lambda r: r["orders"])
    at_1m = big["orders"] >= 1_000_000
    limit = TARGETS["full_build_minutes_at_1m"] * 60
    out: dict[str, Any] = {"measured_at_orders": big["orders"]}
    out["full_build_minutes"] = round(big["seconds"] / 60, 2)
    out["full_build_under_10_min"] = big["seconds"] < limit if at_1m else None
    out["build_minutes_without_generate"] = round(big["build_seconds"] / 60, 2)
    out["build_without_generate_under_10_min"] = big["build_seconds"] < limit if at_1m else None
    peak = max(
        max(r["peak_memory_mb"], r.get("increment", {}).get("peak_memory_mb", 0)) for r in results
    )
    out["peak_memory_gb"] = round(peak / 1024, 2)
    out["peak_memory_under_4_gb"] = peak < TARGETS["peak_memory_gb"] * 1024
    if "increment" in big:
        out["increment_ratio"] = big["increment"]["ratio"]
        out["increment_under_10_percent"] = big["increment"]["ratio"] < TARGETS["increment_ratio"]
        out["increment_build_ratio"] = big["increment"]["build_ratio"]
        out["increment_build_under_10_percent"] = (
            big["increment"]["build_ratio"] < TARGETS["increment_ratio"]
        )
    out["loader_vs_duckdb_ratio"] = big["loader"]["ratio"]
    out["loader_vs_duckdb_cpu_ratio"] = big["loader"]["cpu_ratio"]
    out["loader_at_least_half_of_duckdb"] = (
        big["loader"]["ratio"] >= TARGETS["loader_vs_duckdb_ratio"]
    )
    return out


COLUMNS = [
    ("orders", "right"), ("days", "right"), ("run", "left"), ("generate s", "right"),
    ("load s", "right"), ("dbt s", "right"), ("total s", "right"), ("load+dbt s", "right"),
    ("CPU s", "right"), ("peak MB gen / load / dbt", "right"), ("loader rows/s", "right"),
    ("duckdb rows/s", "right"), ("ratio (CPU)", "right"), ("load avg", "right"),
]  # fmt: skip


def table_rows(doc: dict[str, Any]) -> list[list[str]]:
    """The summary table's rows (shared by the terminal table and --markdown)."""

    def peaks(by_step: dict[str, float]) -> str:
        return " / ".join(f"{by_step[k]:,.0f}" for k in ("generate", "load", "dbt"))

    rows: list[list[str]] = []
    for r in doc["results"]:
        steps = {s["step"]: s for s in r["steps"]}
        la = max(s["loadavg_after"][0] for s in r["steps"])
        rows.append([
            f"{r['orders']:,}", str(r["days"]), "full build",
            *(f"{steps[k]['seconds']:.1f}" for k in ("generate", "load", "dbt")),
            f"{r['seconds']:.1f}", f"{r['build_seconds']:.1f}", f"{r['cpu_seconds']:.0f}",
            peaks(r["peak_memory_mb_by_step"]),
            f"{r['loader']['loader_rows_per_s']:,}", f"{r['loader']['duckdb_rows_per_s']:,}",
            f"{r['loader']['ratio']:.2f} ({r['loader']['cpu_ratio']:.2f})", f"{la:.1f}",
        ])  # fmt: skip
        if "increment" in r:
            inc = r["increment"]
            isteps = {s["step"]: s for s in inc["steps"]}
            la = max(s["loadavg_after"][0] for s in inc["steps"])
            rows.append([
                "", "+1",
                f"nightly: {inc['ratio']:.1%} of full ({inc['build_ratio']:.1%} w/o generate)",
                *(f"{isteps[k]['seconds']:.1f}" for k in ("generate", "load", "dbt")),
                f"{inc['seconds']:.1f}", f"{inc['build_seconds']:.1f}",
                f"{inc['cpu_seconds']:.0f}", peaks(inc["peak_memory_mb_by_step"]),
                "", "", "", f"{la:.1f}",
            ])  # fmt: skip
    return rows


def verdict_lines(doc: dict[str, Any]) -> list[str]:
    v, t = doc["verdicts"], doc["targets"]

    def mark(ok: bool | None) -> str:
        return "not measured" if ok is None else ("met" if ok else "MISSED")

    lines = [
        f"full build at 1M < {t['full_build_minutes_at_1m']:.0f} min: "
        f"{v['full_build_minutes']} min with the demo generation "
        f"({mark(v['full_build_under_10_min'])}), {v['build_minutes_without_generate']} min "
        f"load + dbt ({mark(v['build_without_generate_under_10_min'])})",
        f"peak memory < {t['peak_memory_gb']:.0f} GB: {v['peak_memory_gb']} GB "
        f"({mark(v['peak_memory_under_4_gb'])})",
    ]
    if "increment_ratio" in v:
        lines.append(
            f"nightly increment < {t['increment_ratio']:.0%} of a full build: "
            f"{v['increment_ratio']:.1%} ({mark(v['increment_under_10_percent'])}), "
            f"{v['increment_build_ratio']:.1%} without the demo generation "
            f"({mark(v['increment_build_under_10_percent'])})"
        )
    lines.append(
        f"loader >= {t['loader_vs_duckdb_ratio']:.0%} of DuckDB read_parquet: "
        f"{v['loader_vs_duckdb_ratio']:.2f} ({mark(v['loader_at_least_half_of_duckdb'])}; "
        f"{v['loader_vs_duckdb_cpu_ratio']:.2f} on CPU time)"
    )
    return [f"{line} [at {v['measured_at_orders']:,} orders]" for line in lines]


def print_table(doc: dict[str, Any]) -> None:
    m = doc["machine"]
    table = Table(
        title=f"Willow's Spoon embedded pipeline ({m['cpus']} CPUs, {m['memory_gb']} GB, "
        f"shared: see load avg; CPU s = user + system time of the steps)",
        title_justify="left",
    )
    for col, just in COLUMNS:
        table.add_column(col, justify=just, no_wrap=col == "run")  # type: ignore[arg-type]
    for row in table_rows(doc):
        table.add_row(*row)
    wide = Console(width=max(console.width, 200))
    wide.print(table)
    for line in verdict_lines(doc):
        wide.print(f"  {line}", highlight=False, soft_wrap=True)


def markdown(doc: dict[str, Any]) -> str:
    """The table as Markdown (what README.md's "Performance and cost" shows)."""
    head = [c for c, _ in COLUMNS]
    sep = ["---:" if just == "right" else "---" for _, just in COLUMNS]
    lines = ["| " + " | ".join(r) + " |" for r in [head, sep, *table_rows(doc)]]
    return "\n".join(lines + [""] + [f"- {line}" for line in verdict_lines(doc)]) + "\n"


def tool_versions(python: str, spoon: str) -> dict[str, str]:
    out: dict[str, str] = {"python": platform.python_version()}
    res = subprocess.run(
        [python, "-c", "import duckdb, pyarrow; print(duckdb.__version__, pyarrow.__version__)"],
        capture_output=True, text=True,
    )  # fmt: skip
    if res.returncode == 0:
        out["duckdb"], out["pyarrow"] = res.stdout.split()
    dbt = REPO / ".venv-dbt" / "bin" / "dbt"
    if dbt.exists():
        res = subprocess.run([str(dbt), "--version"], capture_output=True, text=True)
        for line in res.stdout.splitlines():
            line = line.strip(" -")
            if line.startswith(("installed:", "duckdb:")):
                key, _, val = line.partition(":")
                out["dbt-core" if key == "installed" else "dbt-duckdb"] = val.split()[0]
    return out


def git_commit() -> str:
    res = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                         cwd=REPO)  # fmt: skip
    return res.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated order counts (default 10000,100000,1000000)",
    )
    parser.add_argument(
        "--workdir",
        default=os.environ.get("BENCH_DIR") or str(Path(os.environ.get("TMPDIR", "/tmp"))
                                                  / "spoon-bench"),
        help="scratch folder for lakes and warehouses (default $TMPDIR/spoon-bench)",
    )  # fmt: skip
    parser.add_argument("--output", default=str(HERE / "results.json"))
    parser.add_argument("--spoon", default=str(Path(sys.executable).parent / "spoon"))
    parser.add_argument("--keep", action="store_true", help="keep each size's work folder")
    parser.add_argument(
        "--dbt-select",
        default=None,
        help="build only this dbt selection (quick checks of the script; not a benchmark)",
    )
    parser.add_argument(
        "--dbt-project-dir",
        type=Path,
        default=None,
        help="the dbt project to build (default: the checkout's dbt/), e.g. an exported commit",
    )
    parser.add_argument(
        "--report",
        metavar="RESULTS_JSON",
        help="print the table of an existing results file instead of running",
    )
    parser.add_argument("--markdown", action="store_true", help="with --report: as Markdown")
    args = parser.parse_args(argv)
    if args.report:
        doc = json.loads(Path(args.report).read_text())
        if args.markdown:
            sys.stdout.write(markdown(doc))
        else:
            print_table(doc)
        return 0
    try:
        sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: use order counts like 10000,100000")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes: give at least one positive order count")
    if not Path(args.spoon).exists():
        parser.error(f"no spoon CLI at {args.spoon}; run `make setup` or pass --spoon")
    python = sys.executable
    root = Path(args.workdir).resolve()
    root.mkdir(parents=True, exist_ok=True)

    started, commit = datetime.now(UTC), git_commit()
    results = [
        bench_size(
            n, root, args.spoon, python,
            increment=(n == sizes[-1]), keep=args.keep, dbt_select=args.dbt_select,
            dbt_project_dir=args.dbt_project_dir.resolve() if args.dbt_project_dir else None,
        )
        for n in sizes
    ]  # fmt: skip
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    doc = {
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(mem / 2**30, 1),
            "platform": platform.platform(),
            "shared": "other engineers' test suites ran at the same time: see loadavg_*",
        },
        "versions": tool_versions(python, args.spoon),
        "settings": {
            "duckdb_memory_limit": "3GB (SPOON_DUCKDB_MEMORY_LIMIT default)",
            "dbt_threads": 2,
            "duckdb_baseline_threads": int(os.environ.get("SPOON_BENCH_DUCKDB_THREADS", "2")),
            "dbt_select": args.dbt_select or "everything",
            "dbt_project_dir": str(args.dbt_project_dir or "dbt/ of the checkout"),
        },
        "targets": TARGETS,
        "results": results,
    }
    doc["verdicts"] = verdicts(results)
    Path(args.output).write_text(json.dumps(doc, indent=2) + "\n")
    print_table(doc)
    console.print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
