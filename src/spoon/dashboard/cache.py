"""Caching of query results, dropped whenever the warehouse's data changes.

The data version is cheap to read on every page view: the DuckDB file's size and
modification time, plus the refresh file the nightly DAG rewrites after each run. A time
limit covers warehouses whose changes cannot be seen from here (Snowflake without the DAG).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from spoon.settings import Settings

T = TypeVar("T")


def _stat(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}"


def data_version(settings: Settings) -> str:
    """Changes whenever the data the dashboard reads may have changed."""
    parts = [settings.warehouse]
    if settings.warehouse == "duckdb":
        db = Path(settings.duckdb_path)
        parts += [_stat(db), _stat(db.with_name(db.name + ".wal"))]
    try:
        parts.append(hashlib.sha256(Path(settings.dashboard_refresh_file).read_bytes()).hexdigest())
    except OSError:
        parts.append("-")
    return "|".join(parts)


class QueryCache:
    """A bounded, thread-safe cache of results for one data version, each kept `ttl` seconds."""

    def __init__(
        self,
        version: Callable[[], str],
        *,
        ttl: float = 600.0,
        max_entries: int = 256,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._version_fn = version
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._version: str | None = None
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.RLock()
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for `key`, computing (and keeping) it when missing or stale."""
        version = self._version_fn()
        now = self._clock()
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version
            hit = self._entries.get(key)
            if hit is not None and (self.ttl <= 0 or now - hit[0] < self.ttl):
                self._entries.move_to_end(key)
                self.hits += 1
                return hit[1]  # type: ignore[no-any-return]
        value = compute()  # outside the lock: slow queries do not block other keys
        with self._lock:
            self.misses += 1
            if version == self._version:
                self._entries[key] = (now, value)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return value
