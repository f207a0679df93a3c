"""The demo shop: a deterministic Shopify-like history, synced into the lake Airbyte-style.

`extract_demo` writes one sync (see `spoon.demo.sync`) and the ground truth of the seven
money metrics (see `spoon.demo.truth`).
"""

from spoon.demo.sync import DemoReport, extract_demo

__all__ = ["DemoReport", "extract_demo"]
