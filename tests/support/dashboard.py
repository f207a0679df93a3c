"""The dashboard under test: its Streamlit app and its pages."""

from __future__ import annotations

from support.paths import REPO

APP = REPO / "dashboard" / "app.py"
PAGES = ("overview", "geography", "customers", "products", "growth", "reconciliation")
