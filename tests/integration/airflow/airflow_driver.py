"""Runs inside the Airflow virtualenv (.venv-airflow), called by the tests in this folder.

    python airflow_driver.py parse   -> JSON: import errors, parse time, the DAG's policy,
                                        the modules the DAG file imported
    python airflow_driver.py test    -> JSON: dag.test() of shopify_daily, state per task

The tests run under the package's own venv, which has no Airflow: this script is the bridge.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

DAG_ID = "shopify_daily"


def _dagbag() -> tuple[Any, float, set[str]]:
    # Airflow itself (and the Asset URI handlers it loads) are not the DAG's imports:
    # import them first, so what remains new after parsing is what the DAG file pulled in.
    from airflow.dag_processing.dagbag import DagBag
    from airflow.sdk import Asset

    Asset(name="warm-up", uri="s3://warm/up")
    before = set(sys.modules)
    t0 = time.perf_counter()
    bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    return bag, time.perf_counter() - t0, set(sys.modules) - before


def _callback_names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return [f"{f.__module__}.{f.__qualname__}" for f in items]


def _first_run_after_slot(tt: Any) -> float:
    """Deployed a minute after a nightly slot: seconds from that slot to the first run."""
    from datetime import timedelta

    import airflow.timetables.trigger as trigger
    from airflow.timetables.base import TimeRestriction

    slot = tt._align_to_prev(trigger.utcnow())
    real_utcnow = trigger.utcnow
    trigger.utcnow = lambda: slot + timedelta(minutes=1)
    try:
        info = tt.next_dagrun_info(
            last_automated_data_interval=None,
            restriction=TimeRestriction(earliest=None, latest=None, catchup=False),
        )
    finally:
        trigger.utcnow = real_utcnow
    return float((info.run_after - slot).total_seconds())


def parse() -> dict[str, Any]:
    bag, seconds, new_modules = _dagbag()
    out: dict[str, Any] = {
        "import_errors": {str(k): str(v) for k, v in bag.import_errors.items()},
        "parse_seconds": seconds,
        "new_modules": sorted(new_modules),
        "dag_ids": sorted(bag.dag_ids),
    }
    dag = bag.dags.get(DAG_ID)
    if dag is None:
        return out
    from airflow.serialization.encoders import coerce_to_core_timetable

    tt = coerce_to_core_timetable(dag.timetable)
    out["dag"] = {
        "timetable": type(tt).__name__,
        "cron": tt.summary,
        "timezone": getattr(tt, "_timezone", None).name,
        "catchup": dag.catchup,
        "start_date": str(dag.start_date) if dag.start_date else None,
        "max_active_runs": dag.max_active_runs,
        "max_active_tasks": dag.max_active_tasks,
        "dagrun_timeout_s": dag.dagrun_timeout.total_seconds() if dag.dagrun_timeout else None,
        "tags": sorted(dag.tags),
        "owner": dag.owner,
        "on_failure_callback": _callback_names(dag.on_failure_callback),
        "outlets": sorted(
            a.name for t in dag.tasks for a in t.outlets if type(a).__name__ == "Asset"
        ),
    }
    out["dag"]["first_run_after_slot_s"] = _first_run_after_slot(tt)
    out["tasks"] = {
        t.task_id: {
            "operator": type(t).__name__,
            "upstream": sorted(t.upstream_task_ids),
            "owner": t.owner,
            "retries": t.retries,
            "retry_delay_s": t.retry_delay.total_seconds(),
            "retry_exponential_backoff": float(t.retry_exponential_backoff),
            "max_retry_delay_s": t.max_retry_delay.total_seconds() if t.max_retry_delay else None,
            "on_failure_callback": _callback_names(t.on_failure_callback),
            "deferrable": bool(getattr(t, "deferrable", False)),
        }
        for t in dag.tasks
    }
    return out


def test() -> dict[str, Any]:
    bag, _, _ = _dagbag()
    if bag.import_errors:
        return {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}}
    t0 = time.perf_counter()
    dr = bag.dags[DAG_ID].test()
    return {
        "seconds": time.perf_counter() - t0,
        "run_id": dr.run_id,
        "state": str(dr.state),
        "tasks": {ti.task_id: str(ti.state) for ti in dr.get_task_instances()},
        "task_seconds": {
            ti.task_id: (ti.end_date - ti.start_date).total_seconds()
            for ti in dr.get_task_instances()
            if ti.start_date and ti.end_date
        },
    }


if __name__ == "__main__":
    result = {"parse": parse, "test": test}[sys.argv[1]]()
    Path(sys.argv[2]).write_text(json.dumps(result, indent=2, default=str))
