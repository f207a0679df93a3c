"""Errors a user can act on. The CLI prints `str(error)` on one line and exits non-zero."""

from __future__ import annotations


class SpoonError(Exception):
    """Base class: the message says what is wrong and how to fix it, on one line."""

    exit_code = 1


class SettingsError(SpoonError):
    """A setting is missing or has a wrong value."""

    exit_code = 2


class LakeError(SpoonError):
    """The lake cannot be read or written."""


class LoadError(SpoonError):
    """Some files could not be loaded (they were quarantined)."""


class TransformError(SpoonError):
    """dbt failed."""


class EnvironmentFailure(SpoonError):
    """The machine or the warehouse failed (out of memory, disk full, I/O error, lost
    connection), not the input: nothing was quarantined, and running again after fixing it
    picks up where this run stopped. Exit code 75 (EX_TEMPFAIL: try again later)."""

    exit_code = 75


def first_line(err: BaseException | str, limit: int | None = None) -> str:
    """The first non-empty line of an error's text (or its type's name when it has none),
    cut to `limit` characters: what a one-line message shows of a library's long error."""
    text = err if isinstance(err, str) else str(err)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines:
        line = lines[0]
    elif isinstance(err, BaseException):
        line = type(err).__name__
    else:
        line = ""
    return line if limit is None else line[:limit]
