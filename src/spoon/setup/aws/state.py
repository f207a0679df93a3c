"""A change of `spoon bootstrap aws`, and how current and desired documents are compared."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class _Unknown:
    """Current state could not be read (no credentials in plan mode)."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN: Any = _Unknown()


@dataclass
class Change:
    resource: str
    action: str  # create | update | none
    detail: str
    run: Callable[[], None] | None = None

    @property
    def changes(self) -> bool:
        return self.action != "none"

    def line(self) -> str:
        mark = {"create": "+", "update": "~", "none": "="}[self.action]
        return f"{mark} {self.resource}: {self.detail}"


def _norm(value: Any) -> Any:
    """Order-insensitive form of a policy-like document (lists sorted, 1-lists unwrapped)."""
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_norm(v) for v in value]
        if len(items) == 1:
            return items[0]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, bool):
        return str(value).lower()
    return value


def same(a: Any, b: Any) -> bool:
    return _norm(a) == _norm(b)


def norm_filter_rules(conf: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(conf))
    for rule in out.get("Filter", {}).get("Key", {}).get("FilterRules", []):
        rule["Name"] = str(rule["Name"]).lower()  # S3 answers "Prefix" to a "prefix"
    return out


def lifecycle_core(rule: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "ID",
        "Status",
        "Filter",
        "Expiration",
        "NoncurrentVersionExpiration",
        "AbortIncompleteMultipartUpload",
    )
    core = {k: rule.get(k) for k in keys}
    flt = core.get("Filter") or {}
    if "Prefix" in rule and not flt:  # legacy top-level prefix
        core["Filter"] = {"Prefix": rule["Prefix"]}
    return core
