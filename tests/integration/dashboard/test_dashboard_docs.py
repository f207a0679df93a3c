"""The static dbt docs: one HTML file holding every mart, published atomically, served."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

import pytest
from support.duck import copy_warehouse
from support.fixture_marts import SALES_MARTS

from spoon.errors import SpoonError
from spoon.settings import load_settings
from spoon.transform.docs import docs_server, generate_static_docs

MARTS = (*SALES_MARTS, "dim_dates")

pytestmark = pytest.mark.slow


@pytest.fixture(params=["empty", "demo"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A brand-new warehouse (docs need no data) and the built demo warehouse."""
    if request.param == "empty":
        return tmp_path / "empty.duckdb"
    src: Path = request.getfixturevalue("demo_warehouse")
    return copy_warehouse(src, tmp_path / "demo")  # dbt opens it read-write


def test_static_docs_hold_every_mart(
    warehouse: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    s = load_settings(duckdb_path=warehouse, docs_dir=tmp_path / "site")
    page = generate_static_docs(s)
    assert page == (tmp_path / "site" / "index.html").resolve()
    html = page.read_text()
    assert html.lstrip().lower().startswith("<!doctype html")
    for mart in MARTS:
        assert f"model.willows_spoon.{mart}" in html, mart
    if request.node.callspec.params["warehouse"] == "demo":
        # the catalog describes the built tables, columns included
        assert '"schema": "marts"' in html or '"schema":"marts"' in html
        assert "average_order_value" in html and "retention_rate" in html
    assert sorted(p.name for p in page.parent.iterdir()) == ["index.html"]


def test_a_failed_generation_keeps_the_last_good_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><p>last good docs</p>")
    broken = load_settings(
        duckdb_path=tmp_path / "w.duckdb", docs_dir=site, dbt_project_dir=tmp_path / "nope"
    )
    with pytest.raises(SpoonError, match="no dbt project"):
        generate_static_docs(broken)
    assert (site / "index.html").read_text() == "<!doctype html><p>last good docs</p>"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]


def test_docs_are_served_on_localhost(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>dbt Docs</title>")
    server = docs_server(load_settings(docs_dir=site), port=0)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
            assert resp.status == 200
            assert b"dbt Docs" in resp.read()
    finally:
        server.shutdown()
        server.server_close()


def test_serving_without_docs_says_how_to_make_them(tmp_path: Path) -> None:
    with pytest.raises(SpoonError, match="make docs"):
        docs_server(load_settings(docs_dir=tmp_path / "none"), port=0)
