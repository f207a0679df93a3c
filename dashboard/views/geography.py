"""Dashboard page: geography (rendered by spoon.reporting.ui)."""

from spoon.reporting.ui import page

page("geography")
