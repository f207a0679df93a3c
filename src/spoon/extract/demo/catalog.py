"""Fixed reference data of the demo shop: what it sells, where its customers live, names.

Nothing here is random: the generator draws from these tables with its seeded RNG.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProductSpec:
    title: str
    product_type: str
    vendor: str
    option: str  # the variant option's name
    variants: tuple[tuple[str, str, int], ...]  # (variant title, price, grams)
    popularity: float
    gift_card: bool = False
    #: VAT class in a tax-inclusive shop: "standard" or "reduced" (books, food)
    tax_class: str = "standard"
    hs_code: str = ""  # harmonized system code (customs), where duties apply


@dataclass(frozen=True)
class LocationSpec:
    name: str
    address1: str
    city: str
    province: str | None
    province_code: str | None
    zip: str
    phone: str
    id_base: int
    opened_after_days: int  # after the shop's creation


def gift_card(symbol: str) -> ProductSpec:
    """The shop's gift card, in three denominations of its currency (`symbol`)."""
    variants = tuple((f"{symbol}{amount}", f"{amount}.00", 0) for amount in (25, 50, 100))
    return ProductSpec(
        "Gift Card", "Gift Cards", "Willow's Spoon", "Denomination", variants, 0.0, gift_card=True
    )


# fmt: off
PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        "Cherry Wood Spoon", "Spoons", "Willow's Spoon", "Size",
        (("Small", "18.00", 40), ("Medium", "24.00", 60), ("Large", "29.00", 80)), 10.0,
    ),
    ProductSpec(
        "Walnut Serving Spoon", "Spoons", "Willow's Spoon", "Finish",
        (("Oiled", "34.00", 90), ("Waxed", "36.00", 90)), 7.0,
    ),
    ProductSpec(
        "Maple Stirring Spoon", "Spoons", "Willow's Spoon", "Length",
        (("10 in", "16.00", 45), ("12 in", "19.00", 55)), 8.0,
    ),
    ProductSpec(
        "Olive Wood Tasting Spoon", "Spoons", "Olive & Grain", "Pack",
        (("Single", "12.50", 20), ("Set of 4", "42.00", 80)), 6.0,
    ),
    ProductSpec(
        "Hand-Carved Ladle", "Ladles", "Willow's Spoon", "Wood",
        (("Cherry", "58.00", 180), ("Walnut", "64.00", 190)), 3.0,
    ),
    ProductSpec(
        "Spatula Trio", "Utensil Sets", "Willow's Spoon", "Wood",
        (("Maple", "45.00", 210), ("Cherry", "49.00", 210)), 4.5,
    ),
    ProductSpec(
        "Cooking Utensil Set", "Utensil Sets", "Willow's Spoon", "Pieces",
        (("5 piece", "79.00", 420), ("7 piece", "104.00", 560)), 3.0,
    ),
    ProductSpec(
        "End-Grain Cutting Board", "Boards", "Willow's Spoon", "Size",
        (("12 x 9", "89.00", 1500), ("16 x 12", "129.00", 2600), ("20 x 15", "169.00", 3900)), 2.5,
    ),
    ProductSpec(
        "Serving Board", "Boards", "Willow's Spoon", "Wood",
        (("Cherry", "68.00", 1100), ("Walnut", "78.00", 1200)), 3.0,
    ),
    ProductSpec(
        "Salad Servers", "Serveware", "Olive & Grain", "Wood",
        (("Olive", "38.00", 150), ("Acacia", "32.00", 150)), 4.0,
    ),
    ProductSpec(
        "Wooden Bowl", "Serveware", "Turned Studio", "Size",
        (("8 in", "54.00", 500), ("11 in", "82.00", 900)), 2.5,
    ),
    ProductSpec(
        "Spoon Butter", "Care", "Willow's Spoon", "Size",
        (("2 oz", "9.00", 70), ("6 oz", "19.00", 190)), 7.5,
    ),
    ProductSpec(
        "Board Oil", "Care", "Willow's Spoon", "Size",
        (("4 oz", "11.00", 140), ("8 oz", "17.00", 260)), 4.0,
    ),
    ProductSpec(
        "Carving Kit", "Workshop", "Willow's Spoon", "Level",
        (("Beginner", "65.00", 700), ("Advanced", "115.00", 950)), 2.0,
    ),
    ProductSpec(
        "Hook Knife", "Workshop", "Northern Edge", "Hand",
        (("Right", "48.00", 110), ("Left", "48.00", 110)), 1.5,
    ),
    ProductSpec(
        "Linen Tea Towel", "Textiles", "Loom & Field", "Color",
        (("Natural", "16.00", 80), ("Sage", "16.00", 80), ("Rust", "16.00", 80)), 4.5,
    ),
    ProductSpec(
        "Apron", "Textiles", "Loom & Field", "Color",
        (("Charcoal", "46.00", 300), ("Tan", "46.00", 300)), 2.0,
    ),
    ProductSpec(
        "Spoon Rest", "Accessories", "Turned Studio", "Wood",
        (("Cherry", "22.00", 120), ("Walnut", "24.00", 120)), 3.5,
    ),
    ProductSpec(
        "Utensil Crock", "Accessories", "Clay Works", "Glaze",
        (("White", "39.00", 900), ("Speckled", "42.00", 900)), 2.0,
    ),
    ProductSpec(
        "Honey Dipper", "Accessories", "Willow's Spoon", "Wood", (("Maple", "9.50", 25),), 3.5,
    ),
    gift_card("$"),
)
LOCATIONS: tuple[LocationSpec, ...] = (
    LocationSpec(
        "Portland Workshop", "1420 SE Division St", "Portland", "Oregon", "OR", "97202",
        "+1 503-555-0142", 61_000_000_000, 0,
    ),
    LocationSpec(
        "Oakland Studio", "510 Broadway", "Oakland", "California", "CA", "94607", "+1 510-555-0198",
        62_000_000_000, 210,
    ),
)
# fmt: on
