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
