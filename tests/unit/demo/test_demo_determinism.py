"""The demo shop is a pure function of its settings: same seed and parameters, same bytes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from support.demo_lake import EU_PARAMS, FIRST_UNTIL, LAST_DAY, PARAMS

from spoon.extract.demo import extract_demo
from spoon.extract.demo.shops import PROFILES
from spoon.load.lake import STREAMS

SPOON = str(Path(sys.executable).parent / "spoon")


def _cli_extract(lake: Any, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`spoon extract --source demo …` in its own process (its own hash seed)."""
    p = lake.params
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPOON_")}
    env.update(
        {
            "SPOON_ENV_FILE": str(cwd / "no.env"),
            "SPOON_LAKE_URL": f"file://{lake.root}",
            "SPOON_TRUTH_DIR": str(lake.truth_dir),
            "PYTHONHASHSEED": "4242",
        }
    )
    args = [
        SPOON,
        "extract",
        "--source",
        "demo",
        "--seed",
        str(p["seed"]),
        "--orders",
        str(p["orders"]),
        "--days",
        str(p["days"]),
        "--start",
        p["start"].isoformat(),
        "--until",
        lake.last_day.isoformat(),
    ]
    if "profile" in p:
        args += ["--profile", p["profile"]]
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


@pytest.mark.parametrize("which", ["full_shop", "eu_shop"])
def test_same_seed_and_parameters_give_a_byte_identical_lake(
    which: str,
    make_lake: Callable[..., Any],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    # the second copy goes through the CLI, in another process, at another path
    shop = request.getfixturevalue(which)
    other = make_lake(f"same-seed-cli-{which}", shop.params)
    out = _cli_extract(other, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "extract (demo)" in out.stderr + out.stdout

    want = shop.snapshots[-1]
    got = other.hashes()
    assert sorted(got) == sorted(want), "the two lakes hold different file paths"
    differ = [path for path in want if got[path] != want[path]]
    assert not differ, f"same seed, different bytes in {differ}"
    # and the comparison is not vacuous: every stream, the sync state and the truth
    streams = {path.split("/")[2] for path in want if path.startswith("lake/shopify/")}
    assert streams == set(STREAMS)
    assert "lake/_state/demo/shopify.json" in want
    assert "truth/daily_sales.csv" in want


def test_same_sequence_of_syncs_gives_a_byte_identical_lake(
    two_syncs: Any, make_lake: Callable[[str], Any]
) -> None:
    again = make_lake("same-syncs")
    again.sync(FIRST_UNTIL)
    assert again.snapshots[0] == two_syncs.snapshots[0]
    again.sync(LAST_DAY)
    assert again.snapshots[1] == two_syncs.snapshots[1]


def test_two_shops_in_one_process_keep_their_own_shop(
    full_shop: Any, eu_shop: Any, make_lake: Callable[..., Any]
) -> None:
    """A US and an EU shop generated into two namespaces of one lake, in one process: each
    record carries its own shop's shop_url, currency and zone, and the US namespace holds
    exactly what a lake of the US shop alone holds (nothing leaks between shops)."""
    lake = make_lake("two-shops")
    for namespace, params in (("shop_us", PARAMS), ("shop_eu", EU_PARAMS)):
        extract_demo(str(lake.root), namespace, lake.truth_dir / namespace, until=None, **params)
    us, eu = PROFILES["us"], PROFILES["eu"]
    for namespace, shop, alone in (("shop_us", us, full_shop), ("shop_eu", eu, eu_shop)):
        for stream in STREAMS:
            rows = [
                row
                for path in sorted((lake.root / namespace / stream).glob("*.parquet"))
                for row in pq.read_table(path).to_pylist()
            ]
            assert rows, (namespace, stream)
            assert {r["shop_url"] for r in rows} == {shop.shop_url}, (namespace, stream)
            currencies = set(re.findall(r"'currency(?:_code)?': '([A-Z]{3})'", repr(rows)))
            if stream not in ("products", "product_variants", "locations"):
                assert shop.currency in currencies, (namespace, stream)
            if stream == "orders":
                assert {r["currency"] for r in rows} == {shop.currency}
                offsets = {r["processed_at"][-6:] for r in rows}
                assert offsets == ({"-08:00", "-07:00"} if shop is us else {"+01:00", "+02:00"})
            strip = [{k: v for k, v in r.items() if k != "_airbyte_raw_id"} for r in rows]
            want = [
                {k: v for k, v in r.items() if k not in ("_airbyte_raw_id", "_file")}
                for r in alone.rows(stream)
            ]
            assert strip == want, (namespace, stream)
        shop_rec = next(iter(alone.records("shop")))
        assert shop_rec["iana_timezone"] == shop.timezone


def test_another_seed_gives_another_shop(full_shop: Any, make_lake: Callable[[str], Any]) -> None:
    other = make_lake("other-seed")
    other.sync(seed=PARAMS["seed"] + 1)
    want, got = full_shop.snapshots[-1], other.hashes()
    for stream in ("shop", "customers", "orders", "order_refunds", "transactions"):
        ours = {p: h for p, h in want.items() if p.startswith(f"lake/shopify/{stream}/")}
        theirs = {p: h for p, h in got.items() if p.startswith(f"lake/shopify/{stream}/")}
        assert ours and theirs
        assert set(ours.values()).isdisjoint(theirs.values()), stream
    assert want["truth/daily_sales.csv"] != got["truth/daily_sales.csv"]
    # different data, not just different ids: the order lines differ
    ours_lines = [
        [(li["sku"], li["quantity"]) for li in o["line_items"]] for o in full_shop.records("orders")
    ]
    theirs_lines = [
        [(li["sku"], li["quantity"]) for li in o["line_items"]] for o in other.records("orders")
    ]
    assert ours_lines != theirs_lines
    assert full_shop.records("shop")[0]["id"] != other.records("shop")[0]["id"]
