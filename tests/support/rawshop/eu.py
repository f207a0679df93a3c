"""A tax-inclusive EU shop (issue 16): Europe/Berlin, EUR, VAT inside the prices."""

from __future__ import annotations

from support.rawshop.blocks import Batch
from support.rawshop.eu_blocks import (
    eu_line_item,
    make_eu_order,
    make_eu_refund,
    make_ledger,
    make_sale,
)

EU_SHOP = {
    "id": 2,
    "name": "Willow's Spoon Europe",
    "myshopify_domain": "willows-spoon-eu.myshopify.com",
    "currency": "EUR",
    "iana_timezone": "Europe/Berlin",
    "country_code": "DE",
    "taxes_included": True,
    "updated_at": "2025-01-01T00:00:00+01:00",
}
# the example: one 107.00 line (7 % VAT inside: 7.00), 11.90 shipping (1.90 inside)
E1 = make_eu_order(
    2001,
    "2025-03-10T10:00:00+01:00",
    [eu_line_item(211, 301, "Cookbook", "107.00", 1, vat=("7.00", 0.07))],
    shipping=("11.90", ("1.90", 0.19)),
    totals=("118.90", "8.90", "118.90"),
)
# orders of 102.00 and 19.00 (20 % VAT inside) on the night clocks go forward: 00:30 CET is
# still 03-29 in UTC; the 102.00 line is refunded later (its subtotal includes the VAT)
E2 = make_eu_order(
    2002,
    "2025-03-30T00:30:00+01:00",
    [eu_line_item(221, 302, "Teapot", "102.00", 1, vat=("17.00", 0.2))],
    country="AT",
    totals=("0.00", "0.00", "102.00"),
    updated_at="2025-04-20T11:00:00+02:00",
)
E3 = make_eu_order(
    2003,
    "2025-03-30T20:00:00+02:00",
    [eu_line_item(231, 303, "Tea towel", "19.00", 1, vat=("3.17", 0.2))],
    country="AT",
    totals=("19.00", "3.17", "19.00"),
)
# 3 x 24.90 (19 % inside) with a 10 % discount (7.47, VAT inside); at 02:30 CEST on the
# night clocks go back (00:30 UTC)
E4 = make_eu_order(
    2004,
    "2025-10-26T02:30:00+02:00",
    [eu_line_item(241, 304, "Spoon", "24.90", 3, vat=("10.73", 0.19), discount="7.47")],
    totals=("67.23", "10.73", "67.23"),
)
# an export order to Switzerland: no VAT (taxes_included false), duties collected at
# checkout, then refunded whole with its shipping and duties
E5 = make_eu_order(
    2005,
    "2025-05-01T09:00:00+02:00",
    [eu_line_item(251, 305, "Bowl", "50.00", 2, duties=("8.20", "4.30"))],
    taxes_included=False,
    country="CH",
    shipping=("19.90", None),
    duties=("12.50", "0.00"),
    totals=("0.00", "0.00", "132.40"),
    updated_at="2025-05-03T10:00:00+02:00",
)
# a 5.00 tip at 23:30 local (21:30 UTC)
E6 = make_eu_order(
    2006,
    "2025-06-01T23:30:00+02:00",
    [
        eu_line_item(261, 306, "Mug", "59.50", 1, vat=("9.50", 0.19)),
        eu_line_item(262, None, "Tip", "5.00", 1, tip=True),
    ],
    tips="5.00",
    totals=("64.50", "9.50", "64.50"),
)
# 2 x 59.50 with 11.90 off (VAT inside): one unit refunded, then the order cancelled and
# the rest refunded
E7 = make_eu_order(
    2007,
    "2025-06-01T10:00:00+02:00",
    [eu_line_item(271, 307, "Mug", "59.50", 2, vat=("17.10", 0.19), discount="11.90")],
    cancelled_at="2025-06-03T09:00:00+02:00",
    totals=("0.00", "0.00", "107.10"),
    updated_at="2025-06-03T09:00:00+02:00",
)
# a gift card only: not a sale, and no agreements in the ledger record
E8 = make_eu_order(
    2008,
    "2025-07-01T12:00:00+02:00",
    [{**eu_line_item(281, 308, "Gift card", "25.00", 1), "gift_card": True}],
    totals=("25.00", "0.00", "25.00"),
)
ER2 = make_eu_refund(2102, 2002, "2025-04-20T11:00:00+02:00", [(2202, 221, 1, "102.00", "17.00")])
ER5 = make_eu_refund(
    2105,
    2005,
    "2025-05-03T10:00:00+02:00",
    [(2205, 251, 2, "100.00", "0.00")],
    shipping=("-19.90", "0.00"),
    duties="12.50",
)
ER7A = make_eu_refund(2107, 2007, "2025-06-02T15:00:00+02:00", [(2207, 271, 1, "53.55", "8.55")])
ER7B = make_eu_refund(2108, 2007, "2025-06-03T09:00:00+02:00", [(2208, 271, 1, "53.55", "8.55")])
EU_LEDGER = [
    make_ledger(
        E1,
        [
            (
                31,
                "ORDER",
                E1["processed_at"],
                [
                    make_sale(41, "PRODUCT", "107.00", "7.00", line_item=211),
                    make_sale(42, "SHIPPING", "11.90", "1.90", qty=None),
                ],
            )
        ],
    ),
    make_ledger(
        E2,
        [
            (
                32,
                "ORDER",
                E2["processed_at"],
                [make_sale(43, "PRODUCT", "102.00", "17.00", line_item=221)],
            ),
            (
                33,
                "REFUND",
                ER2["processed_at"],
                [
                    make_sale(44, "PRODUCT", "-102.00", "-17.00", qty=-1, line_item=221),
                ],
            ),
        ],
    ),
    make_ledger(
        E3,
        [
            (
                34,
                "ORDER",
                E3["processed_at"],
                [
                    make_sale(45, "PRODUCT", "19.00", "3.17", line_item=231),
                ],
            )
        ],
    ),
    make_ledger(
        E4,
        [
            (
                35,
                "ORDER",
                E4["processed_at"],
                [
                    make_sale(
                        46,
                        "PRODUCT",
                        "67.23",
                        "10.73",
                        qty=3,
                        line_item=241,
                        discount=("6.27", "7.47"),
                    ),
                ],
            )
        ],
    ),
    make_ledger(
        E5,
        [
            (
                36,
                "ORDER",
                E5["processed_at"],
                [
                    make_sale(47, "PRODUCT", "100.00", qty=2, line_item=251),
                    make_sale(48, "DUTY", "12.50", qty=None),
                    make_sale(49, "SHIPPING", "19.90", qty=None),
                ],
            ),
            (
                37,
                "REFUND",
                ER5["processed_at"],
                [
                    make_sale(50, "PRODUCT", "-100.00", qty=-2, line_item=251),
                    make_sale(51, "DUTY", "-12.50", qty=None),
                    make_sale(52, "SHIPPING", "-19.90", qty=None),
                ],
            ),
        ],
    ),
    make_ledger(
        E6,
        [
            (
                38,
                "ORDER",
                E6["processed_at"],
                [
                    make_sale(53, "PRODUCT", "59.50", "9.50", line_item=261),
                    make_sale(54, "TIP", "5.00"),
                ],
            )
        ],
    ),
    make_ledger(
        E7,
        [
            (
                39,
                "ORDER",
                E7["processed_at"],
                [
                    make_sale(
                        55,
                        "PRODUCT",
                        "107.10",
                        "17.10",
                        qty=2,
                        line_item=271,
                        discount=("10.00", "11.90"),
                    ),
                ],
            ),
            (
                40,
                "REFUND",
                ER7A["processed_at"],
                [
                    make_sale(56, "PRODUCT", "-53.55", "-8.55", qty=-1, line_item=271),
                ],
            ),
            (
                57,
                "REFUND",
                ER7B["processed_at"],
                [
                    make_sale(58, "PRODUCT", "-53.55", "-8.55", qty=-1, line_item=271),
                ],
            ),
        ],
    ),
    make_ledger(E8, []),
]
EU_SYNCS: list[Batch] = [
    {
        "shop": [EU_SHOP],
        "orders": [E1, E2, E3, E4, E5, E6, E7, E8],
        "order_refunds": [ER2, ER5, ER7A, ER7B],
        "order_agreements": EU_LEDGER,
    }
]
