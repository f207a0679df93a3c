"""dbt build on DuckDB over a hand-made tax-inclusive EU shop (support.rawshop.eu.EU_SYNCS): prices
with VAT inside, an export order with duties, a tip, refunds, a cancellation, Berlin's local
midnight and both DST changes. Every figure is checked by hand, and against Shopify's own
ledger and current totals (rpt_order_reconciliation)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from support.rawshop.runner import query

from spoon.metrics import MONEY_COLUMNS

D = Decimal
Z = "0.00"
# date -> (orders, gross, discounts, returns, net, shipping, duties, taxes, total, tips)
EXPECTED_DAYS = {
    # one 107.00 line with 7 % inside and 11.90 shipping with 19 % inside (the example)
    "2025-03-10": (1, "100.00", Z, Z, "100.00", "10.00", Z, "8.90", "118.90", Z),
    # 102.00 and 19.00 with 20 % inside: 100.83 gross, 121.00 total (not 121.00 and 141.17)
    "2025-03-30": (2, "100.83", Z, Z, "100.83", Z, Z, "20.17", "121.00", Z),
    # the 102.00 line refunded: returns 85.00 (not 102.00), its 17.00 VAT given back
    "2025-04-20": (0, Z, Z, "85.00", "-85.00", Z, Z, "-17.00", "-102.00", Z),
    # an export order: no VAT, 12.50 duties count in total sales ...
    "2025-05-01": (1, "100.00", Z, Z, "100.00", "19.90", "12.50", Z, "132.40", Z),
    # ... and come back on the refund's date
    "2025-05-03": (0, Z, Z, "100.00", "-100.00", "-19.90", "-12.50", Z, "-132.40", Z),
    # a 59.50 mug with a 5.00 tip (not a sale) at 23:30; 2 x 59.50 less 11.90 (VAT inside)
    "2025-06-01": (2, "150.00", "10.00", Z, "140.00", Z, Z, "26.60", "166.60", "5.00"),
    "2025-06-02": (0, Z, Z, "45.00", "-45.00", Z, Z, "-8.55", "-53.55", Z),
    # cancelled with the rest refunded: the cancellation reverses nothing twice
    "2025-06-03": (0, Z, Z, "45.00", "-45.00", Z, Z, "-8.55", "-53.55", Z),
    # a gift card only: an order, no sales
    "2025-07-01": (1, Z, Z, Z, Z, Z, Z, Z, Z, Z),
    # 3 x 24.90 less 10 % (VAT inside) at 02:30 CEST, the night clocks go back
    "2025-10-26": (1, "62.77", "6.27", Z, "56.50", Z, Z, "10.73", "67.23", Z),
}


def test_tax_inclusive_shop_days_match_hand_computed_figures(built_eu_duckdb: Path) -> None:
    cols = ", ".join(MONEY_COLUMNS)
    rows = query(
        built_eu_duckdb,
        f"select cast(date_day as varchar), orders, {cols} from marts.rpt_daily_sales",
    )
    report = {r[0]: r[1:] for r in rows}
    assert min(report) == "2025-03-10" and max(report) == "2025-10-26"
    for day, values in report.items():
        want = EXPECTED_DAYS.get(day, (0, *[Z] * 9))
        assert values == (want[0], *(D(v) for v in want[1:])), day
    # net sales + taxes is what the customer paid for the goods, line by line
    bad = query(
        built_eu_duckdb,
        "select sales_event_id from marts.fct_sales where event_type = 'sale'"
        " and total_sales <> net_sales + taxes + duties",
    )
    assert bad == []


def test_tax_inclusive_shop_agrees_with_shopifys_own_figures(built_eu_duckdb: Path) -> None:
    rows = query(
        built_eu_duckdb,
        "select compared_with, status, count(*), count(distinct order_id)"
        " from marts.rpt_order_reconciliation group by 1, 2 order by 1, 2",
    )
    counts = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    assert ("shopify_ledger", "differs") not in counts
    assert ("order_current_totals", "differs") not in counts
    # every order with sales was compared against the ledger; the gift card's totals cannot be
    assert counts[("shopify_ledger", "agrees")][1] == 7
    assert counts[("order_current_totals", "not comparable")][1] == 1
    # the export order's duties and the tip were compared, not skipped
    compared = query(
        built_eu_duckdb,
        "select order_name, metric, our_amount from marts.rpt_order_reconciliation"
        " where status = 'agrees' and metric in ('duties', 'tips') order by 1, 2, 3",
    )
    assert ("#EU2005", "duties", D("-12.50")) in compared
    assert ("#EU2006", "tips", D("5.00")) in compared
