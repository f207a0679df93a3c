"""`adapter` for linting dbt models with sqlfluff's jinja templater (no dbt, no warehouse).

`adapter.dispatch('x', 'pkg')` returns the project's `snowflake__x` macro, else
`default__x`: models are linted as the production (Snowflake) SQL they compile to.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

ADAPTER_PREFIXES = ("snowflake__", "default__")


@pass_context
def dispatch(context: Context, macro_name: str, macro_namespace: str | None = None) -> Any:
    for prefix in ADAPTER_PREFIXES:
        macro = context.get(prefix + macro_name)
        if macro is not None:
            return macro
    raise KeyError(
        f"adapter.dispatch: no snowflake__{macro_name} or default__{macro_name} macro "
        f"in dbt/macros (namespace {macro_namespace!r})"
    )
