"""Willow's Spoon dashboard (Streamlit). Run it with `spoon dashboard` or `make dashboard`.

All logic lives in `spoon.reporting`; this file only starts the app shell.
"""

from pathlib import Path

from spoon.reporting.ui import run_app

run_app(Path(__file__).resolve().parent)
