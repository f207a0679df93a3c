"""Slim dbt CI, simulated on DuckDB exactly as .github/workflows/ci.yml runs it on Snowflake.

prod builds everything and its manifest is saved as the production state; a pull request
changes one model; `dbt build --select @state:modified --state <prod>` on the `ci` target
must build exactly that model, its children and every parent of those into the PR's
schemas, read no model from prod (the CI role may read masked RAW only), and
`drop_ci_schemas` must remove the PR's schemas afterwards.
"""

from __future__ import annotations

import re
import shutil
from collections import deque
from pathlib import Path
from typing import Any

import pytest
from support.dbt_project import DbtProject, copy_project
from support.rawshop.raw import load_duckdb

pytestmark = pytest.mark.slow

PR_SCHEMA = "pr_1"
# The dbt tests' own suite runs the unit tests; here they would only cost time.
NO_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


def model_descendants(manifest: dict[str, Any], node_id: str) -> set[str]:
    """Every model downstream of `node_id` (breadth-first over the manifest's child_map)."""
    seen: set[str] = set()
    queue = deque([node_id])
    while queue:
        for child in manifest["child_map"].get(queue.popleft(), []):
            if child.startswith("model.") and child not in seen:
                seen.add(child)
                queue.append(child)
    return seen


def at_selection(manifest: dict[str, Any], node_id: str) -> set[str]:
    """The models dbt's `@node` selects: the node, every node downstream (tests included,
    a singular test may read several marts) and every ancestor of those."""
    down = {node_id}
    queue = deque([node_id])
    while queue:
        for child in manifest["child_map"].get(queue.popleft(), []):
            if child not in down:
                down.add(child)
                queue.append(child)
    seen = set(down)
    queue = deque(down)
    while queue:
        for parent in manifest["parent_map"].get(queue.popleft(), []):
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return {n for n in seen if n.startswith("model.")}


def pick_model(manifest: dict[str, Any]) -> str:
    """A model with children but far from everything downstream: the smallest such subtree."""
    models = sorted(k for k, n in manifest["nodes"].items() if n["resource_type"] == "model")
    with_children = [m for m in models if model_descendants(manifest, m)]
    assert with_children, "the dbt project has no model with a child model"
    return min(with_children, key=lambda m: (len(model_descendants(manifest, m)), m))


def relations(project: DbtProject, schema_like: str) -> set[tuple[str, str]]:
    rows = project.query(
        "select table_schema, table_name from information_schema.tables "
        f"where table_schema like '{schema_like}'"
    )
    return {(s, t) for s, t in rows}


def test_slim_ci_builds_only_the_changed_model_and_its_children(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    load_duckdb(project.warehouse, [0, 1])

    # 1. production: a full build; its manifest becomes the state CI compares against
    project.dbt("build", *NO_UNIT_TESTS, target="prod", target_path="target-prod")
    state = tmp_path / "prod-state"
    state.mkdir()
    shutil.copy(project.root / "target-prod" / "manifest.json", state / "manifest.json")
    prod = project.manifest("target-prod")
    all_models = {k for k, n in prod["nodes"].items() if n["resource_type"] == "model"}
    prod_relations = relations(project, "%")
    assert not any(s.startswith(PR_SCHEMA) for s, _ in prod_relations)

    # 2. the pull request changes one model
    changed = pick_model(prod)
    node = prod["nodes"][changed]
    expected = at_selection(prod, changed)
    assert {changed} | model_descendants(prod, changed) <= expected
    assert len(expected) < len(all_models), "the change must leave some models untouched"
    sql_file = project.root / node["original_file_path"]
    sql_file.write_text(sql_file.read_text() + "\n-- changed by a pull request\n")

    # 3. state selection: the changed model, its children and all their parents
    listed = project.dbt(
        "ls",
        "--select",
        "@state:modified",
        "--state",
        str(state),
        "--resource-type",
        "model",
        "--output",
        "json",
        "--output-keys",
        "unique_id",
        "--quiet",
        target="ci",
        target_path="target-ci",
    )
    selected = set(re.findall(r'"unique_id":\s*"([^"]+)"', listed.stdout))
    assert selected == expected

    # 4. the build into the PR's schemas, as ci.yml runs it: nothing deferred to prod
    project.dbt(
        "build",
        *NO_UNIT_TESTS,
        "--select",
        "@state:modified",
        "--state",
        str(state),
        "--indirect-selection",
        "cautious",
        target="ci",
        target_path="target-ci",
    )
    ci = project.manifest("target-ci")
    built = {
        (n["schema"], n["alias"])
        for k, n in ci["nodes"].items()
        if k in expected and n["config"]["materialized"] != "ephemeral"
    }
    assert built, "nothing materialised"
    assert all(schema.startswith(f"{PR_SCHEMA}_") for schema, _ in built)
    # ... plus the PR's own build log (dbt's on-run-end hook, macros/build_log.sql)
    build_log = {(f"{PR_SCHEMA}_audit", "dbt_build_log")}
    assert relations(project, f"{PR_SCHEMA}%") == built | build_log
    # prod is untouched: the same relations, nothing written into its schemas
    assert relations(project, "%") - relations(project, f"{PR_SCHEMA}%") == prod_relations

    # every model reads its parent models from the PR's schemas, none from prod
    for model_id in expected:
        compiled = ci["nodes"][model_id]["compiled_code"].lower()
        for parent_id in ci["nodes"][model_id]["depends_on"]["nodes"]:
            parent = prod["nodes"].get(parent_id)
            if not parent or parent["resource_type"] != "model":
                continue
            assert parent_id in expected, f"{model_id} would read {parent_id} from prod"
            if parent["config"]["materialized"] == "ephemeral":
                continue
            schema = f"{PR_SCHEMA}_{parent['schema']}"
            assert re.search(rf'"?{schema}"?\."?{parent["alias"]}"?', compiled), (
                f"{model_id} should read {parent_id} from schema {schema}"
            )

    # the rebuilt models hold the same rows as prod (only a comment changed)
    for schema, alias in built:
        prod_schema = schema.removeprefix(f"{PR_SCHEMA}_")
        assert project.query(f'select count(*) from "{schema}"."{alias}"') == project.query(
            f'select count(*) from "{prod_schema}"."{alias}"'
        )

    # 5. the pull request closes: its schemas go, prod stays
    refused = project.dbt(
        "run-operation",
        "drop_ci_schemas",
        "--args",
        f"{{prefix: {PR_SCHEMA}}}",
        target="prod",
        target_path="target-prod",
        check=False,
    )
    assert refused.returncode != 0
    assert "only runs on the ci target" in refused.stdout
    assert relations(project, f"{PR_SCHEMA}%") == built | build_log

    project.dbt(
        "run-operation",
        "drop_ci_schemas",
        "--args",
        f"{{prefix: {PR_SCHEMA}}}",
        target="ci",
        target_path="target-ci",
    )
    assert relations(project, f"{PR_SCHEMA}%") == set()
    schemas = {r[0] for r in project.query("select schema_name from information_schema.schemata")}
    assert not any(s.startswith(PR_SCHEMA) for s in schemas)
    assert relations(project, "%") == prod_relations
