"""`flags` for linting dbt models with sqlfluff: a normal introspecting run."""

from __future__ import annotations

INTROSPECT = True
FULL_REFRESH = False
WHICH = "build"
