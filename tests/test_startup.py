"""What a fresh or restarted server does before its first page: the heavy libraries load only on the pages that
use them, a restarted server reads back the catalog it validated before, and the long-lived objects are kept
out of the garbage collector's full collections."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import MINIMAL_DIR, ROOT, run_async, streamlit_server
from dashboard import constants
from dashboard.data import loading
from dashboard.ui import shell
from scripts import loadclient as lc


def loaded_after(*modules: str) -> set[str]:
    """The top-level packages a fresh Python has loaded after importing ``modules``."""
    code = f"import sys\nfor name in {modules!r}: __import__(name)\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    return set(done.stdout.split())


def test_the_first_page_loads_no_chart_network_or_workbook_library():
    # What the shell and the Overview page import: no Altair (charts), networkx (networks), openpyxl (uploads).
    found = loaded_after("dashboard.ui.shell", "dashboard.views.overview", "dashboard.views.sites_map")
    assert {"pandas", "pydeck", "streamlit"} <= found
    assert not {"altair", "networkx", "openpyxl", "vl_convert"} & found


def test_the_pages_that_draw_them_still_load_their_libraries():
    assert "altair" in loaded_after("dashboard.views.themes.by_site")
    assert "networkx" in loaded_after("dashboard.network.views")


def test_the_validator_version_names_the_package_modules_and_the_libraries():
    version = loading.validator_fingerprint()
    for module in ("loading.py", "schema.py", "catalog.py"):
        assert f"{module}:" in version
    assert "pandas=" in version
    assert "pydantic=" in version
    assert loading.validator_fingerprint() == version  # stable while nothing changes


def test_the_catalog_is_frozen_out_of_full_collections(minimal_copy, monkeypatch):
    monkeypatch.setenv(constants.DATA_DIR_ENV, str(minimal_copy))
    catalog, _ = shell.get_catalog()
    assert catalog is not None
    assert gc.get_freeze_count() > 0


def test_site_names_are_read_once_and_each_caller_gets_its_own_dict(catalog):
    first, second = catalog.site_names(), catalog.site_names()
    assert first == dict(zip(catalog.sites["id"], catalog.sites["name"]))
    assert first is not second
    first["boston"] = "changed"
    assert catalog.site_names()["boston"] == "Boston"
    renamed = catalog.sites.assign(name=catalog.sites["name"].str.upper())
    assert catalog.replaced(sites=renamed).site_names()["boston"] == "BOSTON"


def test_a_restarted_server_reads_back_the_catalog_it_validated(tmp_path: Path):
    data, home = tmp_path / "data", tmp_path / "home"
    shutil.copytree(MINIMAL_DIR, data)
    home.mkdir()
    env = {constants.DATA_DIR_ENV: str(data), "HOME": str(home)}
    kept: list[tuple[str, int]] = []
    for _ in range(2):
        with streamlit_server(env=env, warm=False) as url:
            first, _ = run_async(lc.page_reruns(url, lc.Link(), 0))
        assert first.error is None
        assert first.count("metric") > 0
        kept.append(next((p.name, p.stat().st_mtime_ns) for p in (home / ".streamlit" / "cache").glob("*.memo")))
    assert kept[0] == kept[1]  # the second server read the file the first one wrote, and wrote none
