"""`extract_demo`: one Airbyte-style sync of the demo shop into the lake.

A sync "as of" `until` (a shop-local day) emits, per stream, every record whose `updated_at`
lies in (the previous sync's cutoff, this cutoff], as it stands at this cutoff, where a
cutoff is the end of its `until` day in the shop's zone. The sync state (config, last
`until`, sync counter) lives in the lake at `{lake}/_state/demo/{namespace}.json`. The same
seed and the same sequence of `until`s give a byte-identical lake: `_airbyte_extracted_at`
is the cutoff itself, never the wall clock.

`order_agreements` (Shopify's ledger, a GraphQL bulk stream in source-shopify) is emitted
like orders: one record per order whenever the order changed, while it is not deleted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from spoon.errors import LakeError, SpoonError
from spoon.extract.demo import records as rec
from spoon.extract.demo import shops
from spoon.extract.demo.history import History
from spoon.extract.demo.model import ZERO, Customer, DemoConfig
from spoon.extract.demo.order import Order
from spoon.extract.demo.truth import DailyTruth
from spoon.files import atomic_write
from spoon.load.lake import STREAMS, Lake

STATE_VERSION = 1
#: Records per Parquet file; orders are large (nested lines, refunds), so fewer per file.
CHUNK = {"orders": 5_000, "order_refunds": 20_000, "order_agreements": 20_000}
DEFAULT_CHUNK = 50_000
MAX_ORDERS = 5_000_000


@dataclass
class DemoReport:
    """What one `extract_demo` call did."""

    until: date
    files: list[str] = field(default_factory=list)
    records: dict[str, int] = field(default_factory=dict)
    sync_id: int = 0
    truth_path: Path | None = None

    @property
    def nothing_new(self) -> bool:
        return not self.files


class _StreamWriter:
    """Buffers one stream's records of one sync and writes them in numbered parts."""

    def __init__(self, lake: Lake, namespace: str, stream: str, sync: _Sync) -> None:
        self.lake, self.namespace, self.stream, self.sync = lake, namespace, stream, sync
        self.size = CHUNK.get(stream, DEFAULT_CHUNK)
        self.buffer: list[dict[str, Any]] = []
        self.part = 0
        self.count = 0
        self.files: list[str] = []

    def add(self, record: dict[str, Any]) -> None:
        self.buffer.append(record)
        if len(self.buffer) >= self.size:
            self.flush()

    def extend(self, records: Iterable[dict[str, Any]]) -> None:
        for record in records:
            self.add(record)

    def flush(self) -> None:
        if not self.buffer:
            return
        paths = self.lake.write_records(
            self.namespace,
            self.stream,
            self.buffer,
            extracted_at=self.sync.extracted_at,
            sync_id=self.sync.sync_id,
            raw_id_seed=self.sync.raw_id_seed,
            chunk_size=self.size,
            first_part=self.part,
        )
        self.part += len(paths)
        self.count += len(self.buffer)
        self.files += paths
        self.buffer = []


@dataclass(frozen=True, slots=True)
class _LastOrder:
    """What a customer record needs of the customer's last order. Not the `Order` itself:
    holding every customer's last order with its lines took gigabytes at 1M orders."""

    id: int
    number: int
    customer: Customer


@dataclass(frozen=True)
class _Sync:
    sync_id: int
    since: datetime | None  # previous cutoff (exclusive lower bound), None on the first sync
    cutoff: datetime
    raw_id_seed: str

    @property
    def extracted_at(self) -> datetime:
        return self.cutoff

    def new(self, at: datetime) -> bool:
        """Did something that happened at `at` change within this sync's window?"""
        return at < self.cutoff and (self.since is None or at >= self.since)


# ---- state --------------------------------------------------------------------------------
def _state_path(lake: Lake, namespace: str) -> str:
    return f"{lake.root}/_state/demo/{namespace}.json"


def read_state(lake: Lake, namespace: str) -> dict[str, Any] | None:
    path = _state_path(lake, namespace)
    try:
        if not lake.fs.exists(path):
            return None
        state = json.loads(lake.read_bytes(path))
    except (OSError, ValueError) as err:
        raise LakeError(
            f"cannot read the demo sync state {path}: {err}; delete it or run `make clean`"
        ) from None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        raise LakeError(f"unknown demo sync state in {path}; delete it or run `make clean`")
    return state


def _write_state(lake: Lake, namespace: str, state: dict[str, Any]) -> None:
    path = _state_path(lake, namespace)
    data = (json.dumps(state, indent=2, sort_keys=True) + "\n").encode()
    if lake.is_local:
        atomic_write(path, data)
    else:
        lake.fs.pipe_file(path, data)


# ---- the sync ----------------------------------------------------------------------------
def _check(config: DemoConfig, until: date) -> None:
    shops.profile(config.profile)  # a wrong profile name: one line
    if config.orders < 1 or config.orders > MAX_ORDERS:
        raise SpoonError(
            f"demo orders={config.orders} is out of range; use 1..{MAX_ORDERS:,} "
            "(SPOON_DEMO_ORDERS or --orders)"
        )
    if config.days < 1 or config.days > 3660:
        raise SpoonError(
            f"demo days={config.days} is out of range; use 1..3660 (SPOON_DEMO_DAYS or --days)"
        )
    if until < config.start:
        raise SpoonError(
            f"--until {until} is before the demo shop's first day {config.start}; "
            "use a later --until or an earlier SPOON_DEMO_START"
        )


def extract_demo(
    lake_url: str,
    namespace: str,
    truth_dir: Path,
    *,
    seed: int,
    orders: int,
    days: int,
    start: date,
    until: date | None = None,
    profile: str = "us",
) -> DemoReport:
    """One sync of the demo shop as of `until` (default: its last day) into the lake."""
    config = DemoConfig(seed=seed, orders=orders, days=days, start=start, profile=profile)
    until = until or config.start + timedelta(days=config.days - 1)
    _check(config, until)
    shop = shops.profile(config.profile)
    lake = Lake(lake_url)
    state = read_state(lake, namespace)
    truth_dir = Path(truth_dir)
    if state is not None:
        if state["config"] != config.as_dict():
            had = ", ".join(f"{k}={v}" for k, v in {"profile": "us", **state["config"]}.items())
            raise SpoonError(
                f"the lake {lake_url} already holds a demo shop made with {had}; "
                "use the same settings, another SPOON_LAKE_URL, or `make clean`"
            )
        last = date.fromisoformat(state["until"])
        if until < last:
            raise SpoonError(
                f"the lake {lake_url} is already synced to {last}, after --until {until}; "
                "use a later --until, another SPOON_LAKE_URL, or `make clean`"
            )
        if until == last:
            report = DemoReport(until=until, sync_id=int(state["sync_id"]))
            truth = truth_dir / "daily_sales.csv"
            if not truth.exists():
                report.truth_path = _truth_only(config, until, truth_dir)
            else:
                report.truth_path = truth
            return report

    raw_id_seed = f"spoon-demo/{seed}/{orders}/{days}/{start.isoformat()}/{namespace}"
    if shop.key != "us":
        raw_id_seed += f"/{shop.key}"
    sync = _Sync(
        sync_id=int(state["sync_id"]) + 1 if state else 1,
        since=shop.day_cutoff(date.fromisoformat(state["until"])) if state else None,
        cutoff=shop.day_cutoff(until),
        raw_id_seed=raw_id_seed,
    )
    report = _run(lake, namespace, truth_dir, config, until, sync)
    _write_state(
        lake,
        namespace,
        {
            "version": STATE_VERSION,
            "config": config.as_dict(),
            "until": until.isoformat(),
            "sync_id": sync.sync_id,
            "extracted_at": sync.extracted_at.isoformat(),
        },
    )
    return report


def _truth_only(config: DemoConfig, until: date, truth_dir: Path) -> Path:
    shop = shops.profile(config.profile)
    cutoff = shop.day_cutoff(until)
    truth = DailyTruth(shop)
    for order in History(config).orders(until=cutoff):
        truth.add(order, cutoff)
    return truth.write(truth_dir)


def _run(
    lake: Lake, namespace: str, truth_dir: Path, config: DemoConfig, until: date, sync: _Sync
) -> DemoReport:
    history = History(config)
    shop = history.shop
    writers = {s: _StreamWriter(lake, namespace, s, sync) for s in STREAMS}
    cutoff = sync.cutoff

    # static streams: written when they changed within the window
    if sync.new(history.shop_updated_at):
        writers["shop"].add(rec.shop_record(history))
    writers["locations"].extend(
        rec.location_record(loc, shop) for loc in history.locations if sync.new(loc.created_at)
    )
    for product in history.products:
        if sync.new(product.updated_at):
            writers["products"].add(rec.product_record(product, shop))
            writers["product_variants"].extend(
                rec.variant_record(product, v, shop) for v in product.variants
            )

    # orders, refunds, transactions and agreements in one pass; customers and truth accumulate
    truth = DailyTruth(shop)
    # customer index -> [count, spent, last order, when count or spent last changed]
    stats: dict[int, list[Any]] = {}
    for order in history.orders(until=cutoff):
        truth.add(order, cutoff)
        if order.customer is not None:
            _count(stats, order, cutoff)
        if sync.new(order.updated_at(cutoff)):
            writers["orders"].add(rec.order_record(order, cutoff))
            if order.deleted_at is None or order.deleted_at >= cutoff:  # GraphQL: no deleted
                writers["order_agreements"].add(rec.agreements_record(order, cutoff))
        for refund in order.refunds:
            if sync.new(refund.at):
                writers["order_refunds"].add(rec.refund_record(order, refund))
        for at, transaction in rec.transaction_events(order):
            if sync.new(at):
                writers["transactions"].add(transaction)

    for _index, (count, spent, last, changed) in sorted(stats.items()):
        customer = last.customer
        updated = max(customer.created_at, changed)
        if sync.new(updated) or sync.new(customer.created_at):
            writers["customers"].add(
                rec.customer_record(
                    customer,
                    shop,
                    orders_count=count,
                    total_spent=spent,
                    last_order=last,
                    updated_at=updated,
                )
            )

    for writer in writers.values():
        writer.flush()
    truth_path = truth.write(truth_dir)
    files = [f for s in STREAMS for f in writers[s].files]
    counts = {s: writers[s].count for s in STREAMS if writers[s].count}
    return DemoReport(
        until=until, files=files, records=counts, sync_id=sync.sync_id, truth_path=truth_path
    )


def _count(stats: dict[int, list[Any]], order: Order, cutoff: datetime) -> None:
    """A customer's orders_count, total_spent, last order and their last change as of `cutoff`.

    A later payment, refund or cancellation changes total_spent, so it bumps the customer's
    updated_at too: a sync must send the customer again (Airbyte streams are append-only).
    """
    assert order.customer is not None
    last = _LastOrder(order.id, order.number, order.customer)
    entry = stats.setdefault(order.customer.index, [0, ZERO, last, order.processed_at])
    changes = [order.processed_at]
    if not order.test:
        changes += [t for t in (order.paid_at, order.cancelled_at) if t is not None]
        changes += [r.at for r in order.refunds]
    entry[3] = max(entry[3], *(t for t in changes if t < cutoff))
    entry[0] += 1
    if not order.test and order.is_paid(cutoff):
        refunded = sum((r.amount for r in order.refunds_before(cutoff)), ZERO)
        cancelled = order.cancelled_at is not None and order.cancelled_at < cutoff
        entry[1] += Decimal(0) if cancelled and not order.refunds else order.total_price - refunded
    entry[2] = last
