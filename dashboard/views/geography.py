"""Dashboard page: geography (rendered by spoon.dashboard.ui)."""

from spoon.dashboard.ui import page

page("geography")
