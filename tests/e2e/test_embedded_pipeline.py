"""The embedded pipeline end to end: demo shop -> lake -> DuckDB -> dbt, against ground truth."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support.e2e import marts_fingerprint, read_truth
from support.workspace import Workspace

from spoon.metrics import MONEY_COLUMNS


@pytest.mark.parametrize("shop", ["small_shop", "eu_shop"])
def test_daily_sales_equal_ground_truth_for_every_day_and_metric(
    shop: str, request: pytest.FixtureRequest
) -> None:
    """US (tax on top) and EU (VAT inside, duties, tips): every day and column equals the
    truth the generator computed from Shopify's ledger it emitted."""
    small_shop = request.getfixturevalue(shop)
    truth = read_truth(small_shop.truth)
    cols = ", ".join(("orders", *MONEY_COLUMNS))
    rows = small_shop.query(f"select cast(date_day as varchar), {cols} from marts.rpt_daily_sales")
    report = {r[0]: dict(zip(("orders", *MONEY_COLUMNS), r[1:], strict=True)) for r in rows}
    assert len(truth) > 100
    zero = dict.fromkeys(("orders", *MONEY_COLUMNS), Decimal(0))
    mismatches = []
    for day in sorted(set(truth) | set(report)):
        want, got = truth.get(day, zero), report.get(day, zero)
        for metric in ("orders", *MONEY_COLUMNS):
            if Decimal(str(got[metric])) != want[metric]:
                mismatches.append((day, metric, want[metric], got[metric]))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:5]}"


def test_totals_agree_across_daily_sales_and_facts(small_shop: Workspace) -> None:
    sums = ", ".join(f"sum({m})" for m in MONEY_COLUMNS)
    daily = small_shop.query(f"select {sums} from marts.rpt_daily_sales")[0]
    sales = small_shop.query(f"select {sums} from marts.fct_sales")[0]
    orders = small_shop.query(f"select {sums} from marts.fct_orders")[0]
    assert daily == sales == orders
    assert all(isinstance(v, Decimal) for v in daily), "money must be decimal, never float"
    gross, discounts, returns, net, shipping, duties, taxes, total, _tips = daily
    assert net == gross - discounts - returns
    assert total == net + shipping + duties + taxes
    assert gross > 0 and discounts > 0 and returns > 0 and shipping > 0 and taxes > 0


def test_the_shop_has_the_hard_cases(small_shop: Workspace) -> None:
    kinds = dict(small_shop.query("select event_type, count(*) from marts.fct_sales group by 1"))
    for kind in ("sale", "shipping", "return", "shipping_refund", "cancellation"):
        assert kinds.get(kind, 0) > 0, kinds


def test_rerun_changes_nothing(small_shop: Workspace) -> None:
    before = marts_fingerprint(small_shop)
    out = small_shop.spoon("run")
    assert "nothing new" in out.stdout and "0 new files" in out.stdout
    assert marts_fingerprint(small_shop) == before


def test_summary_prints_totals(small_shop: Workspace) -> None:
    out = small_shop.spoon("summary")
    assert "all days" in out.stdout and "net" in out.stdout


@pytest.mark.parametrize("shop", ["small_shop", "eu_shop"])
def test_every_order_agrees_with_shopifys_own_figures(
    shop: str, request: pytest.FixtureRequest
) -> None:
    """rpt_order_reconciliation: no order differs from Shopify's ledger or its current
    totals; most are compared (the rest: gift cards, cancelled orders with tips)."""
    ws = request.getfixturevalue(shop)
    statuses = dict(
        ws.query(
            "select status, count(distinct order_id) from marts.rpt_order_reconciliation"
            " group by status"
        )
    )
    assert "differs" not in statuses, statuses
    orders = ws.query("select count(*) from marts.fct_orders")[0][0]
    assert statuses["agrees"] > 0.9 * orders
    out = ws.spoon("summary")
    assert " 0 differ" in out.stdout


def test_the_eu_shop_has_the_tax_inclusive_cases(eu_shop: Workspace) -> None:
    kinds = dict(eu_shop.query("select event_type, count(*) from marts.fct_sales group by 1"))
    for kind in ("sale", "tip", "return", "duty_refund", "cancellation"):
        assert kinds.get(kind, 0) > 0, kinds
    mixed = eu_shop.query(
        "select taxes_included, count(*) from marts.fct_orders group by 1 order by 1"
    )
    assert [flag for flag, _ in mixed] == [False, True]  # export orders say false
