"""Incremental syncs the Airbyte way: append-only files, new records and new versions only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from support.demo_lake import FIRST_UNTIL, LAST_DAY, parse_ts

from spoon.errors import SpoonError
from spoon.extract.demo.shops import US
from spoon.load.lake import STREAMS

#: The timestamp telling when a record last changed, per stream (refunds and transactions
#: never change after they happen).
CHANGED_AT = {
    "shop": "updated_at",
    "customers": "updated_at",
    "products": "updated_at",
    "product_variants": "updated_at",
    "locations": "updated_at",
    "orders": "updated_at",
    "order_refunds": "created_at",
    "transactions": "created_at",
    "order_agreements": "updated_at",
}


def _by_sync(lake: Any, stream: str) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for row in lake.rows(stream):
        out.setdefault(row["_airbyte_meta"]["sync_id"], []).append(row)
    return out


def _strip(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def test_second_sync_only_adds_files(two_syncs: Any) -> None:
    first, second = two_syncs.snapshots
    data = {p for p in first if p.startswith("lake/shopify/")}
    # the first sync's files are untouched, byte for byte
    assert {p: second.get(p) for p in data} == {p: first[p] for p in data}
    added = {p for p in second if p.startswith("lake/shopify/")} - data
    assert added, "the second sync wrote nothing"
    reported = {f"lake/{p.split('/lake/', 1)[1]}" for p in two_syncs.reports[1].files}
    assert added == reported
    # only the sync state and the truth (rewritten for the new day) change otherwise
    changed = {p for p in first if first[p] != second.get(p)}
    assert changed == {"lake/_state/demo/shopify.json", "truth/daily_sales.csv"}
    assert two_syncs.state()["until"] == two_syncs.reports[1].until.isoformat()
    assert two_syncs.state()["sync_id"] == 2


@pytest.mark.parametrize("stream", sorted(CHANGED_AT))
def test_each_sync_holds_what_changed_in_its_window(two_syncs: Any, stream: str) -> None:
    cut1, cut2 = US.day_cutoff(FIRST_UNTIL), US.day_cutoff(LAST_DAY)
    syncs = _by_sync(two_syncs, stream)
    assert set(syncs) <= {1, 2} and 1 in syncs
    for sync_id, (since, cutoff) in {1: (None, cut1), 2: (cut1, cut2)}.items():
        for row in syncs.get(sync_id, []):
            at = parse_ts(row[CHANGED_AT[stream]])
            assert at < cutoff == row["_airbyte_extracted_at"], (stream, row["id"])
            assert since is None or at >= since, (stream, row["id"], "is not new in sync 2")
    # no record is sent twice unchanged: (id, changed-at) is unique across both syncs
    keys = [(r["id"], r[CHANGED_AT[stream]]) for r in two_syncs.rows(stream)]
    assert len(keys) == len(set(keys))


def test_second_sync_holds_new_orders_and_new_versions_of_changed_ones(two_syncs: Any) -> None:
    cut1 = US.day_cutoff(FIRST_UNTIL)
    syncs = _by_sync(two_syncs, "orders")
    first = {r["id"]: r for r in syncs[1]}
    second = {r["id"]: r for r in syncs[2]}
    assert len(first) == len(syncs[1]) and len(second) == len(syncs[2])
    new = [r for i, r in second.items() if i not in first]
    again = [(first[i], r) for i, r in second.items() if i in first]
    assert new and all(parse_ts(r["processed_at"]) >= cut1 for r in new)
    assert all(parse_ts(r["processed_at"]) < cut1 for r in first.values())
    assert again, "no order of the first sync changed later"
    for old, latest in again:
        assert parse_ts(latest["updated_at"]) > parse_ts(old["updated_at"])
        assert _strip(latest) != _strip(old)
    # the changes the money metrics depend on show up as new versions
    refunded_later = [
        (old, latest)
        for old, latest in again
        if latest["financial_status"] in ("refunded", "partially_refunded")
        and len(latest["refunds"]) > len(old["refunds"])
    ]
    cancelled_later = [
        (old, latest)
        for old, latest in again
        if old["cancelled_at"] is None and latest["cancelled_at"] is not None
    ]
    assert refunded_later and cancelled_later
    # ... and each later refund of an old order is in the second sync's order_refunds
    refunds_2 = {r["id"]: r for r in _by_sync(two_syncs, "order_refunds")[2]}
    for _old, latest in refunded_later:
        new_refunds = {r["id"] for r in latest["refunds"]} - {r["id"] for r in _old["refunds"]}
        assert new_refunds <= set(refunds_2)
        assert all(refunds_2[i]["order_id"] == latest["id"] for i in new_refunds)
        refunded_at = max(parse_ts(refunds_2[i]["created_at"]) for i in new_refunds)
        assert parse_ts(latest["updated_at"]) >= refunded_at


def test_incremental_lake_dedupes_to_the_full_sync(two_syncs: Any, full_shop: Any) -> None:
    """Keeping the latest version of each record of the two syncs gives exactly what one
    sync up to the same day holds: no change is lost between syncs."""
    for stream in STREAMS:
        inc = {i: _strip(r) for i, r in two_syncs.latest(stream).items()}
        full = {i: _strip(r) for i, r in full_shop.latest(stream).items()}
        assert sorted(inc) == sorted(full), stream
        differ = [i for i in full if inc[i] != full[i]]
        assert not differ, f"{stream}: {len(differ)} records differ, e.g. id {differ[0]}: " + str(
            {
                k: (inc[differ[0]][k], v)
                for k, v in full[differ[0]].items()
                if inc[differ[0]][k] != v
            }
        )
    assert two_syncs.truth_file.read_bytes() == full_shop.truth_file.read_bytes()


def test_rerunning_a_sync_is_a_no_op_and_going_back_is_refused(
    make_lake: Callable[[str], Any],
) -> None:
    lake = make_lake("rerun")
    first = lake.sync(FIRST_UNTIL)
    assert first.files and first.sync_id == 1
    before = lake.hashes()

    again = lake.sync(FIRST_UNTIL)
    assert again.nothing_new and again.records == {} and again.sync_id == 1
    assert lake.hashes() == before, "re-running the same sync day changed the lake"

    # the truth is rewritten if it went missing, identically, and the lake stays as it was
    lake.truth_file.unlink()
    lake.sync(FIRST_UNTIL)
    assert lake.hashes() == before

    with pytest.raises(SpoonError, match="already synced to"):
        lake.sync(FIRST_UNTIL - timedelta(days=1))
    with pytest.raises(SpoonError, match=r"already holds a demo shop made with .*seed=7"):
        lake.sync(FIRST_UNTIL + timedelta(days=1), seed=8)
    assert lake.hashes() == before, "a refused sync wrote something"
