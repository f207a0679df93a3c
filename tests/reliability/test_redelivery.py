"""Records delivered more than once are counted once.

- the same file delivered twice: every stream's file copied under a new name in the same
  sync folder (Snowpipe and our loader load it again: a new name is a new file);
- a re-sync that re-sends old records: a later sync whose files hold half of each stream's
  records again, unchanged, with new `_airbyte_raw_id`s and a later `_airbyte_extracted_at`
  (what Airbyte does after a reset or a cursor rewind).

The raw tables then hold the extra rows; staging keeps one version per record, and the
incremental facts, rebuilt on top of the clean run, equal it exactly.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from support.reliability import Baseline, clone, diff_prints, marts_fingerprint

from spoon.load.lake import Lake

RESENT = ("orders", "order_refunds", "customers", "transactions", "product_variants")


def _resend(path: Path, dest_dir: Path) -> Path:
    """Half of `path`'s records as a later sync would send them again."""
    table = pq.read_table(path)
    table = table.slice(0, max(1, table.num_rows // 2))
    later = table.column("_airbyte_extracted_at")[0].as_py() + timedelta(days=1, hours=3)
    n = table.num_rows
    table = table.set_column(
        table.schema.get_field_index("_airbyte_raw_id"),
        "_airbyte_raw_id",
        pa.array([str(uuid.uuid4()) for _ in range(n)], pa.string()),
    )
    table = table.set_column(
        table.schema.get_field_index("_airbyte_extracted_at"),
        "_airbyte_extracted_at",
        pa.array([later] * n, pa.timestamp("us", tz="UTC")),
    )
    target = dest_dir / Lake.file_name(later, 0)
    pq.write_table(table, target)
    return target


def test_duplicate_files_and_resent_records_count_once(baseline: Baseline, tmp_path: Path) -> None:
    ws = clone(baseline.ws, tmp_path / "redelivery")
    copies = []
    for stream_dir in sorted((ws.lake / "shopify").iterdir()):
        for path in sorted(stream_dir.glob("*.parquet")):
            twin = path.with_name(path.stem.rsplit("_", 1)[0] + "_9.parquet")
            shutil.copy2(path, twin)
            copies.append(twin)
    resent = [
        _resend(sorted(ws.stream_dir(s).glob("*_0.parquet"))[0], ws.stream_dir(s)) for s in RESENT
    ]

    out = ws.spoon("load")
    assert f"{len(copies) + len(resent)} new files" in out.stdout, out.stdout
    orders_raw = ws.query("select count(*), count(distinct record->>'id') from raw.orders")[0]
    assert orders_raw[0] > orders_raw[1], "the duplicates did reach the raw table"

    ws.spoon("transform")  # incremental, on top of the clean run's marts
    marts = marts_fingerprint(ws)
    assert marts == baseline.marts, diff_prints(marts, baseline.marts)
