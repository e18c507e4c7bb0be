"""What a fresh or restarted server does before its first page: the heavy libraries load only on the pages that
use them, a restarted server reads back the catalog it validated before, and the long-lived objects are kept
out of the garbage collector's full collections."""

from __future__ import annotations

import gc
import hashlib
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_the_validator_version_names_each_module_by_its_bytes_and_the_libraries():
    version = loading.validator_fingerprint()
    package = ROOT / "src" / "dashboard"
    for module in ("data/loading.py", "data/schema.py", "data/catalog.py", "data/values.py", "constants.py"):
        assert f"{module}:{hashlib.sha256((package / module).read_bytes()).hexdigest()[:16]}" in version
    for library in ("numpy", "pandas", "pyarrow", "pydantic", "PyYAML"):
        assert f"{library}=" in version
    assert f"python={platform.python_version()}" in version
    assert loading.validator_fingerprint() == version  # stable while nothing changes


def same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (as long) in a file, keeping its modification time: only its bytes tell."""
    assert len(old) == len(new)
    kept = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(kept.st_atime_ns, kept.st_mtime_ns))


BAD_DATE = ('data_as_of: "2021-06-30"', 'data_as_of: "2021-13-30"')  # the program's date, made invalid at the same size


def test_the_files_digest_follows_their_bytes_not_their_times(minimal_copy):
    digest, stamp = loading.content_digest(minimal_copy), loading.fingerprint(minimal_copy)
    os.utime(minimal_copy / "sites.yaml", ns=(1, 1))
    assert loading.fingerprint(minimal_copy) != stamp
    assert loading.content_digest(minimal_copy) == digest  # touched, the same bytes: the kept catalog still fits
    stamp = loading.fingerprint(minimal_copy)
    same_size_edit(minimal_copy / "program.yaml", *BAD_DATE)
    assert loading.fingerprint(minimal_copy) == stamp  # same size, same time
    assert loading.content_digest(minimal_copy) != digest  # other bytes: the kept catalog is not read back
    edited = loading.content_digest(minimal_copy)
    (minimal_copy / "outcomes.yaml").unlink()
    assert loading.content_digest(minimal_copy) != edited


def test_a_catalog_whose_files_change_while_it_is_validated_is_not_kept(minimal_copy, monkeypatch):
    real_validate, calls = shell.validate, []

    def validate_then_edit(data_dir):
        found = real_validate(data_dir)
        calls.append(data_dir)
        if len(calls) == 1:  # an editor saves the file while the first validation runs
            same_size_edit(minimal_copy / "program.yaml", *BAD_DATE)
        return found

    monkeypatch.setattr(shell, "validate", validate_then_edit)
    before = loading.content_digest(minimal_copy)
    catalog, problems = shell._validated(str(minimal_copy), "edited-while-read")
    assert catalog is None  # the files' new bytes, validated afresh: not the catalog of the bytes read first
    assert [p.field for p in problems] == ["data_as_of"]
    with pytest.raises(shell._ChangedWhileRead):  # nothing was kept under the first bytes' digest
        shell._validated_on_disk(str(minimal_copy), before, shell.VALIDATOR)


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


def test_records_by_id_and_metric_values_are_those_a_selection_finds(catalog):
    for name in ("products", "metrics", "organizations", "national_partners", "sites", "lessons", "resources"):
        frame = catalog.table(name)
        for record_id in frame["id"]:
            assert catalog.record(name, record_id) == frame[frame["id"] == record_id].iloc[0].to_dict()
        assert catalog.record(name, "not-an-id") is None
    metrics = catalog.metrics
    for site, metric in set(zip(metrics["site"], metrics["metric"])):
        selected = metrics[(metrics["site"] == site) & (metrics["metric"] == metric)]
        assert catalog.metric_values(site, metric) == selected.to_dict("records")
    assert catalog.metric_values("boston", "not-a-metric") == []
    renamed = catalog.sites.assign(name=catalog.sites["name"].str.upper())
    assert catalog.replaced(sites=renamed).record("sites", "boston")["name"] == "BOSTON"


def test_a_restarted_server_reads_back_the_catalog_it_validated_and_only_for_the_same_bytes(tmp_path: Path):
    data, home = tmp_path / "data", tmp_path / "home"
    shutil.copytree(MINIMAL_DIR, data)
    home.mkdir()
    env = {constants.DATA_DIR_ENV: str(data), "HOME": str(home)}
    kept: list[set[tuple[str, int]]] = []
    for _ in range(2):
        with streamlit_server(env=env, warm=False) as url:
            first, _ = run_async(lc.page_reruns(url, lc.Link(), 0))
        assert first.error is None
        assert first.count("metric") > 0
        kept.append({(p.name, p.stat().st_mtime_ns) for p in (home / ".streamlit" / "cache").glob("*.memo")})
    assert len(kept[0]) == 1
    assert kept[0] == kept[1]  # the second server read the file the first one wrote, and wrote none
    # The same size and modification time, other bytes: a restarted server validates them, never reads back
    same_size_edit(data / "program.yaml", *BAD_DATE)
    with streamlit_server(env=env, warm=False) as url:
        edited, _ = run_async(lc.page_reruns(url, lc.Link(), 0))
    assert edited.count("metric") == 0
    assert len(edited.texts("error")) == 1
    assert "must be an ISO date" in edited.texts("error")[0]  # the edited date
    assert len(list((home / ".streamlit" / "cache").glob("*.memo"))) == 2
