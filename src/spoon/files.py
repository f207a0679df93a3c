"""Writing a file whole or not at all: the one home of the atomic write.

A reader (a loader, a dashboard, Airflow) never sees half a file: the data goes to a hidden
temporary file beside the target, is flushed to disk, then renamed over the target in one
step (`os.replace`). On any error the temporary file is removed and the target is untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_open(
    path: Path | str, mode: str = "w", *, permissions: int | None = None, newline: str | None = None
) -> Iterator[IO]:
    """Open a temporary file beside `path` for writing (`"w"` text or `"wb"` bytes); when the
    block ends without error, it replaces `path` (with `permissions` if given, e.g. 0o600
    for keys, set before any byte is written)."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes only, mode 'w' or 'wb', not {mode!r}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        if permissions is not None:
            os.fchmod(fd, permissions)
        with os.fdopen(fd, mode, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if permissions is None:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path | str, data: str | bytes, *, permissions: int | None = None) -> Path:
    """Write `data` (text as UTF-8, or bytes) to `path` whole or not at all."""
    mode = "wb" if isinstance(data, bytes) else "w"
    with atomic_open(path, mode, permissions=permissions) as fh:
        fh.write(data)
    return Path(path)
