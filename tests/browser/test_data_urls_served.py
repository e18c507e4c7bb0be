"""The dataset's fixed addresses on a running server: every file the Library lists is served at
/app/static/data/ with a content type browsers and pandas handle, each table reads into pandas from its
URL in one line, and datapackage.json at its address validates with frictionless, its resource paths
resolving beside it."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from conftest import axe_violations, open_page
from dashboard import constants as C
from dashboard.data import export

CONTENT_TYPES = {".csv": "text/csv", ".json": "application/json", ".zip": "application/zip"}
FILES = sorted(path.name for path in C.DATA_EXPORT_DIR.iterdir() if path.is_file())


def data_url(server_url: str, name: str) -> str:
    return f"{server_url}/{C.DATA_EXPORT_URL}/{name}"


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


@pytest.mark.parametrize("name", FILES)
def test_each_file_is_served_as_committed_with_its_content_type(server_url, name):
    body, headers = fetch(data_url(server_url, name))
    assert body == (C.DATA_EXPORT_DIR / name).read_bytes()
    assert headers["content-type"].split(";")[0] == CONTENT_TYPES[Path(name).suffix]
    assert headers["x-content-type-options"] == "nosniff"  # Streamlit's static handler: the type is taken as sent
    assert headers["access-control-allow-origin"] == "*"  # so a page on another site may fetch it too


@pytest.mark.parametrize("name", export.EXPORT_TABLES)
def test_each_table_reads_into_pandas_from_its_url_in_one_line(server_url, catalog, name):
    expected = export.export_table(catalog, name)
    from_csv = pd.read_csv(data_url(server_url, f"{name}.csv"))
    from_json = pd.read_json(data_url(server_url, f"{name}.json"))
    for frame in (from_csv, from_json):
        assert list(frame.columns) == list(expected.columns)
        assert len(frame) == len(expected)
    if "id" in expected.columns:
        assert list(from_csv["id"]) == list(from_json["id"]) == list(expected["id"])


def test_the_descriptor_at_its_address_validates_and_its_paths_resolve_beside_it(server_url):
    descriptor_url = data_url(server_url, C.DATAPACKAGE_FILE)
    package, _ = fetch(descriptor_url)
    for resource in json.loads(package)["resources"]:
        resolved = urllib.parse.urljoin(descriptor_url, resource["path"])
        assert resolved == data_url(server_url, resource["path"])
        fetch(resolved)
    command = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(command), "validate", descriptor_url], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "INVALID" not in result.stdout.upper()
    assert result.stdout.upper().count("VALID") >= len(export.EXPORT_TABLES)


def test_the_library_lists_every_address_each_one_answers_and_the_tab_passes_axe(browser, server_url):
    with open_page(browser, f"{server_url}/library?library_tab=Download+the+data") as page:
        page.get_by_text("Read the data from its address").first.wait_for(timeout=30_000)
        links = page.locator(f'[data-testid="stMain"] a[href*="/{C.DATA_EXPORT_URL}/"]')
        hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
        codes = page.locator('[data-testid="stMain"] [data-testid="stCode"]').all_inner_texts()
        violations = axe_violations(page)
    assert violations == [], violations
    assert hrefs == {data_url(server_url, name) for name in FILES}
    examples = "\n".join(codes)
    assert f'pd.read_csv("{data_url(server_url, "sites.csv")}")' in examples
    assert f'read.csv("{data_url(server_url, "sites.csv")}")' in examples
    assert f'=IMPORTDATA("{data_url(server_url, "sites.csv")}")' in examples
    for href in sorted(hrefs):
        fetch(href)
