"""Every step re-run on a finished run changes nothing: the lake, the raw tables and the
marts stay exactly as the clean run left them.

The baseline ran `spoon run` once; here each step (`spoon extract`, `spoon load`,
`spoon transform`, i.e. `dbt build`) and then the whole `spoon run` run twice more on top of
it, checked after each. The Airflow DAG re-run for the same day is covered by
tests/integration/airflow/test_airflow_dag_run.py (`dag.test()` twice, same marts).
"""

from __future__ import annotations

from pathlib import Path

from support.reliability import (
    Baseline,
    clone,
    diff_prints,
    lake_listing,
    marts_fingerprint,
    raw_fingerprint,
)


def test_each_step_rerun_changes_nothing(baseline: Baseline, tmp_path: Path) -> None:
    ws = clone(baseline.ws, tmp_path / "rerun")

    for _ in range(2):
        out = ws.spoon("extract")
        assert "nothing new" in out.stdout, out.stdout
    assert lake_listing(ws) == baseline.lake, "a re-run extract changed the lake"

    files = sum(1 for name in baseline.lake if name.endswith(".parquet"))
    for _ in range(2):
        out = ws.spoon("load")
        assert "0 new files" in out.stdout, out.stdout
        assert f"{files} already loaded" in out.stdout, out.stdout
    raw = raw_fingerprint(ws)
    assert raw == baseline.raw, diff_prints(raw, baseline.raw)

    for _ in range(2):
        out = ws.spoon("transform")
        assert "dbt build passed" in out.stdout, out.stdout
        marts = marts_fingerprint(ws)
        assert marts == baseline.marts, diff_prints(marts, baseline.marts)

    for _ in range(2):
        out = ws.spoon("run")
        assert "nothing new" in out.stdout and "0 new files" in out.stdout, out.stdout
        assert "dbt build passed" in out.stdout
        marts = marts_fingerprint(ws)
        assert marts == baseline.marts, diff_prints(marts, baseline.marts)
        assert raw_fingerprint(ws) == baseline.raw
        assert lake_listing(ws) == baseline.lake
