"""The one-sided diff behind `spoon airbyte plan`."""

from __future__ import annotations

from spoon.setup.airbyte.diff import MASK, diff


def test_server_defaults_are_not_changes() -> None:
    assert diff({"a": 1}, {"a": 1, "server_default": 30}) == []


def test_changed_and_absent_values() -> None:
    changes = diff({"a": 1, "b": {"c": "x"}, "new": True}, {"a": 2, "b": {"c": "y"}})
    assert [(c.path, c.old, c.new, c.absent) for c in changes] == [
        ("a", 2, 1, False),
        ("b.c", "y", "x", False),
        ("new", None, True, True),
    ]


def test_masked_secrets_compare_equal_unless_rotating() -> None:
    want = {"credentials": {"api_password": "shpat_new"}}
    have = {"credentials": {"api_password": MASK}}
    assert diff(want, have) == []
    (change,) = diff(want, have, rotate_secrets=True)
    assert change.masked and change.path == "credentials.api_password"


def test_named_lists_compare_by_name_and_see_extra_items() -> None:
    want = [{"name": "orders", "syncMode": "incremental_append"}, {"name": "shop", "syncMode": "x"}]
    have = [
        {"name": "shop", "syncMode": "x", "primaryKey": [["id"]]},
        {"name": "orders", "syncMode": "full_refresh_append", "cursorField": ["updated_at"]},
        {"name": "disputes", "syncMode": "incremental_append"},
    ]
    changes = diff({"streams": want}, {"streams": have})
    assert [(c.path, c.removed) for c in changes] == [
        ("streams[orders].syncMode", False),
        ("streams[disputes]", True),
    ]


def test_numbers_compare_by_value() -> None:
    assert diff({"n": 30}, {"n": 30.0}) == []
    assert diff({"flag": True}, {"flag": 1}) != []
