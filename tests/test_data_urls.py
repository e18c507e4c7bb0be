"""The Library's list of the dataset's fixed addresses: every exported file is linked once, the examples
name a real table's address, and an address is only built on a plain http(s) root."""

from __future__ import annotations

import re

import pytest

from conftest import open_app, script
from dashboard import constants as C
from dashboard.views import library

ROOT = "https://atlas.example.org/"


def linked(markdown: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", markdown)


def test_every_exported_file_is_linked_once_under_the_root(catalog):
    view = library.data_urls_view(catalog, ROOT)
    files = sorted(path.name for path in C.DATA_EXPORT_DIR.iterdir() if path.is_file())
    assert sorted(linked(view.markdown)) == [f"{ROOT}app/static/data/{name}" for name in files]
    assert f"| sites | {len(catalog.sites)} | [sites\\.csv]({ROOT}app/static/data/sites.csv)" in view.markdown


def test_the_examples_read_the_sites_table_by_its_address(catalog):
    code = dict(
        zip(["pandas", "r", "spreadsheet", "frictionless"], (text for _, text in library.data_urls_view(catalog, ROOT).examples))
    )
    assert code["pandas"] == (
        f'sites = pd.read_csv("{ROOT}app/static/data/sites.csv")\nsites = pd.read_json("{ROOT}app/static/data/sites.json")'
    )
    assert code["r"] == f'sites <- read.csv("{ROOT}app/static/data/sites.csv")'
    assert code["spreadsheet"] == f'=IMPORTDATA("{ROOT}app/static/data/sites.csv")'
    assert code["frictionless"] == f"frictionless validate {ROOT}app/static/data/datapackage.json"


@pytest.mark.parametrize(
    "root", ["", "javascript:alert(1)//", 'https://host/"onmouseover="x/', "https://host/`rm`/", "https://host/no-slash"]
)
def test_an_unusable_root_gives_relative_addresses(root):
    assert library.data_url(root, "sites.csv") == "app/static/data/sites.csv"


def test_the_download_tab_shows_the_examples_and_the_addresses():
    at = open_app(script("library"), {"library_tab": "Download the data"})
    codes = [element.value for element in at.code]
    assert 'sites <- read.csv("app/static/data/sites.csv")' in codes  # no browser address here: relative
    text = "\n".join(block.value for block in at.markdown)
    assert "Read the data from its address" in text
    assert "ecosystem\\_prompts" in text
