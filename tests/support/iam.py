"""A small IAM policy evaluator for the security tests, on the policies `spoon bootstrap aws`
leaves in moto.

A statement applies to a request when its Action and Resource patterns match and its
Condition holds. The evaluator refuses what it does not know (NotAction, NotResource, a
condition operator or key it was not told about), so a reshaped policy fails loudly
instead of passing."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from fnmatch import fnmatchcase
from typing import Any

#: condition operator -> whether the request's value satisfies the statement's values
OPERATORS: dict[str, Callable[[str, list[Any]], bool]] = {
    "StringLike": lambda value, patterns: any(fnmatchcase(value, p) for p in patterns),
    "Bool": lambda value, wanted: value in [str(w).lower() for w in wanted],
}


def as_list(value: Any) -> list[Any]:
    """A policy field that holds one value or a list of them, as a list."""
    return value if isinstance(value, list) else [value]


def condition_holds(
    condition: dict[str, Any], context: Mapping[str, str], known: Mapping[str, Collection[str]]
) -> bool:
    """Whether the request `context` satisfies `condition`; `known`: the operators it may
    use, each with the keys it may test (anything else is refused)."""
    for operator, tests in condition.items():
        if operator not in known:
            raise AssertionError(f"this evaluator does not know the operator {operator}")
        for key, values in tests.items():
            if key not in known[operator]:
                raise AssertionError(f"this evaluator does not know the key {key}")
            if key not in context:
                return False
            if not OPERATORS[operator](context[key], as_list(values)):
                return False
    return True


def applies(
    stmt: dict[str, Any],
    action: str,
    resource: str,
    context: Mapping[str, str],
    known: Mapping[str, Collection[str]],
) -> bool:
    """Whether the statement `stmt` covers `action` on `resource` with the request
    `context` (its condition evaluated with the `known` operators and keys)."""
    assert "NotAction" not in stmt and "NotResource" not in stmt, stmt
    if not any(fnmatchcase(action, a) for a in as_list(stmt["Action"])):
        return False
    if not any(fnmatchcase(resource, r) for r in as_list(stmt["Resource"])):
        return False
    return condition_holds(stmt.get("Condition", {}), context, known)
