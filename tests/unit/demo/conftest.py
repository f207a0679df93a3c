"""Small demo shops, generated once per session (support.demo_lake reads them as the
pipeline does).

Everything the tests assert is read back from the lake (Parquet) or the truth file, never
from the generator's objects, unless a test says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from support.demo_lake import (
    EU_FIRST_UNTIL,
    EU_LAST_DAY,
    EU_PARAMS,
    FIRST_UNTIL,
    LAST_DAY,
    PARAMS,
    DemoLake,
)


@pytest.fixture(scope="session")
def make_lake(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., DemoLake]:
    def make(name: str, params: dict[str, Any] | None = None) -> DemoLake:
        base = tmp_path_factory.mktemp(name)
        return DemoLake(root=base / "lake", truth_dir=base / "truth", params=dict(params or PARAMS))

    return make


@pytest.fixture(scope="session")
def full_shop(make_lake: Callable[[str], DemoLake]) -> DemoLake:
    """The small shop, synced once up to its last day."""
    lake = make_lake("full")
    lake.sync()
    return lake


@pytest.fixture(scope="session")
def two_syncs(make_lake: Callable[[str], DemoLake]) -> DemoLake:
    """The same shop synced twice: up to FIRST_UNTIL, then up to its last day."""
    lake = make_lake("two-syncs")
    lake.sync(FIRST_UNTIL)
    lake.sync(LAST_DAY)
    return lake


@pytest.fixture(scope="session")
def eu_shop(make_lake: Callable[..., DemoLake]) -> DemoLake:
    """The small tax-inclusive EU shop, synced once up to its last day."""
    lake = make_lake("eu-full", EU_PARAMS)
    lake.sync()
    return lake


@pytest.fixture(scope="session")
def eu_two_syncs(make_lake: Callable[..., DemoLake]) -> DemoLake:
    """The EU shop synced twice: up to EU_FIRST_UNTIL, then up to its last day."""
    lake = make_lake("eu-two-syncs", EU_PARAMS)
    lake.sync(EU_FIRST_UNTIL)
    lake.sync(EU_LAST_DAY)
    return lake
