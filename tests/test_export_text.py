"""Downloads neutralise spreadsheet formulas; page text is escaped; links are http(s) only."""

from __future__ import annotations

import io
import json
import re
import urllib.parse
import zipfile

import pandas as pd
import pytest

from dashboard.data import export, text
from dashboard.data.schema import CATALOG_TABLES


def test_csv_neutralises_formulas_and_joins_lists():
    frame = pd.DataFrame(
        {"a": ["=HYPERLINK(1)", "+1", "-2", "@x", "plain"], "b": [["x", "y"], [], ["z"], ["w"], ["v"]], "n": [1, 2, 3, 4, 5]}
    )
    text = export.safe_csv(frame).decode()
    lines = text.splitlines()
    assert lines[1].startswith("'=HYPERLINK(1),x; y,1")
    assert lines[2].startswith("'+1")
    assert lines[3].startswith("'-2")
    assert lines[4].startswith("'@x")
    assert lines[5] == "plain,v,5"


def test_zip_and_json_hold_every_table(catalog):
    archive = zipfile.ZipFile(io.BytesIO(export.catalog_zip(catalog)))
    assert {f"{name}.csv" for name in CATALOG_TABLES} | {"program.csv", "datapackage.json"} == set(archive.namelist())
    sites = pd.read_csv(archive.open("sites.csv"))
    assert len(sites) == 7
    document = json.loads(export.catalog_json(catalog))
    assert document["program"]["short_name"] == "CTDC"
    assert len(document["sources"]) == len(catalog.sources)
    assert all(v is None or v == v for row in document["metrics"] for v in row.values() if not isinstance(v, list))


def test_escape_markdown_defuses_markup():
    raw = "<script>alert(1)</script> [x](javascript:alert(1)) **bold** # h"
    escaped = text.escape_markdown(raw)
    assert "<script>" not in escaped
    assert "\\<script\\>" in escaped
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in escaped
    assert "\\*\\*bold\\*\\*" in escaped


def test_escape_markdown_leaves_no_address_for_markdown_to_link():
    """GitHub-flavoured Markdown links "http://", "www." and e-mail addresses it finds in plain text (after
    escapes are undone), so each gets a word joiner, which shows nothing, where the link would start."""
    joiner = text.WORD_JOINER
    escaped = text.escape_markdown("see http://example.com, WWW.example.org and me@example.net")
    assert escaped == (f"see http\\://{joiner}example\\.com, WWW{joiner}\\.example\\.org and me@{joiner}example\\.net")
    assert text.escape_markdown("Park\u202eskroW \u2067x\u2069") == "ParkskroW x"  # no direction control reorders the page


def test_links_only_for_http():
    assert text.markdown_link("ok", "https://example.org/a(b)") == "[ok](https://example.org/a%28b%29)"
    assert text.markdown_link("bad", "javascript:alert(1)") == "bad"
    assert text.markdown_link("bad", "data:text/html,hi") == "bad"
    assert not text.is_http_url("http://")
    assert not text.is_http_url(None)


URL_CASES = [
    "https://example.org",
    "HTTP://Example.org/a?b#c",
    "http://user:pw@host:8080/x",
    "https://[::1]/x",
    "https://example.org?q=1",
    "http:///path",
    "http://?q",
    "https://#frag",
    "http:/example.org",
    "http//example.org",
    "ftp://example.org",
    "javascript:alert(1)",
    "//example.org",
    "https ://example.org",
    "https://exa mple.org",
    "https://example.org\n",
    "\thttps://example.org",
    "mailto:me@example.net",
    "",
    "www.example.org",
]


@pytest.mark.parametrize("url", URL_CASES)
def test_http_urls_are_told_apart_as_urllib_reads_them(url: str):
    """``is_http_url`` matches the scheme and host without ``urllib.parse`` (whose cache would keep visitors'
    addresses), and agrees with it: an http(s) scheme, a host, and no space anywhere."""
    parsed = urllib.parse.urlsplit(url.strip())
    expected = parsed.scheme in ("http", "https") and bool(parsed.netloc) and not re.search(r"\s", url)
    assert text.is_http_url(url) == expected


def test_a_host_that_urllib_refuses_is_not_an_address():
    for url in ("https://[::1/x", "https://::1]/x"):
        with pytest.raises(ValueError):
            urllib.parse.urlsplit(url)
        assert not text.is_http_url(url)


def test_section_markdown_is_one_heading_and_its_paragraphs():
    assert text.section_markdown("Who [took] part", "first", "", "second") == "## Who \\[took\\] part\n\nfirst\n\nsecond"
    assert text.section_markdown("Alone") == "## Alone"


def test_intro_markdown_marks_and_escapes_the_filter_note():
    intro = text.intro_markdown("**About**", "Filtered to sites: [x](javascript:1)")
    assert intro.startswith("**About**\n\n:material/filter_alt: *Filtered to sites\\: \\[x\\]")
    assert "](" not in intro


def test_plural():
    assert [f"{n} {text.plural('lesson', n)}" for n in (0, 1, 2)] == ["0 lessons", "1 lesson", "2 lessons"]


def test_screen_frame_writes_missing_dates_in_words_and_csv_keeps_them_empty():
    frame = pd.DataFrame({"date": ["2017-05", None], "note": [None, "n"]})
    shown = export.screen_frame(frame)
    assert list(shown["date"]) == ["2017-05", "date not found in sources"]
    assert shown["note"].isna().tolist() == [True, False]  # only dates are written in words
    assert export.safe_csv(frame).decode().splitlines()[1:] == ["2017-05,", ",n"]
