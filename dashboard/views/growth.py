"""Dashboard page: growth (spoon.dashboard.pages.growth)."""

from spoon.dashboard.pages import growth
from spoon.dashboard.shell import show

show(growth.render)
