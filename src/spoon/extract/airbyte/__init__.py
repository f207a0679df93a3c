"""Airbyte's nightly sync: the public API client (`client.py`), the production extract
(`sync.py`). The connection as code (`spoon airbyte …`) is `spoon.setup.airbyte`; the
extract without a server (PyAirbyte) is `spoon.extract.pyairbyte`.

`connection_id(settings)` is importable from here without loading the API client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spoon.settings import Settings


def connection_id(settings: Settings | None = None, namespace: str | None = None) -> str:
    """The id of the shop's Airbyte connection (default: the first shop's, named
    SPOON_AIRBYTE_CONNECTION_NAME)."""
    from spoon.extract.airbyte.sync import connection_id as lookup

    return lookup(settings, namespace)


__all__ = ["connection_id"]
