"""Every page, every URL parameter it reads, hostile values: the page renders, no exception, no raw markup."""

from __future__ import annotations

import pytest

from conftest import open_app, script

PAGES = [
    None,
    script("map"),
    script("site"),
    script("themes"),
    script("metrics"),
    script("library"),
]
KEYS = ("sites", "themes", "role", "site", "compare", "theme", "section", "q", "tab", "lens", "census_vintage")
SCRIPT = "<script>alert(1)</script>"
VALUES = {
    "unknown ids": "atlantis",
    "10,000 characters": "x" * 10_000,
    "HTML and script": SCRIPT,
    "Markdown link": "[click](javascript:alert(1))",
    "repeated": ["Boston", "Boston", "learning", SCRIPT],
    "empty": "",
    "unicode and controls": "\u202e\u0000\ufffd☃",
}


@pytest.mark.parametrize("page", PAGES, ids=[p or "overview" for p in PAGES])
@pytest.mark.parametrize("label", list(VALUES))
def test_hostile_url_renders(page, label):
    value = VALUES[label]
    at = open_app(page, {key: value for key in KEYS})
    shown = [*at.markdown, *at.caption, *at.title, *at.header, *at.subheader]
    assert at.title, "the page rendered no title"
    assert not any(SCRIPT in str(element.value) for element in shown)
