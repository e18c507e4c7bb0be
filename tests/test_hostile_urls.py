"""Every page, every URL parameter it reads, hostile values: the page renders with no exception, and no
value from the link reaches what the browser renders as HTML (the browser suite checks the rendered page)."""

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


def as_html(at) -> list[str]:
    """What the page hands the browser to render as HTML: ``st.html`` bodies and Markdown that allows HTML."""
    return [element.proto.body for element in at.get("html")] + [block.value for block in at.markdown if block.proto.allow_html]


@pytest.mark.parametrize("page", PAGES, ids=[p or "overview" for p in PAGES])
@pytest.mark.parametrize("label", list(VALUES))
def test_hostile_url_renders(page, label):
    value = VALUES[label]
    at = open_app(page, {key: value for key in KEYS})
    assert at.title, "the page rendered no title"
    parts = [part for part in (value if isinstance(value, list) else [value]) if part]
    assert [part for part in parts for html in as_html(at) if part in html] == []
