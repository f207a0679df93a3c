"""Fixed reference data of the tax-inclusive EU demo shop (profile `eu`, Berlin, EUR).

Prices are German shelf prices, VAT included (19 % standard, 7 % reduced for books and
food). Customers in other EU countries pay their own country's VAT on the same price (the
EU's one-stop shop); export customers pay the price without German VAT and no VAT at all,
some of them duties at checkout. Nothing here is random.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from spoon.extract.demo.catalog import LocationSpec, ProductSpec, gift_card

_D = Decimal

# fmt: off
PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        "Cherry Wood Spoon", "Spoons", "Willow's Spoon", "Size",
        (("Small", "19.00", 40), ("Medium", "24.00", 60), ("Large", "29.00", 80)), 10.0,
        hs_code="4419.90",
    ),
    ProductSpec(
        "Walnut Serving Spoon", "Spoons", "Willow's Spoon", "Finish",
        (("Oiled", "35.00", 90), ("Waxed", "37.00", 90)), 7.0, hs_code="4419.90",
    ),
    ProductSpec(
        "Beech Stirring Spoon", "Spoons", "Willow's Spoon", "Length",
        (("25 cm", "15.00", 45), ("30 cm", "18.00", 55)), 8.0, hs_code="4419.90",
    ),
    ProductSpec(
        "Olive Wood Tasting Spoon", "Spoons", "Olive & Grain", "Pack",
        (("Single", "12.90", 20), ("Set of 4", "42.00", 80)), 6.0, hs_code="4419.90",
    ),
    ProductSpec(
        "Hand-Carved Ladle", "Ladles", "Willow's Spoon", "Wood",
        (("Cherry", "59.00", 180), ("Walnut", "65.00", 190)), 3.0, hs_code="4419.90",
    ),
    ProductSpec(
        "End-Grain Cutting Board", "Boards", "Willow's Spoon", "Size",
        (("30 x 23", "89.00", 1500), ("40 x 30", "129.00", 2600)), 2.5, hs_code="4419.11",
    ),
    ProductSpec(
        "Serving Board", "Boards", "Willow's Spoon", "Wood",
        (("Oak", "69.00", 1100), ("Walnut", "79.00", 1200)), 3.0, hs_code="4419.11",
    ),
    ProductSpec(
        "Wooden Bowl", "Serveware", "Turned Studio", "Size",
        (("20 cm", "55.00", 500), ("28 cm", "84.00", 900)), 2.5, hs_code="4419.90",
    ),
    ProductSpec(
        "Spoon Butter", "Care", "Willow's Spoon", "Size",
        (("60 ml", "9.50", 70), ("180 ml", "19.90", 190)), 7.0, hs_code="3405.90",
    ),
    ProductSpec(
        "Linen Tea Towel", "Textiles", "Loom & Field", "Color",
        (("Natural", "16.90", 80), ("Sage", "16.90", 80)), 4.5, hs_code="6302.91",
    ),
    ProductSpec(
        "Carving Kit", "Workshop", "Willow's Spoon", "Level",
        (("Beginner", "65.00", 700), ("Advanced", "115.00", 950)), 2.0, hs_code="8211.94",
    ),
    ProductSpec(
        "Spoon Carving Handbook", "Books", "Hart Verlag", "Binding",
        (("Paperback", "24.00", 450), ("Hardcover", "39.00", 800)), 4.0, tax_class="reduced",
        hs_code="4901.99",
    ),
    ProductSpec(
        "Woodcraft Library", "Books", "Hart Verlag", "Edition", (("Complete set", "107.00", 2400),),
        0.6, tax_class="reduced", hs_code="4901.99",
    ),
    ProductSpec(
        "Forest Honey", "Pantry", "Imkerei Lindner", "Size",
        (("250 g", "8.90", 330), ("500 g", "14.90", 620)), 5.0, tax_class="reduced",
        hs_code="0409.00",
    ),
    ProductSpec(
        "Herbal Tea Blend", "Pantry", "Teekontor", "Size", (("100 g", "7.50", 120),), 4.0,
        tax_class="reduced", hs_code="0909.61",
    ),
    ProductSpec(
        "Roasted Coffee Beans", "Pantry", "Rösterei Kreuzberg", "Size",
        (("250 g", "11.90", 260), ("1 kg", "36.00", 1020)), 4.0, tax_class="reduced",
        hs_code="0901.21",
    ),
    gift_card("€"),
)
LOCATIONS: tuple[LocationSpec, ...] = (
    LocationSpec(
        "Werkstatt Kreuzberg", "Oranienstraße 185", "Berlin", None, None, "10999",
        "+49 30 5557 0142", 71_000_000_000, 0,
    ),
)
# fmt: on


@dataclass(frozen=True)
class Market:
    """A country the EU shop sells to, with its VAT (or none: export) and its customs."""

    code: str
    name: str
    weight: float  # share of orders
    standard: Decimal  # VAT rate on the tax-inclusive price (0 for export)
    reduced: Decimal
    vat_title: str
    currency: str  # presentment currency of most of its shoppers
    rate: Decimal  # units of `currency` per EUR
    duty: Decimal  # duty rate on goods when collected at checkout (export only)
    phone: str  # phone prefix
    places: tuple[tuple[str, str | None, str | None, str], ...]  # city, province, code, zip

    @property
    def export(self) -> bool:
        """Outside the EU: no VAT charged, prices without German VAT."""
        return self.standard == 0

    def vat(self, tax_class: str) -> Decimal:
        return self.reduced if tax_class == "reduced" else self.standard


HOME = "DE"
# fmt: off
MARKETS: tuple[Market, ...] = (
    Market(
        "DE", "Germany", 70.0, _D("0.19"), _D("0.07"), "MwSt.", "EUR", _D(1), _D(0), "+49",
        (
            ("Berlin", None, None, "10115"), ("Hamburg", None, None, "20095"),
            ("München", None, None, "80331"), ("Köln", None, None, "50667"),
            ("Leipzig", None, None, "04109"), ("Freiburg im Breisgau", None, None, "79098"),
        ),
    ),
    Market(
        "AT", "Austria", 6.0, _D("0.20"), _D("0.10"), "USt.", "EUR", _D(1), _D(0), "+43",
        (("Wien", None, None, "1010"), ("Graz", None, None, "8010")),
    ),
    Market(
        "FR", "France", 5.0, _D("0.20"), _D("0.055"), "TVA", "EUR", _D(1), _D(0), "+33",
        (("Paris", None, None, "75011"), ("Lyon", None, None, "69002")),
    ),
    Market(
        "NL", "Netherlands", 4.0, _D("0.21"), _D("0.09"), "BTW", "EUR", _D(1), _D(0), "+31",
        (("Amsterdam", None, None, "1012 AB"), ("Utrecht", None, None, "3511 AA")),
    ),
    Market(
        "BE", "Belgium", 2.0, _D("0.21"), _D("0.06"), "TVA", "EUR", _D(1), _D(0), "+32",
        (("Bruxelles", None, None, "1000"),),
    ),
    Market(
        "CH", "Switzerland", 4.0, _D(0), _D(0), "", "CHF", _D("0.94"), _D("0.05"), "+41",
        (("Zürich", "Zürich", "ZH", "8001"), ("Basel", "Basel-Stadt", "BS", "4051")),
    ),
    Market(
        "GB", "United Kingdom", 4.0, _D(0), _D(0), "", "GBP", _D("0.85"), _D("0.08"), "+44",
        (("London", "England", "ENG", "EC1A 1BB"), ("Edinburgh", "Scotland", "SCT", "EH1 1YZ")),
    ),
    Market(
        "US", "United States", 3.0, _D(0), _D(0), "", "USD", _D("1.08"), _D("0.06"), "+1",
        (("New York", "New York", "NY", "10001"), ("Seattle", "Washington", "WA", "98101")),
    ),
    Market(
        "NO", "Norway", 2.0, _D(0), _D(0), "", "NOK", _D("11.60"), _D("0.12"), "+47",
        (("Oslo", None, None, "0150"), ("Bergen", None, None, "5003")),
    ),
)
# fmt: on
MARKET = {m.code: m for m in MARKETS}

#: (title, code, price incl. VAT where VAT applies)
SHIPPING_STANDARD = ("DHL Paket", "DHL_PAKET", Decimal("5.95"))
SHIPPING_EXPRESS = ("DHL Express", "DHL_EXPRESS", Decimal("11.90"))
SHIPPING_FREE = ("Kostenloser Versand", "FREE", Decimal("0.00"))
SHIPPING_EU = ("EU Versand", "EU_STANDARD", Decimal("12.90"))
SHIPPING_WORLD = ("International", "INTL", Decimal("24.90"))
FREE_SHIPPING_FROM = Decimal("60.00")  # domestic orders from this value ship free

TIPS = (Decimal("1.00"), Decimal("2.00"), Decimal("2.50"), Decimal("3.00"), Decimal("5.00"))
