"""Willow's Spoon dashboard (Streamlit). Run it with `spoon dashboard` or `make dashboard`.

All logic lives in `spoon.dashboard`; this file only starts the app shell.
"""

from pathlib import Path

from spoon.dashboard.shell import run_app

run_app(Path(__file__).resolve().parent)
