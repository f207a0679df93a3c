"""The money metrics of the sales report (DESIGN.md contract 4), in one place.

Shopify's sales report: gross sales, less discounts and returns, is net sales; net sales
plus shipping, duties and taxes is total sales. Tips are reported beside it, outside total
sales. The marts (`rpt_daily_sales`), the ground truth of the demo shop, the dashboard and
the tests all name their money columns from here.
"""

from __future__ import annotations

#: the seven metrics every merchant has (the first ground truth, before duties and tips)
CORE_MONEY_COLUMNS: tuple[str, ...] = (
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "shipping",
    "taxes",
    "total_sales",
)

#: every money column of rpt_daily_sales, in report order (tips are outside total sales)
MONEY_COLUMNS: tuple[str, ...] = (
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "shipping",
    "duties",
    "taxes",
    "total_sales",
    "tips",
)
