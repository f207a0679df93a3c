"""The fault suite's shared run: a clean run of a small demo shop, built once per session,
that every case copies and compares against (the helpers are in support.reliability).

dbt builds cost ~30-45 s each here: the baseline is built once and every case copies it.
"""

from __future__ import annotations

import pytest
from support.reliability import (
    Baseline,
    lake_listing,
    make_workspace,
    marts_fingerprint,
    raw_fingerprint,
)


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Baseline:
    """`spoon run` once on the small shop: the clean run every case compares against."""
    ws = make_workspace(tmp_path_factory.mktemp("reliability-baseline"))
    ws.spoon("run")
    marts = marts_fingerprint(ws)
    assert marts["fct_sales"].rows > 500 and marts["fct_orders"].rows > 250, marts
    kinds = dict(ws.query("select event_type, count(*) from marts.fct_sales group by 1"))
    for kind in ("sale", "return", "shipping_refund", "cancellation"):
        assert kinds.get(kind, 0) > 0, f"the small shop has no {kind} events: {kinds}"
    return Baseline(ws, marts, raw_fingerprint(ws), lake_listing(ws))
