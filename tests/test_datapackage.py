"""The CSV download is a valid Frictionless Data Package: every table typed and described, its keys
checked by ``frictionless validate``, with a licence and the program's sources."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dashboard.data import datapackage, export, schema


def unzip(archive: bytes, target: Path) -> Path:
    zipfile.ZipFile(io.BytesIO(archive)).extractall(target)
    return target / "datapackage.json"


def frictionless_validate(descriptor: Path) -> subprocess.CompletedProcess[str]:
    """``frictionless validate`` as a researcher runs it (the command installed beside this Python)."""
    command = Path(sys.executable).with_name("frictionless")
    return subprocess.run([str(command), "validate", str(descriptor)], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def package_dir(catalog, tmp_path_factory) -> Path:
    return unzip(export.catalog_zip(catalog), tmp_path_factory.mktemp("package")).parent


def test_frictionless_validate_passes_on_the_download(package_dir):
    result = frictionless_validate(package_dir / "datapackage.json")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "VALID" in result.stdout.upper()
    assert "INVALID" not in result.stdout.upper()


def test_a_broken_foreign_key_fails_validation(catalog, tmp_path):
    products = catalog.products.copy()
    products.loc[0, "site"] = "atlantis"
    broken = unzip(export.catalog_zip(catalog), tmp_path)
    (tmp_path / "products.csv").write_bytes(export.safe_csv(products))
    result = frictionless_validate(broken)
    assert result.returncode != 0
    assert "foreign-key" in result.stdout


def test_descriptor_describes_every_table_and_field(catalog, package_dir):
    package = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} == {"program", *schema.CATALOG_TABLES}
    assert package["licenses"] == [datapackage.DATA_LICENSE]
    assert [s["path"] for s in package["sources"]] == list(catalog.sources.set_index("id").loc[catalog.program["sources"], "url"])
    for resource in package["resources"]:
        assert (package_dir / resource["path"]).is_file()
        assert all(field["description"] for field in resource["schema"]["fields"]), resource["name"]
    products = next(r for r in package["resources"] if r["name"] == "products")["schema"]
    status = next(f for f in products["fields"] if f["name"] == "status")
    assert status["constraints"]["enum"] == list(schema.PRODUCT_STATUSES)
    assert {"fields": ["site"], "reference": {"resource": "sites", "fields": ["id"]}} in products["foreignKeys"]


def test_descriptor_names_its_contributors_and_creation_date(catalog, package_dir):
    package = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert package["contributors"] == [{"title": "CTDC Atlas contributors", "role": "author"}]
    assert package["created"] == f"{catalog.program['data_as_of']}T00:00:00Z" == "2026-11-27T00:00:00Z"
    partial = catalog.replaced(program={**catalog.program, "data_as_of": "2026"})
    assert "created" not in datapackage.descriptor(partial)  # a year alone is not a creation date


def test_census_fields_are_described_on_the_metrics_table(package_dir):
    package = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    metrics = next(r for r in package["resources"] if r["name"] == "metrics")["schema"]
    fields = {f["name"]: f for f in metrics["fields"]}
    assert {"value_source", "census_query", "census_check", "census_checked", "census_check_note"} <= set(fields)
    assert fields["census_check"]["constraints"]["enum"] == list(schema.CENSUS_CHECKS)
    assert "required" not in fields["census_check"].get("constraints", {})  # metrics rows leave it empty
    assert fields["site"]["constraints"]["required"] is True


def test_the_data_dictionary_names_the_files_of_the_download(catalog, package_dir):
    from dashboard.views import library

    dictionary = library.dictionary_table()
    package = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert set(dictionary["file"]) == {resource["path"] for resource in package["resources"]}
    for resource in package["resources"]:
        header = (package_dir / resource["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert list(dictionary.loc[dictionary["file"] == resource["path"], "field"]) == header, resource["path"]
    assert not dictionary["file"].str.endswith(".yaml").any()
    census_only = dictionary[(dictionary["file"] == "metrics.csv") & (dictionary["field"] == "census_query")].iloc[0]
    assert census_only["meaning"].endswith("(census rows only)")
    assert not census_only["required"]
