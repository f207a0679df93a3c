"""Snowflake hardening in snowflake/: evaluated on the parsed statements, not on their text.

- the PII masking policy (10_pii_masking.sql): its body is parsed (sqlglot) and *run* by a
  small interpreter on real-shaped raw records, for the roles a session may hold: the
  environment's LOADER and TRANSFORMER read records unchanged, every other role (the pull
  requests' TRANSFORMER_CI included) reads them without any PII, ids and geography kept;
  the policy is attached to the `record` column of every raw table;
- managed access on every schema the bootstrap creates;
- the network policy (11_network_policy.sql) on every service user, from settings.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import sqlglot
from sqlglot import exp

from spoon.errors import SettingsError
from spoon.names import STREAMS, snowflake_names
from spoon.setup import sqlfiles

#: keys that identify or locate a person, at any depth of a record
PII_KEYS = {
    "email",
    "contact_email",
    "phone",
    "first_name",
    "last_name",
    "address1",
    "address2",
    "company",
    "latitude",
    "longitude",
    "browser_ip",
    "client_details",
    "note",
}
ADDRESS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "name": "Ada Lovelace",
    "address1": "12 St James's Square",
    "address2": "Flat 3",
    "phone": "+44 20 7946 0000",
    "company": "Analytical Engines",
    "city": "London",
    "province_code": "ENG",
    "country_code": "GB",
    "zip": "SW1Y 4JH",
    "latitude": 51.5,
    "longitude": -0.13,
}
ORDER: dict[str, Any] = {
    "id": 4401,
    "name": "#1001",
    "email": "ada@example.com",
    "contact_email": "ada@example.com",
    "phone": "+44 20 7946 0000",
    "note": "ring twice, ask for Ada",
    "browser_ip": "198.51.100.23",
    "client_details": {"browser_ip": "198.51.100.23", "user_agent": "Mozilla/5.0"},
    "created_at": "2025-08-01T10:00:00+01:00",
    "total_price": "42.50",
    "customer": {
        "id": 77,
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "phone": "+44 20 7946 0000",
        "default_address": ADDRESS,
        "state": "enabled",
    },
    "billing_address": ADDRESS,
    "shipping_address": ADDRESS,
    "line_items": [{"id": 1, "sku": "SPOON-1", "price": "42.50", "quantity": 1}],
}
CUSTOMER: dict[str, Any] = {
    "id": 77,
    "email": "ada@example.com",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "phone": "+44 20 7946 0000",
    "note": "VIP",
    "default_address": ADDRESS,
    "addresses": [ADDRESS],
    "state": "enabled",
    "created_at": "2025-07-01T09:00:00Z",
}


# ---- a small interpreter of the policy body --------------------------------------------------
class Unsupported(AssertionError):
    pass


def evaluate(node: exp.Expression, val: Any, roles: set[str]) -> Any:
    """The value of `node` for the column value `val` in a session holding `roles`."""

    def ev(n: exp.Expression) -> Any:
        return evaluate(n, val, roles)

    if isinstance(node, exp.Case):
        for branch in node.args["ifs"]:
            if ev(branch.this) is True:
                return ev(branch.args["true"])
        default = node.args.get("default")
        return ev(default) if default is not None else None
    if isinstance(node, exp.If):  # IFF(cond, a, b)
        return ev(node.args["true"]) if ev(node.this) is True else ev(node.args["false"])
    if isinstance(node, exp.Not):
        inner = ev(node.this)
        return None if inner is None else not inner
    if isinstance(node, exp.Column) and node.name.lower() == "val":
        return val
    if isinstance(node, exp.Literal):
        return node.this if node.is_string else float(node.this)
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Cast):
        return ev(node.this)  # ::OBJECT / ::VARIANT keep the value
    if isinstance(node, exp.JSONExtract):
        obj = ev(node.this)
        for part in node.expression.expressions:
            if isinstance(part, exp.JSONPathRoot):
                continue
            if not isinstance(part, exp.JSONPathKey):
                raise Unsupported(f"path part {part!r}")
            obj = obj.get(part.this) if isinstance(obj, dict) else None
        return obj
    if isinstance(node, exp.ObjectInsert):
        obj = ev(node.this)
        key, value = ev(node.args["key"]), ev(node.args["value"])
        if obj is None:
            return None
        out = dict(obj)
        assert key not in out, f"OBJECT_INSERT of an existing key {key} fails in Snowflake"
        if value is not None:  # a SQL NULL value inserts nothing
            out[key] = value
        return out
    if isinstance(node, exp.Anonymous):
        name = str(node.this).upper()
        args = node.expressions
        if name == "IS_ROLE_IN_SESSION":
            return ev(args[0]) in roles
        if name == "IS_OBJECT":
            inner = ev(args[0])
            return None if inner is None else isinstance(inner, dict)
        if name == "OBJECT_DELETE":
            obj = ev(args[0])
            if obj is None:
                return None
            drop = {ev(a) for a in args[1:]}
            return {k: v for k, v in obj.items() if k not in drop}
    raise Unsupported(f"this interpreter does not know {node.key}: {node.sql()[:80]}")


def _pii_paths(value: Any, path: str = "") -> list[str]:
    if isinstance(value, dict):
        found = [f"{path}.{k}" for k in value if k in PII_KEYS]
        return found + [p for k, v in value.items() for p in _pii_paths(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _pii_paths(v, f"{path}[{i}]")]
    return []


def _policy(sts: list[sqlfiles.Statement]) -> tuple[str, exp.Expression, exp.Expression]:
    create = next(s for s in sts if s.kind == "CREATE MASKING POLICY")
    alter = next(s for s in sts if s.kind == "ALTER MASKING POLICY")
    name = re.search(r"POLICY IF NOT EXISTS (\S+)", create.sql)
    assert name and f"ALTER MASKING POLICY {name.group(1)} SET BODY" in alter.sql
    signature = re.search(
        r"AS \(val VARIANT\) RETURNS VARIANT ->(.*?)\n\s*COMMENT", create.sql, re.S
    )
    assert signature, create.sql
    created = sqlglot.parse_one(signature.group(1), read="snowflake")
    altered = sqlglot.parse_one(alter.sql.split("->", 1)[1].strip().rstrip(";"), read="snowflake")
    return name.group(1), created, altered


@pytest.mark.parametrize("env", ["prod", "dev"])
def test_the_masking_policy_scrubs_pii_for_every_other_role(make_settings, env: str) -> None:
    settings = make_settings(env=env)
    names = snowflake_names(settings)
    _, created, altered = _policy(sqlfiles.statements(settings))
    assert created == altered, "CREATE and ALTER ... SET BODY must set the same body"
    trusted = ({names.loader_role}, {names.transformer_role}, {"SYSADMIN", names.transformer_role})
    others = ({"TRANSFORMER_CI"}, {names.reporter_role}, {"SYSADMIN"}, {"PUBLIC"}, set())
    for record in (ORDER, CUSTOMER):
        assert _pii_paths(record), "the sample must hold PII"
        for roles in trusted:
            assert evaluate(created, copy.deepcopy(record), roles) == record, roles
        for roles in others:
            masked = evaluate(created, copy.deepcopy(record), roles)
            assert _pii_paths(masked) == [], (roles, _pii_paths(masked))
            assert masked["id"] == record["id"] and masked["created_at"] == record["created_at"]
    order = evaluate(created, copy.deepcopy(ORDER), {"TRANSFORMER_CI"})
    # what the models need stays: order name, amounts, items, the customer's id, geography
    assert order["name"] == "#1001" and order["total_price"] == "42.50"
    assert order["line_items"] == ORDER["line_items"] and order["customer"]["id"] == 77
    for field in ("billing_address", "shipping_address"):
        assert {order[field][k] for k in ("city", "province_code", "country_code")} == {
            "London",
            "ENG",
            "GB",
        }
    assert evaluate(created, None, {"TRANSFORMER_CI"}) is None
    assert evaluate(created, [1, 2], {"TRANSFORMER_CI"}) == [1, 2]  # not a record


def test_the_interpreter_sees_a_policy_that_leaks() -> None:
    leaky = sqlglot.parse_one(
        "CASE WHEN IS_ROLE_IN_SESSION('LOADER') THEN val "
        "ELSE OBJECT_DELETE(val::OBJECT, 'email')::VARIANT END",
        read="snowflake",
    )
    assert _pii_paths(evaluate(leaky, copy.deepcopy(ORDER), {"TRANSFORMER_CI"}))
    with pytest.raises(Unsupported):
        evaluate(sqlglot.parse_one("UPPER(val)", read="snowflake"), "x", set())


def test_every_raw_table_carries_the_policy(make_settings) -> None:
    settings = make_settings()
    names = snowflake_names(settings)
    sts = sqlfiles.statements(settings)
    policy, _, _ = _policy(sts)
    attached = set()
    for st in sts:
        if st.kind != "ALTER TABLE":
            continue
        m = re.fullmatch(
            r"ALTER TABLE (\S+)\s+MODIFY COLUMN record SET MASKING POLICY (\S+) FORCE;",
            sqlfiles._strip_comments(st.sql).strip(),
        )
        assert m, st.sql
        assert m.group(2) == policy
        attached.add(m.group(1))
    assert attached == {names.table(s) for s in STREAMS}


def test_every_schema_is_managed_access(make_settings) -> None:
    sts = sqlfiles.statements(make_settings(env="dev"))
    created = {
        re.search(r"CREATE SCHEMA IF NOT EXISTS (\S+?);?\s", s.sql + " ").group(1)  # type: ignore[union-attr]
        for s in sts
        if s.kind == "CREATE SCHEMA"
    }
    managed = {
        re.fullmatch(r"ALTER SCHEMA (\S+) ENABLE MANAGED ACCESS;", s.sql.strip()).group(1)  # type: ignore[union-attr]
        for s in sts
        if s.kind == "ALTER SCHEMA"
    }
    names = snowflake_names(make_settings(env="dev"))
    assert f"{names.raw_db}.RAW" in created and f"{names.analytics_db}.MARTS" in created
    assert managed == created
    order = [s.kind for s in sts if s.kind in ("CREATE SCHEMA", "ALTER SCHEMA")]
    assert order == ["CREATE SCHEMA", "ALTER SCHEMA"] * len(created)


def test_network_policy_on_every_service_user(make_settings) -> None:
    settings = make_settings(env="dev", snowflake_allowed_ips="203.0.113.7, 198.51.100.0/24")
    names = snowflake_names(settings)
    sts = sqlfiles.statements(settings)
    policy = "SPOON_SERVICES_DEV"
    create = [s.sql for s in sts if s.kind == "CREATE NETWORK POLICY"]
    alter = [s.sql for s in sts if s.kind == "ALTER NETWORK POLICY"]
    ips = "('203.0.113.7/32', '198.51.100.0/24')"
    assert len(create) == 1 and f"IF NOT EXISTS {policy}\n" in create[0]
    assert f"ALLOWED_IP_LIST = {ips}" in create[0]
    assert alter == [f"ALTER NETWORK POLICY {policy} SET ALLOWED_IP_LIST = {ips};"]
    users = {
        re.fullmatch(rf"ALTER USER (\S+) SET NETWORK_POLICY = {policy};", s.sql).group(1)  # type: ignore[union-attr]
        for s in sts
        if s.kind == "ALTER USER" and "NETWORK_POLICY" in s.sql
    }
    assert users == set(names.users)
    role = None
    for st in sts:
        role = st.role or role
        if "NETWORK" in st.kind or "NETWORK_POLICY" in st.sql:
            assert role == "SECURITYADMIN", st.sql


def test_network_policy_needs_valid_addresses(make_settings) -> None:
    none = sqlfiles.statements(make_settings())
    assert not any("NETWORK" in s.kind for s in none)
    with pytest.raises(SettingsError, match="SPOON_SNOWFLAKE_ALLOWED_IPS: 'my-vm'"):
        sqlfiles.statements(make_settings(snowflake_allowed_ips="203.0.113.7,my-vm"))
