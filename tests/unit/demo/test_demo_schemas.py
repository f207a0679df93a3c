"""Every generated record follows source-shopify's stream schemas; every file contract 1.

The schemas come from the `airbyte-source-shopify` wheel, unpacked by `make shopify-schemas`
(the Makefile; `make test` depends on it). Without them these tests fail: they never skip.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7
from support.demo_lake import NAMESPACE, schemas_dir
from support.paths import REPO

from spoon.load.lake import FILE_RE, STREAMS, Lake
from spoon.stream_schemas import declared

if TYPE_CHECKING:
    from referencing._core import Resolver


# ---- loading the schemas ------------------------------------------------------------------
def _retrieve(directory: Path) -> Callable[[str], Resource]:
    """Resolve `$ref`s to other schema files, as the Airbyte CDK does: next to the stream's
    schema, else in the `shared/` folder."""

    def retrieve(uri: str) -> Resource:
        if "://" in uri or uri.startswith("/"):
            raise NoSuchResource(ref=uri)
        for candidate in (directory / uri, directory / "shared" / uri):
            if candidate.is_file():
                return Resource.from_contents(
                    json.loads(candidate.read_text()), default_specification=DRAFT7
                )
        raise NoSuchResource(ref=uri)

    return retrieve


@cache
def load_validators(directory: Path) -> dict[str, Draft7Validator]:
    """One validator per stream (date-time formats checked too)."""
    return {stream: v for stream, (v, _) in load_schemas(directory).items()}


@cache
def load_schemas(directory: Path) -> dict[str, tuple[Draft7Validator, Resolver]]:
    """Per stream: its validator and a `$ref` resolver rooted at its schema."""
    missing = [s for s in STREAMS if not (directory / f"{s}.json").is_file()]
    if missing:
        pytest.fail(
            f"source-shopify's stream schemas ({', '.join(missing)}) are missing from "
            f"{directory}: run `make shopify-schemas` (or `make test`, which depends on it)",
            pytrace=False,
        )
    registry: Registry = Registry(retrieve=_retrieve(directory))  # type: ignore[call-arg]
    out = {}
    for stream in STREAMS:
        schema = json.loads((directory / f"{stream}.json").read_text())
        Draft7Validator.check_schema(schema)
        validator = Draft7Validator(
            schema, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER
        )
        root = Resource.from_contents(schema, default_specification=DRAFT7)
        out[stream] = (validator, registry.resolver_with_root(root))
    return out


def _resolved(resolver: Resolver, schema: dict[str, Any]) -> tuple[Resolver, dict[str, Any]]:
    """A sub-schema with its `$ref`s followed, and the resolver for refs inside it."""
    while "$ref" in schema:
        found = resolver.lookup(schema["$ref"])
        resolver, schema = found.resolver, found.contents
    return resolver, schema


# ---- the schema loader itself ---------------------------------------------------------------
def test_missing_schemas_fail_and_say_how_to_fetch_them(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match=r"run `make shopify-schemas`"):
        load_validators(tmp_path / "no-such-dir")


def test_refs_to_shared_definitions_are_resolved(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    money = {
        "type": ["null", "object"],
        "properties": {"shop_money": {"$ref": "amount.json"}},
    }
    amount = {"type": "object", "properties": {"amount": {"type": ["null", "number"]}}}
    (tmp_path / "shared" / "price_set.json").write_text(json.dumps(money))
    (tmp_path / "shared" / "amount.json").write_text(json.dumps(amount))
    for stream in STREAMS:
        schema = {"type": "object", "properties": {"price_set": {"$ref": "price_set.json"}}}
        (tmp_path / f"{stream}.json").write_text(json.dumps(schema))
    validator, resolver = load_schemas(tmp_path)["orders"]
    assert validator.is_valid({"price_set": {"shop_money": {"amount": 1.5}}})
    assert not validator.is_valid({"price_set": {"shop_money": {"amount": "1.50"}}})
    # the Parquet type check follows the same refs
    problems: list[str] = []
    column = pa.struct([("shop_money", pa.struct([("amount", pa.string())]))])
    _check_type(resolver, column, validator.schema["properties"]["price_set"], "p", problems)
    assert problems == ["p.shop_money.amount: string in Parquet, schema says ['null', 'number']"]


def test_make_test_fetches_the_schemas_first() -> None:
    import subprocess

    out = subprocess.run(
        ["make", "-pn", "test"], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    rules = [ln for ln in out.stdout.splitlines() if ln.startswith("test:")]
    assert rules and "shopify-schemas" in rules[0].split(), rules


# ---- the records ------------------------------------------------------------------------------
@pytest.fixture(params=["full_shop", "two_syncs", "eu_two_syncs"])
def lake(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("which", ["two_syncs", "eu_two_syncs"])
@pytest.mark.parametrize("stream", STREAMS)
def test_every_record_validates_against_source_shopify_schema(
    which: str, stream: str, request: pytest.FixtureRequest
) -> None:
    """Both syncs' records: new ones and new versions of changed ones (refunded, cancelled…),
    of the US shop and of the tax-inclusive EU shop (duties, tips, export orders).
    (The single-sync shop holds the same latest versions, see test_demo_syncs.)"""
    lake = request.getfixturevalue(which)
    validator = load_validators(schemas_dir())[stream]
    records = lake.records(stream)
    assert records, f"no {stream} records"
    # the writer writes a union (`transactions.receipt`) as JSON text, and as null where the
    # record had none: absent, for the schema (whose `oneOf` a null matches twice)
    text = {k for k, sub in validator.schema["properties"].items() if declared(sub).kind == "json"}
    problems = []
    for record in records:
        record = {k: v for k, v in record.items() if v is not None or k not in text}
        for err in validator.iter_errors(record):
            where = "/".join(str(p) for p in err.absolute_path)
            problems.append(f"{stream} id={record.get('id')} at {where}: {err.message[:160]}")
    assert not problems, f"{len(problems)} schema violations, e.g.:\n" + "\n".join(problems[:8])


@pytest.mark.parametrize("stream", STREAMS)
def test_every_column_is_a_schema_field_of_the_right_type(lake: Any, stream: str) -> None:
    """The Parquet types themselves agree with the schema's types, nested ones included."""
    validator, resolver = load_schemas(schemas_dir())[stream]
    props = validator.schema["properties"]
    problems: list[str] = []
    for path in lake.files(stream):
        schema = pq.read_schema(path)
        for f in schema:
            if f.name.startswith("_airbyte_"):
                continue
            if f.name not in props:
                problems.append(f"{path.name}: column {f.name} is not a field of {stream}")
                continue
            _check_type(resolver, f.type, props[f.name], f"{stream}.{f.name}", problems)
    assert not problems, "\n".join(problems[:12])


def _json_types(schema: dict[str, Any]) -> set[str] | None:
    typ = schema.get("type")
    if typ is None:
        return None
    return {typ} if isinstance(typ, str) else set(typ)


def _check_type(
    resolver: Resolver,
    typ: pa.DataType,
    schema: dict[str, Any],
    where: str,
    problems: list[str],
) -> None:
    resolver, schema = _resolved(resolver, schema)
    allowed = _json_types(schema)
    if declared(schema).kind == "json":  # schemaless object or union: JSON text
        if not (pa.types.is_string(typ) or pa.types.is_null(typ)):
            problems.append(f"{where}: {typ} in Parquet, JSON text (string) expected")
        return
    if pa.types.is_null(typ):  # every value null in this file
        if allowed is not None and "null" not in allowed:
            problems.append(f"{where}: null, schema says {sorted(allowed)}")
        return
    if pa.types.is_boolean(typ):
        want = {"boolean"}
    elif pa.types.is_integer(typ):
        want = {"integer", "number"}
    elif pa.types.is_floating(typ):
        want = {"number"}
    elif pa.types.is_string(typ) or pa.types.is_large_string(typ):
        want = {"string"}
    elif pa.types.is_struct(typ):
        want = {"object"}
    elif pa.types.is_list(typ) or pa.types.is_large_list(typ):
        want = {"array"}
    else:
        problems.append(f"{where}: unexpected Parquet type {typ}")
        return
    if allowed is not None and not want & allowed:
        problems.append(f"{where}: {typ} in Parquet, schema says {sorted(allowed)}")
        return
    if pa.types.is_struct(typ):
        props = schema.get("properties") or {}
        for sub in typ:
            if sub.name in props:
                _check_type(resolver, sub.type, props[sub.name], f"{where}.{sub.name}", problems)
    elif pa.types.is_list(typ) or pa.types.is_large_list(typ):
        items = schema.get("items")
        if isinstance(items, dict):
            _check_type(resolver, typ.value_type, items, f"{where}[]", problems)


# ---- contract 1: layout and Airbyte columns ---------------------------------------------------
def test_lake_layout_is_airbyte_s3_layout(lake: Any) -> None:
    root: Path = lake.root
    assert {p.name for p in root.iterdir()} == {NAMESPACE, "_state"}
    ns = root / NAMESPACE
    assert {p.name for p in ns.iterdir()} == set(STREAMS)
    cutoffs = {
        int(lake.shop.day_cutoff(r.until).timestamp() * 1000): r.sync_id
        for r in lake.reports
        if r.files
    }
    for stream_dir in ns.iterdir():
        names = [p.name for p in stream_dir.iterdir()]
        assert names, stream_dir
        for name in names:
            m = FILE_RE.match(name)
            assert m, f"{stream_dir.name}/{name} is not YYYY_MM_DD_epochms_n.parquet"
            epoch_ms = int(m.group(4))
            assert epoch_ms in cutoffs, f"{name}: not the end of a synced day"
            utc_day = datetime.fromtimestamp(epoch_ms / 1000, UTC)
            assert name.startswith(f"{utc_day:%Y_%m_%d}_"), name
    # the loader's own listing sees exactly these files
    listed = {f.key for f in Lake(f"file://{root}").list_files(NAMESPACE)}
    assert listed == {f"{NAMESPACE}/{p.parent.name}/{p.name}" for p in ns.rglob("*.parquet")}


def test_airbyte_metadata_columns(lake: Any) -> None:
    raw_ids: set[str] = set()
    total = 0
    sync_of = {
        int(lake.shop.day_cutoff(r.until).timestamp() * 1000): r.sync_id for r in lake.reports
    }
    for stream in STREAMS:
        for path in lake.files(stream):
            table = pq.read_table(path)
            schema = table.schema
            assert schema.field("_airbyte_raw_id").type == pa.string()
            assert schema.field("_airbyte_extracted_at").type == pa.timestamp("us", tz="UTC")
            assert schema.field("_airbyte_generation_id").type == pa.int64()
            meta = schema.field("_airbyte_meta").type
            assert pa.types.is_struct(meta)
            assert {f.name for f in meta} >= {"sync_id", "changes"}
            epoch_ms = int(FILE_RE.match(path.name).group(4))  # type: ignore[union-attr]
            extracted = datetime.fromtimestamp(epoch_ms / 1000, UTC)
            airbyte = [n for n in schema.names if n.startswith("_airbyte_")]
            for row in table.select(airbyte).to_pylist():
                total += 1
                raw = row["_airbyte_raw_id"]
                assert str(uuid.UUID(raw)) == raw
                raw_ids.add(raw)
                assert row["_airbyte_extracted_at"] == extracted, path.name
                assert row["_airbyte_generation_id"] == 0
                assert row["_airbyte_meta"]["sync_id"] == sync_of[epoch_ms]
                assert row["_airbyte_meta"]["changes"] == []
    assert total and len(raw_ids) == total, "every _airbyte_raw_id is unique in the lake"
