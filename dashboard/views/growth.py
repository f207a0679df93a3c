"""Dashboard page: growth (rendered by spoon.reporting.ui)."""

from spoon.reporting.ui import page

page("growth")
