"""Compare what we want with what a server has, the way `plan` shows it.

The comparison is one-sided: a key the server has but the definition does not set is the
server's default and not a change. Lists of objects with a `name` (a connection's streams)
are compared by name, and a stream the server has but the definition lacks is a change.
Values the server masks (secrets) cannot be compared and count as equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MASK = "**********"
_MISSING = object()


@dataclass(frozen=True)
class Change:
    path: str
    old: Any  # `_MISSING`-free: None when absent
    new: Any
    absent: bool = False  # the server lacks the key
    removed: bool = False  # the server has it, the definition does not (named lists)
    masked: bool = False  # the server masks the old value


def is_masked(value: Any) -> bool:
    return isinstance(value, str) and value != "" and set(value) == {"*"}


def diff(want: Any, have: Any, path: str = "", *, rotate_secrets: bool = False) -> list[Change]:
    """Changes that turn `have` into `want` (only where `want` says something)."""
    if isinstance(want, dict) and isinstance(have, dict):
        out: list[Change] = []
        for key, value in want.items():
            sub = f"{path}.{key}" if path else str(key)
            if key not in have:
                out.append(Change(sub, None, value, absent=True))
            else:
                out.extend(diff(value, have[key], sub, rotate_secrets=rotate_secrets))
        return out
    if _named_list(want) and _named_list(have):
        out = []
        have_by_name = {item["name"]: item for item in have}
        for item in want:
            sub = f"{path}[{item['name']}]"
            if item["name"] not in have_by_name:
                out.append(Change(sub, None, item, absent=True))
            else:
                out.extend(
                    diff(item, have_by_name[item["name"]], sub, rotate_secrets=rotate_secrets)
                )
        wanted = {item["name"] for item in want}
        out.extend(
            Change(f"{path}[{name}]", item, None, removed=True)
            for name, item in have_by_name.items()
            if name not in wanted
        )
        return out
    if is_masked(have) and not is_masked(want):
        return [Change(path, have, want, masked=True)] if rotate_secrets else []
    if isinstance(want, bool) or isinstance(have, bool):
        same = type(want) is type(have) and want == have
    else:
        same = want == have or (_number(want) and _number(have) and float(want) == float(have))
    if same:
        return []
    return [Change(path, have, want)]


def _named_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and isinstance(v.get("name"), str) for v in value)
    )


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
