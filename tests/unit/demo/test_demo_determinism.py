"""The demo shop is a pure function of its settings: same seed and parameters, same bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

SPOON = str(Path(sys.executable).parent / "spoon")


def _cli_extract(lake: Any, demo: SimpleNamespace, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`spoon extract --source demo …` in its own process (its own hash seed)."""
    p = demo.PARAMS
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
        demo.LAST_DAY.isoformat(),
    ]
    return subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_same_seed_and_parameters_give_a_byte_identical_lake(
    full_shop: Any, make_lake: Callable[[str], Any], demo: SimpleNamespace, tmp_path: Path
) -> None:
    # the second copy goes through the CLI, in another process, at another path
    other = make_lake("same-seed-cli")
    out = _cli_extract(other, demo, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "extract (demo)" in out.stderr + out.stdout

    want = full_shop.snapshots[-1]
    got = other.hashes()
    assert sorted(got) == sorted(want), "the two lakes hold different file paths"
    differ = [path for path in want if got[path] != want[path]]
    assert not differ, f"same seed, different bytes in {differ}"
    # and the comparison is not vacuous: every stream, the sync state and the truth
    streams = {path.split("/")[2] for path in want if path.startswith("lake/shopify/")}
    assert streams == set(demo.STREAMS)
    assert "lake/_state/demo/shopify.json" in want
    assert "truth/daily_sales.csv" in want


def test_same_sequence_of_syncs_gives_a_byte_identical_lake(
    two_syncs: Any, make_lake: Callable[[str], Any], demo: SimpleNamespace
) -> None:
    again = make_lake("same-syncs")
    again.sync(demo.FIRST_UNTIL)
    assert again.snapshots[0] == two_syncs.snapshots[0]
    again.sync(demo.LAST_DAY)
    assert again.snapshots[1] == two_syncs.snapshots[1]


def test_another_seed_gives_another_shop(
    full_shop: Any, make_lake: Callable[[str], Any], demo: SimpleNamespace
) -> None:
    other = make_lake("other-seed")
    other.sync(seed=demo.PARAMS["seed"] + 1)
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
