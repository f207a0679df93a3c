"""The query cache: hits, expiry and invalidation when the warehouse changes."""

from __future__ import annotations

import os
from pathlib import Path

from spoon.dashboard.cache import QueryCache, data_version
from spoon.settings import load_settings


def test_values_are_cached_per_key_until_the_version_changes() -> None:
    version = ["v1"]
    calls: list[str] = []
    cache = QueryCache(lambda: version[0], ttl=0)

    def compute(key: str) -> str:
        calls.append(key)
        return f"{key}@{version[0]}"

    assert cache.get("a", lambda: compute("a")) == "a@v1"
    assert cache.get("a", lambda: compute("a")) == "a@v1"
    assert cache.get("b", lambda: compute("b")) == "b@v1"
    assert calls == ["a", "b"]
    assert (cache.hits, cache.misses) == (1, 2)
    version[0] = "v2"
    assert cache.get("a", lambda: compute("a")) == "a@v2"
    assert calls == ["a", "b", "a"]


def test_entries_expire_after_the_ttl() -> None:
    now = [100.0]
    cache = QueryCache(lambda: "v", ttl=60, clock=lambda: now[0])
    n = [0]

    def compute() -> int:
        n[0] += 1
        return n[0]

    assert cache.get("k", compute) == 1
    now[0] += 59
    assert cache.get("k", compute) == 1
    now[0] += 2
    assert cache.get("k", compute) == 2


def test_the_cache_is_bounded() -> None:
    cache = QueryCache(lambda: "v", ttl=0, max_entries=2)
    for key in "abc":
        cache.get(key, lambda key=key: key)
    hits = cache.hits
    cache.get("c", lambda: "x")
    cache.get("b", lambda: "x")
    assert cache.hits == hits + 2
    assert cache.get("a", lambda: "recomputed") == "recomputed"  # evicted


def test_data_version_follows_the_warehouse_file_and_the_refresh_file(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    refresh = tmp_path / "refresh.json"
    s = load_settings(duckdb_path=db, dashboard_refresh_file=refresh)
    v0 = data_version(s)
    db.write_bytes(b"x")
    v1 = data_version(s)
    assert v1 != v0
    os.utime(db, ns=(10**18, 10**18))
    v2 = data_version(s)
    assert v2 != v1
    refresh.write_text('{"run_id": "r1"}')
    v3 = data_version(s)
    assert v3 != v2
    assert data_version(s) == v3
