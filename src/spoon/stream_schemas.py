"""The streams' Parquet schemas, from source-shopify's own JSON schemas (its catalog).

Airbyte's S3 destination types each Parquet file from the stream's JSON schema in the
connection's catalog, never from the records it happens to hold; `Lake.write_records`
does the same, so a batch writes the same columns whatever its first record looks like:

- every declared field is a column (null where a record lacks it), so a reduced
  deleted-record shape (`{id, deleted_at, deleted_message, …}`) first in a batch leaves
  every other record whole;
- an object with declared properties is a struct of them; an object without properties
  (`{"type": "object"}`, e.g. `fulfillments[].receipt`) and a union of different types
  (`transactions.receipt`: an object or a string) are JSON text (`json.dumps` of the
  value), as Airbyte writes schemaless values; a union whose options are all one type
  (`customers.accepts_marketing_updated_at`) is that type;
- a value that does not fit its declared type is converted when nothing is lost (a number
  in a string field becomes its text, `"12.50"` in a number field 12.5, `3.0` in an
  integer field 3), else written as null and reported in the row's
  `_airbyte_meta.changes` (`NULLED`, `DESTINATION_SERIALIZATION_ERROR`), as Airbyte does;
- fields the schema does not declare are kept, typed from the values of the whole batch
  (an array without `items`, e.g. `shipping_lines[].tax_lines`, too); where no Parquet
  type fits them (`{}`, mixed types) they are JSON text.

The schemas ship with the package (`schemas/source_shopify/`, pruned of descriptions) for
the source-shopify version the connection pins; `spoon schemas DIR`
refreshes them from an unpacked connector (`make shopify-schemas` fetches one to .cache/).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

#: source-shopify's version the shipped schemas come from (the Makefile's
#: SHOPIFY_SCHEMAS_VERSION, airbyte/pyairbyte-requirements.lock)
SOURCE_SHOPIFY_VERSION = "4.3.0"
SCHEMA_DIR = Path(__file__).with_name("schemas") / "source_shopify"
#: JSON-schema keywords kept in the shipped copies (the rest documents, never types)
_KEEP = {"type", "properties", "items", "anyOf", "oneOf", "allOf", "format", "airbyte_type"}


def prune(schema: Any) -> Any:
    """A JSON schema with only what typing needs (no descriptions, examples, …)."""
    if isinstance(schema, dict):
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: prune(sub) for name, sub in value.items()}
            elif key in _KEEP:
                out[key] = prune(value)
        return out
    if isinstance(schema, list):
        return [prune(v) for v in schema]
    return schema


@cache
def stream_schema(stream: str) -> dict[str, Any] | None:
    """The stream's JSON schema as shipped, or None for a stream the connector lacks."""
    path = SCHEMA_DIR / f"{stream}.json"
    if not path.is_file():
        return None
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


# ---- the type tree ---------------------------------------------------------------------------
@dataclass
class Node:
    """A column's type: json (JSON text), string, int, float, bool, null, struct, list, or
    any (the schema says nothing: `complete` types it from the values)."""

    kind: str
    fields: dict[str, Node] = field(default_factory=dict)  # struct
    item: Node | None = None  # list

    def arrow(self) -> pa.DataType:
        if self.kind == "struct":
            return pa.struct([pa.field(n, f.arrow()) for n, f in self.fields.items()])
        if self.kind == "list":
            assert self.item is not None
            return pa.list_(self.item.arrow())
        return _SIMPLE[self.kind]

    def has_json(self) -> bool:
        if self.kind == "json":
            return True
        if self.kind == "struct":
            return any(f.has_json() for f in self.fields.values())
        return self.kind == "list" and self.item is not None and self.item.has_json()

    def has_int(self) -> bool:
        if self.kind == "int":
            return True
        if self.kind == "struct":
            return any(f.has_int() for f in self.fields.values())
        return self.kind == "list" and self.item is not None and self.item.has_int()


_SIMPLE: dict[str, pa.DataType] = {
    "json": pa.string(),
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "null": pa.null(),
}
_JSON_TYPES = {"string": "string", "integer": "int", "number": "float", "boolean": "bool"}


def declared(schema: Any) -> Node:
    """The Node a JSON schema declares (`any` where it declares nothing)."""
    if not isinstance(schema, dict):
        return Node("any")
    options = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(options, list):
        nodes = [declared(o) for o in options]
        if any(n.kind == "any" for n in nodes):
            return Node("json")
        kinds = [n for n in nodes if n.kind != "null"]
        if kinds and all(_same(kinds[0], n) for n in kinds[1:]):
            return kinds[0]
        return Node("json")  # a union of different types
    raw = schema.get("type")
    if raw is None:
        return Node("any")
    types = [t for t in ([raw] if isinstance(raw, str) else raw) if t != "null"]
    if not types:
        return Node("null")
    if len(types) > 1:
        if set(types) == {"integer", "number"}:
            return Node("float")
        return Node("json")
    (typ,) = types
    if typ == "object":
        props = schema.get("properties")
        if not isinstance(props, dict) or not props:
            return Node("json")  # schemaless object: JSON text, as Airbyte writes it
        return Node("struct", {name: declared(sub) for name, sub in props.items()})
    if typ == "array":
        items = schema.get("items")
        return Node("list", item=declared(items) if isinstance(items, dict) else Node("any"))
    return Node(_JSON_TYPES.get(typ, "json"))


def _same(a: Node, b: Node) -> bool:
    if a.kind != b.kind:
        return False
    if a.kind == "struct":
        return a.fields.keys() == b.fields.keys() and all(
            _same(f, b.fields[n]) for n, f in a.fields.items()
        )
    if a.kind == "list":
        assert a.item is not None and b.item is not None
        return _same(a.item, b.item)
    return True


def infer(values: list[Any]) -> Node:
    """The Node of undeclared values, from all of them (not the first)."""
    kinds = {_kind(v) for v in values if v is not None}
    if not kinds:
        return Node("null")
    if kinds == {"int", "float"}:
        return Node("float")
    if len(kinds) > 1:
        return Node("json")
    (kind,) = kinds
    if kind == "struct":
        keys: dict[str, list[Any]] = {}
        for v in values:
            if v is not None:
                for k, sub in v.items():
                    keys.setdefault(k, []).append(sub)
        if not keys:
            return Node("json")  # only `{}`: no Parquet struct can hold it
        return Node("struct", {k: infer(subs) for k, subs in keys.items()})
    if kind == "list":
        return Node("list", item=infer([e for v in values if v is not None for e in v]))
    return Node(kind)


#: A JSON value's kind by its Python type (bool before int: a bool is an int).
_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "bool"),
    (int, "int"),
    (float, "float"),
    (str, "string"),
    (dict, "struct"),
    (list, "list"),
)


def _kind(value: Any) -> str:
    for typ, kind in _KINDS:
        if isinstance(value, typ):
            return kind
    return "json"


def from_arrow(typ: pa.DataType) -> Node:
    """The Node of a type Arrow inferred from JSON-like values."""
    if pa.types.is_null(typ):
        return Node("null")
    if pa.types.is_boolean(typ):
        return Node("bool")
    if pa.types.is_integer(typ):
        return Node("int")
    if pa.types.is_floating(typ):
        return Node("float")
    if pa.types.is_string(typ) or pa.types.is_large_string(typ):
        return Node("string")
    if pa.types.is_struct(typ):
        if typ.num_fields == 0:
            return Node("json")
        return Node("struct", {f.name: from_arrow(f.type) for f in typ})
    if pa.types.is_list(typ) or pa.types.is_large_list(typ):
        return Node("list", item=from_arrow(typ.value_type))
    return Node("json")


def merge(node: Node, seen: Node | None) -> Node:
    """The declared Node completed by what the values hold (`seen`, their inferred Node):
    `any` takes the values' type, structs gain the undeclared fields the values have."""
    if node.kind == "any":
        return seen or Node("null")
    if node.kind == "struct":
        others = seen.fields if seen is not None and seen.kind == "struct" else {}
        fields = {name: merge(f, others.get(name)) for name, f in node.fields.items()}
        for name, sub in others.items():
            if name not in fields:
                fields[name] = sub
        return Node("struct", fields)
    if node.kind == "list":
        assert node.item is not None
        item = seen.item if seen is not None and seen.kind == "list" else None
        return Node("list", item=merge(node.item, item))
    return node


def complete(node: Node, values: list[Any]) -> Node:
    """The declared Node with what the values hold beyond it (undeclared struct fields,
    undeclared array items), from all the values: Arrow infers them when it can, else
    Python does."""
    if node.kind not in ("any", "struct", "list"):
        return node
    try:
        seen = from_arrow(pa.array(values).type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return _complete(node, values)
    return merge(node, seen)


def _complete(node: Node, values: list[Any]) -> Node:
    if node.kind == "any":
        return infer(values)
    if node.kind == "struct":
        subs: dict[str, list[Any]] = {}
        for v in values:
            if isinstance(v, dict):
                for k, sub in v.items():
                    subs.setdefault(k, []).append(sub)
        fields = {name: _complete(f, subs.get(name, [])) for name, f in node.fields.items()}
        for name, seen in subs.items():
            if name not in fields:
                fields[name] = infer(seen)
        return Node("struct", fields)
    if node.kind == "list":
        items = [e for v in values if isinstance(v, list) for e in v]
        assert node.item is not None
        return Node("list", item=_complete(node.item, items))
    return node


# ---- values ------------------------------------------------------------------------------------
class _Nulled(Exception):
    """The value does not fit its type: written as null, reported in _airbyte_meta."""


def coerce(value: Any, node: Node, path: str, changes: list[dict[str, str]]) -> Any:
    """The value in the shape `node.arrow()` takes; a misfit becomes null with a change."""
    try:
        return _coerce(value, node, path, changes)
    except _Nulled:
        changes.append(
            {"field": path, "change": "NULLED", "reason": "DESTINATION_SERIALIZATION_ERROR"}
        )
        return None


def _coerce(value: Any, node: Node, path: str, changes: list[dict[str, str]]) -> Any:
    if value is None:
        return None
    kind = node.kind
    if kind == "json":  # a string is text already (GraphQL's `receiptJson`, `"[]"`)
        if isinstance(value, str):
            return value
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if kind == "string":
        if isinstance(value, str):
            return value
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if kind == "int":
        if isinstance(value, bool):
            raise _Nulled
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise _Nulled from None
        if isinstance(value, int) and -(2**63) <= value < 2**63:
            return value
        raise _Nulled
    if kind == "float":
        if isinstance(value, bool):
            raise _Nulled
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                raise _Nulled from None
            if not math.isfinite(number):
                raise _Nulled
            return number
        raise _Nulled
    if kind == "bool":
        if isinstance(value, bool):
            return value
        raise _Nulled
    if kind == "null":
        raise _Nulled
    if kind == "struct":
        if not isinstance(value, dict):
            raise _Nulled
        return {
            name: coerce(value.get(name), sub, f"{path}.{name}", changes)
            for name, sub in node.fields.items()
        }
    if kind == "list":
        if not isinstance(value, list):
            raise _Nulled
        assert node.item is not None
        return [coerce(v, node.item, f"{path}[{i}]", changes) for i, v in enumerate(value)]
    raise AssertionError(kind)


def _fraction(value: Any, node: Node) -> bool:
    """Whether an integer field of the value holds a number with a fraction: Arrow's fast
    path would truncate it (9.7 -> 9) where `coerce` nulls and reports it."""
    if value is None:
        return False
    if node.kind == "int":
        return isinstance(value, float) and not value.is_integer()
    if node.kind == "struct":
        return isinstance(value, dict) and any(
            _fraction(value.get(name), sub) for name, sub in node.fields.items()
        )
    if node.kind == "list":
        assert node.item is not None
        return isinstance(value, list) and any(_fraction(v, node.item) for v in value)
    return False


def column(name: str, node: Node, values: list[Any]) -> tuple[pa.Array, list[list[dict[str, str]]]]:
    """One column as Arrow, with each row's changes. Arrow converts values that already fit
    (fast); a column holding JSON text or misfits is converted value by value, as is one
    with a fraction in an integer field (Arrow would truncate it without a word)."""
    typ = node.arrow()
    fast = not node.has_json() and not (node.has_int() and any(_fraction(v, node) for v in values))
    if fast:
        try:
            return pa.array(values, type=typ), [[] for _ in values]
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass
    changes: list[list[dict[str, str]]] = []
    out = []
    for v in values:
        row: list[dict[str, str]] = []
        out.append(coerce(v, node, name, row))
        changes.append(row)
    return pa.array(out, type=typ), changes


def copy_schemas(source: Path) -> None:
    """`spoon schemas DIR`: copy our streams' schemas, pruned, from DIR (an unpacked
    source-shopify's `source_shopify/schemas`)."""
    from spoon.load.lake import STREAMS

    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for stream in STREAMS:
        schema = prune(json.loads((source / f"{stream}.json").read_text()))
        (SCHEMA_DIR / f"{stream}.json").write_text(json.dumps(schema, indent=1) + "\n")
