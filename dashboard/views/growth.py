"""Dashboard page: growth (rendered by spoon.dashboard.ui)."""

from spoon.dashboard.ui import page

page("growth")
