"""The dataset at fixed addresses: ``static/data/`` is what ``make export`` writes from ``data/`` (a stale
export fails here), the export is deterministic, and each table reads back into pandas as it was."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA_DIR, run_cli
from dashboard import constants as C
from dashboard.data import export
from dashboard.data.loading import load_catalog

STALE = "static/data/ is stale: run `make export` (python -m dashboard export) and commit the files"


def zip_members(content: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def fresh() -> dict[str, bytes]:
    """The files the export makes from data/ now (the catalog read afresh, as ``make export`` reads it)."""
    return export.static_files(load_catalog(DATA_DIR))


def test_the_committed_export_is_what_make_export_writes(fresh):
    committed = {path.name: path.read_bytes() for path in C.DATA_EXPORT_DIR.iterdir() if path.is_file()}
    assert sorted(committed) == sorted(fresh), STALE
    for name, content in fresh.items():
        if name == C.EXPORT_ZIP:  # compared by its members: compressed bytes may differ between zlib builds
            assert zip_members(committed[name]) == zip_members(content), f"{name}: {STALE}"
        else:
            assert committed[name] == content, f"{name}: {STALE}"


def test_the_export_is_deterministic(catalog, fresh):
    assert export.static_files(catalog) == fresh


def test_every_table_is_there_as_csv_and_json_and_in_the_descriptor(fresh):
    names = {name for name in export.EXPORT_TABLES}
    assert {f"{n}.csv" for n in names} | {f"{n}.json" for n in names} <= set(fresh)
    package = json.loads(fresh[C.DATAPACKAGE_FILE])
    assert [resource["path"] for resource in package["resources"]] == [f"{n}.csv" for n in export.EXPORT_TABLES]
    assert set(zip_members(fresh[C.EXPORT_ZIP])) == {f"{n}.csv" for n in names} | {C.DATAPACKAGE_FILE}


@pytest.mark.parametrize("name", export.EXPORT_TABLES)
def test_each_table_reads_back_into_pandas(catalog, fresh, name):
    frame = export.export_table(catalog, name)
    from_csv = pd.read_csv(io.BytesIO(fresh[f"{name}.csv"]), keep_default_na=False, dtype=str)
    assert list(from_csv.columns) == list(frame.columns)
    assert len(from_csv) == len(frame)
    records = json.loads(fresh[f"{name}.json"])
    assert len(records) == len(frame)
    assert list(records[0]) == list(frame.columns)
    if "id" in frame.columns:
        assert [r["id"] for r in records] == list(frame["id"]) == list(from_csv["id"])


def test_csv_is_spreadsheet_safe_and_json_keeps_lists_and_nulls(catalog):
    hostile = catalog.replaced(sites=catalog.sites.assign(summary='=HYPERLINK("http://example.org")'))
    files = export.static_files(hostile)
    sites = pd.read_csv(io.BytesIO(files["sites.csv"]))
    assert sites["summary"].str.startswith("'=").all()
    records = json.loads(files["sites.json"])
    assert records[0]["summary"].startswith("=")  # JSON is for programs: the text as it is
    assert isinstance(records[0]["sources"], list)
    metrics = json.loads(files["metrics.json"])
    assert any(row["margin_of_error"] is None for row in metrics)
    assert "NaN" not in files["metrics.json"].decode()


def test_make_export_writes_the_files_and_drops_a_table_that_is_gone(tmp_path: Path):
    target = tmp_path / "data-urls"
    target.mkdir()
    (target / "old_table.csv").write_text("id\n1\n")
    result = run_cli("export", "tests/fixtures/minimal", "--out", str(target))
    assert result.returncode == 0, result.stderr
    written = sorted(path.name for path in target.iterdir())
    assert "old_table.csv" not in written
    assert {"sites.csv", "sites.json", C.DATAPACKAGE_FILE, C.EXPORT_ZIP} <= set(written)
    assert f"Wrote {len(written)} files" in result.stdout


def test_make_export_refuses_invalid_data(minimal_copy: Path, tmp_path: Path):
    (minimal_copy / "sites.yaml").write_text("- id: [unclosed\n")
    result = run_cli("export", str(minimal_copy), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "must validate" in result.stderr
    assert not (tmp_path / "out").exists()
