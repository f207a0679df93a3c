"""Several shops in one warehouse (contract 4): two demo shops in different time zones and
currencies, each equal to its own ground truth; the default single shop unchanged."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from support.e2e import TWO_SHOPS, mart_digests, read_truth
from support.workspace import Workspace

from spoon.metrics import MONEY_COLUMNS

GOLDEN = Path(__file__).with_name("golden_marts.json")


def test_the_default_single_shop_gives_exactly_todays_marts(small_shop: Workspace) -> None:
    """Every mart of the default configuration (one shop `shopify`) equals the marts main
    built before several shops (tests/e2e/golden_marts.json, from a023f38), row for row,
    leaving out only `shop` and load-time columns."""
    golden = json.loads(GOLDEN.read_text())["marts"]
    got = mart_digests(small_shop)
    assert set(got) >= set(golden), f"marts missing: {sorted(set(golden) - set(got))}"
    changed = {t: (golden[t], got[t]) for t in golden if got[t] != golden[t]}
    assert not changed, f"{len(changed)} marts differ from the golden ones: {changed}"


def test_each_shop_equals_its_own_ground_truth_to_the_cent(two_shops: Workspace) -> None:
    """rpt_daily_sales per shop and local day: every day and column of each shop equals the
    truth its demo generator computed in its own zone and currency."""
    cols = ("orders", *MONEY_COLUMNS)
    zero = dict.fromkeys(cols, Decimal(0))
    for shop in TWO_SHOPS:
        truth = read_truth(Path(two_shops.env["SPOON_TRUTH_DIR"]) / shop / "daily_sales.csv")
        assert len(truth) > 100, shop
        rows = two_shops.query(
            f"select cast(date_day as varchar), {', '.join(cols)} from marts.rpt_daily_sales "
            f"where shop = '{shop}'"
        )
        report = {r[0]: dict(zip(cols, r[1:], strict=True)) for r in rows}
        mismatches = [
            (day, metric, truth.get(day, zero)[metric], report.get(day, zero)[metric])
            for day in sorted(set(truth) | set(report))
            for metric in cols
            if Decimal(str(report.get(day, zero)[metric])) != truth.get(day, zero)[metric]
        ]
        assert not mismatches, f"{shop}: {len(mismatches)} mismatches, first: {mismatches[:5]}"


def test_the_shops_keep_their_own_zone_and_currency(two_shops: Workspace) -> None:
    got = dict(
        two_shops.query(
            "select shop, string_agg(distinct currency) from marts.fct_orders group by 1"
        )
    )
    assert got == {"shop_us": "USD", "shop_eu": "EUR"}
    per_shop = dict(two_shops.query("select shop, count(*) from marts.rpt_daily_sales group by 1"))
    assert set(per_shop) == {"shop_us", "shop_eu"} and min(per_shop.values()) > 100
    # the raw tables hold both shops, told apart by the namespace in _file_name
    files = dict(
        two_shops.query(
            "select split_part(_file_name, '/', 1), count(*) from raw.orders group by 1"
        )
    )
    assert set(files) == {"shop_us", "shop_eu"}


def test_no_order_of_either_shop_differs_from_shopifys_own_figures(two_shops: Workspace) -> None:
    for shop in TWO_SHOPS:
        statuses = dict(
            two_shops.query(
                "select status, count(distinct order_id) from marts.rpt_order_reconciliation"
                f" where shop = '{shop}' group by status"
            )
        )
        orders = two_shops.query(f"select count(*) from marts.fct_orders where shop = '{shop}'")
        assert "differs" not in statuses, (shop, statuses)
        assert statuses["agrees"] > 0.9 * orders[0][0], (shop, statuses)


def test_summary_prints_one_summary_per_shop_in_its_currency(two_shops: Workspace) -> None:
    out = two_shops.spoon("summary").stdout
    titles = re.findall(r"^(\w+): Sales summary \S+ → \S+ \((\w+)\)", out, flags=re.M)
    assert titles == [("shop_us", "USD"), ("shop_eu", "EUR")], out
    lines = re.findall(r"(\w+): Shopify reconciliation: [\d,]+ orders agree .*? 0 differ", out)
    assert lines == list(TWO_SHOPS), out
    assert out.count("all days") == 2


def test_a_rerun_with_two_shops_changes_nothing(two_shops: Workspace) -> None:
    before = mart_digests(two_shops)
    out = " ".join(two_shops.spoon("run").stdout.split())  # rich wraps long lines at 80
    assert "shop_us: nothing new" in out and "shop_eu: nothing new" in out
    assert "0 new files" in out
    assert mart_digests(two_shops) == before
