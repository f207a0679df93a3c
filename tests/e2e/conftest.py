"""An embedded pipeline run on a small demo shop, shared by the end-to-end tests (the
helpers they compare with are in support.e2e)."""

from __future__ import annotations

import pytest
from support.e2e import TWO_SHOPS, make_workspace
from support.workspace import Workspace


@pytest.fixture(scope="session")
def eu_shop(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The same on the tax-inclusive EU demo shop (Europe/Berlin, EUR, VAT inside, export
    orders with duties, tips): 1,500 orders over 150 days."""
    ws = make_workspace(tmp_path_factory.mktemp("e2e-eu"), SPOON_DEMO_PROFILE="eu")
    ws.spoon("run")
    return ws


@pytest.fixture(scope="session")
def small_shop(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """extract -> load -> transform once on a small shop (1,500 orders over 150 days)."""
    ws = make_workspace(tmp_path_factory.mktemp("e2e"))
    ws.spoon("run")
    return ws


@pytest.fixture(scope="session")
def two_shops(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """extract -> load -> transform once with SPOON_LAKE_NAMESPACES=shop_us,shop_eu (1,500
    orders over 150 days each)."""
    ws = make_workspace(
        tmp_path_factory.mktemp("e2e-shops"), SPOON_LAKE_NAMESPACES=",".join(TWO_SHOPS)
    )
    ws.spoon("run")
    return ws
