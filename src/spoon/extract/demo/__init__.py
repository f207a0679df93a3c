"""The demo shop: a deterministic Shopify-like history, synced into the lake Airbyte-style.

`extract_demo` writes one sync (see `spoon.extract.demo.extract`) and the ground truth of the seven
money metrics (see `spoon.extract.demo.truth`).
"""

from spoon.extract.demo.extract import DemoReport, extract_demo

__all__ = ["DemoReport", "extract_demo"]
