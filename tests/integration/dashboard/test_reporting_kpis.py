"""KPI maths: periods, change ratios, formatting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from spoon.dashboard.kpis import (
    MONEY_COLUMNS,
    Kpi,
    Period,
    Totals,
    build_kpis,
    format_growth,
    format_money,
    format_value,
)


def totals(net: str, orders: int, value: str, customers: int, returning: int) -> Totals:
    money = dict.fromkeys(MONEY_COLUMNS, Decimal("0.00"))
    money["net_sales"] = Decimal(net)
    money["total_sales"] = Decimal(net) + Decimal("10.00")
    return Totals(orders, money, Decimal(value), customers, returning)


def test_previous_period_has_the_same_length_and_ends_the_day_before() -> None:
    p = Period(date(2025, 3, 1), date(2025, 3, 31))
    assert p.days == 31
    assert p.previous() == Period(date(2025, 1, 29), date(2025, 2, 28))
    assert Period(date(2025, 1, 1), date(2025, 1, 1)).previous().days == 1


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2025, 2, 1), date(2025, 1, 1))


def test_kpis_and_their_change() -> None:
    now = totals("1500.00", 30, "1800.00", 20, 5)
    before = totals("1200.00", 40, "2000.00", 25, 10)
    kpis = {k.key: k for k in build_kpis(now, before)}
    assert kpis["net_sales"].value == Decimal("1500.00")
    assert kpis["net_sales"].delta == "+25.0%"
    assert kpis["orders"].delta == "-25.0%"
    assert kpis["average_order_value"].value == Decimal("60.00")
    assert kpis["average_order_value"].previous == Decimal("50.00")
    assert kpis["average_order_value"].delta == "+20.0%"
    # a rate changes in points: 25% now vs 40% before
    assert kpis["returning_customer_rate"].shown == "25.0%"
    assert kpis["returning_customer_rate"].delta == "-15.0 pts"


def test_no_change_without_a_previous_period_or_from_zero() -> None:
    now = totals("100.00", 2, "100.00", 2, 0)
    assert all(k.delta is None for k in build_kpis(now, None))
    zero = build_kpis(now, Totals.empty())
    assert {k.key: k.delta for k in zero}["net_sales"] is None
    assert {k.key: k.shown for k in build_kpis(Totals.empty(), None)}["orders"] == "0"


def test_change_from_a_negative_period_is_measured_against_its_size() -> None:
    k = Kpi("net_sales", "Net sales", "money", Decimal("50"), Decimal("-100"))
    assert k.change == Decimal("1.5")


def test_average_order_value_rounds_half_up_to_the_cent() -> None:
    assert totals("0", 3, "100.00", 1, 0).average_order_value == Decimal("33.33")
    assert totals("0", 8, "0.20", 1, 0).average_order_value == Decimal("0.03")  # 0.025
    assert Totals.empty().average_order_value is None


def test_formatting() -> None:
    assert format_money(Decimal("1234567.891")) == "1,234,567.89"
    assert format_money(Decimal("-5.5"), "USD") == "-USD 5.50"
    assert format_money(None) == "-"
    assert format_value(1234, "count") == "1,234"
    assert format_value(Decimal("0.12345"), "ratio") == "12.3%"
    assert format_growth(Decimal("-0.0425")) == "-4.3%"
    assert format_growth(None) == "-"
