"""AppTest runs of every page and tab with every expander open (and the worked example shown on Your
ecosystem): no text a reader sees names a file of the repository ("data/…", "….yaml"), and no table
shows a missing date as anything but "date not found in sources"."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator

import pandas as pd
import pytest
import streamlit as st

from conftest import chart_protos, open_app, script
from dashboard.data.dictionary import date_fields
from dashboard.data.values import NOT_FOUND
from dashboard.ui import blocks

# Each page with every tab it has (the link opens it), and Your ecosystem with the worked example compared.
VIEWS = [
    ("overview", {}),
    ("map", {}),
    ("site", {"site": "boston", "compare": "st-louis"}),
    *[("networks", {"networks_tab": tab}) for tab in ("Compare sites", "Every network", "Organizations")],
    *[("themes", {"themes_tab": tab}) for tab in ("Themes by site", "One theme", "Lessons by section")],
    ("themes", {"themes_tab": "Search", "q": "data"}),
    *[("metrics", {"metrics_tab": tab}) for tab in ("Key years", "Names", "Census context", "Partners", "Timeline")],
    ("metrics", {"lens": "true"}),
    ("ecosystem", {"example": "true"}),
    ("ecosystem", {"ecosystem_tab": "Self-check"}),
    *[("library", {"library_tab": tab}) for tab in ("Resources", "Sources", "Data dictionary", "Download the data")],
]
# A repository path: "data/" starting a path (the fixed download addresses, ".../static/data/...", are
# meant to be read and copied), or a YAML file's name.
INTERNAL_PATH = re.compile(r"(?<![\w./])data/|[\w-]+\.ya?ml\b", re.IGNORECASE)
ADDRESS = re.compile(r"\]\([^)]*\)|https?://\S+")
TEXT_ELEMENTS = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader", "code")


@contextlib.contextmanager
def open_expander(label: str, key: str) -> Iterator[bool]:
    """``lazy_expander`` as if the reader had opened it."""
    with st.expander(label, expanded=True):
        yield True


def shown_text(at) -> str:
    """What the reader reads: every text element, label and chart title and description, link targets and
    web addresses left out, Markdown escapes undone."""
    texts = [str(element.value) for kind in TEXT_ELEMENTS for element in getattr(at, kind)]
    texts += [element.label for element in at.expander]
    texts += [button.proto.label for button in at.get("download_button")]
    for proto in chart_protos(at):
        spec = json.loads(proto.spec)
        texts += [json.dumps(spec.get("title")), str(spec.get("description", ""))]
    return re.sub(r"\\(.)", r"\1", ADDRESS.sub("", "\n".join(texts)))


def tables(at) -> list[pd.DataFrame]:
    """Every table of the page: data grids and static tables."""
    return [element.value for element in (*at.dataframe, *at.table)]


def table_cells(frame: pd.DataFrame) -> Iterator[str]:
    """Every cell of a table as text, web addresses left out."""
    for index in range(frame.shape[1]):
        for value in frame.iloc[:, index].tolist():
            yield ADDRESS.sub("", str(value))


@pytest.fixture(scope="module")
def pages() -> Iterator[list[tuple[str, object]]]:
    """Each view of ``VIEWS`` run once with every expander open."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks, "lazy_expander", open_expander)
        yield [(f"{page} {params}", open_app(script(page), params)) for page, params in VIEWS]


def test_no_page_shows_a_repository_path(pages):
    found = {}
    for name, at in pages:
        hits = INTERNAL_PATH.findall(shown_text(at))
        hits += [cell[:80] for frame in tables(at) for cell in table_cells(frame) if INTERNAL_PATH.search(cell)]
        if hits:
            found[name] = hits
    assert not found, found
    texts = "\n".join(shown_text(at) for _, at in pages)
    assert "Main bridges (those on the largest share" in texts  # the sweep reads the network sentences
    assert "most shortest" not in texts


def test_every_missing_date_in_a_table_is_said_in_words(pages):
    checked = 0
    for name, at in pages:
        for frame in tables(at):
            for column in date_fields() & set(frame.columns):
                values = frame[column].tolist()
                assert not any(v is None or v != v or str(v) in ("None", "nan", "NaT", "") for v in values), (name, column)
                checked += values.count(f"date {NOT_FOUND}")
    assert checked >= 100  # the Library's sources and resources without a date
