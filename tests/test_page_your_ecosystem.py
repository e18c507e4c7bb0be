"""AppTest runs of Your ecosystem's map tab: templates, an upload read once and shown beside a CTDC
site (network, measures, mapping questions, downloads), problems listed row by row, the worked example
labelled fictional, organization names holding HTML, scripts, Markdown links and formulas kept inert on
screen and in every download, and nothing kept outside the session."""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import tomllib
import xml.etree.ElementTree as ET

import hostile_uploads
import pytest

from conftest import ROOT, chart_protos, headings, markdown, open_app, page_text, script
from dashboard.data import export
from dashboard.data.text import escape_markdown
from dashboard.network import views as network_views
from dashboard.ui.uploads import held_maps
from dashboard.upload import example, result, tables, validation

PAGE = script("ecosystem")
MAP_KEY = "ecosystem_map"


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def upload(at, files: list[tuple[str, bytes]]):
    """Choose ``files`` in the page's uploader and rerun."""
    at.get("file_uploader")[0].set_value([(name, data, "text/csv") for name, data in files]).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def titles(at) -> list[str]:
    out = []
    for proto in chart_protos(at):
        title = json.loads(proto.spec)["title"]
        out.append(title["text"][0] if isinstance(title, dict) else title)
    return out


def test_templates_are_offered_in_three_formats():
    at = open_app(PAGE)
    assert [t.label for t in at.tabs] == ["Map your network", "Self-check"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Template: organizations.csv", "Template: ties.csv", "Template: YAML", "Template: Excel workbook"]
    assert at.get("file_uploader")[0].proto.type == [".csv", ".txt", ".yaml", ".yml", ".xlsx"]
    assert "nothing is stored on the server" in page_text(at)
    assert not chart_protos(at)
    assert any("Upload your map" in i.value for i in at.info)


def test_the_example_upload_is_drawn_beside_the_site_the_link_names():
    at = open_app(PAGE, {"compare": "st-louis"})
    upload(at, example.example_files())
    assert titles(at) == ["Your ecosystem", "St. Louis"]  # an upload is named "Your ecosystem"
    assert "Your network beside a CTDC site" in " ".join(headings(at))
    assert at.selectbox(key="ecosystem_compare").value == "st-louis"
    text = markdown(at)
    # the measures as a static table, whose cells wrap (a data grid cut the longer ones)
    (table,) = at.table
    measures = table.value
    assert measures.index.name == "measure"
    assert list(measures.columns) == ["Your ecosystem", "St\\. Louis"]
    assert measures.loc["organizations", "Your ecosystem"] == "12"
    assert measures.loc["data intermediary tied to", "Your ecosystem"] == (
        "local government; community organization; university; funder"
    )
    assert not any("measure" in frame.value.columns for frame in at.dataframe)
    badges = re.findall(r":(?:orange|green|gray)-badge\[(?:gap|in place|not applicable)\]", text)
    assert len(badges) == 2 * len(network_views.PROMPT_CHECKS)  # every question, for both maps
    labels = [b.proto.label for b in at.get("download_button")]
    for label in ("Metrics per organization (CSV)", "Network as GraphML (Gephi, yEd)", "Network as JSON (Kumu)"):
        assert label in labels
    assert "Picture (PNG)" in labels
    assert "Picture (SVG)" in labels
    assert "Measures beside St. Louis (CSV)" in labels
    assert "compare=St.+Louis" in at.code[-1].value  # the share link names the site shown beside the map


def test_an_upload_is_read_once_and_kept_in_the_session_only(monkeypatch):
    at = open_app(PAGE)
    upload(at, example.example_files())
    first = at.session_state[MAP_KEY]
    assert isinstance(first, str)  # only the map's key: the map goes when the session disconnects, not with its state
    calls = []
    monkeypatch.setattr(result, "parse_upload", lambda *a, **k: calls.append(a) or validation.parse_upload(*a, **k))
    at.selectbox(key="ecosystem_compare").set_value("cleveland").run()
    assert at.session_state[MAP_KEY] == first
    assert calls == []  # a rerun does not read the files again
    assert "?" in at.code[-1].value
    assert "example" not in at.code[-1].value  # an upload never goes into a link
    other = open_app(PAGE)
    assert MAP_KEY not in other.session_state or other.session_state[MAP_KEY] is None  # another session sees nothing


def test_problems_are_listed_with_their_rows_and_nothing_is_drawn():
    organizations = [["name", "type"], ["City Hall", "local goverment"], ["", "funder"], ["Data Hub", "data intermediary"]]
    ties = [["source", "target", "kind"], ["City Hall", "Data Hubb", "partnered"]]
    at = upload(open_app(PAGE), [("organizations.csv", csv_bytes(organizations)), ("ties.csv", csv_bytes(ties))])
    assert not chart_protos(at)
    (error,) = at.error
    plain = re.sub(r"\\(.)", r"\1", error.value)
    assert "3 problem(s)" in plain
    assert "organizations.csv, row 2, column 'type': unknown type 'local goverment'. Did you mean 'local government'?" in plain
    assert "organizations.csv, row 3, column 'name': the name is empty." in plain
    assert "ties.csv, row 2, column 'target': 'Data Hubb' is not in the organizations list. Did you mean 'Data Hub'?" in plain
    problems = at.dataframe[0].value
    assert list(problems["row"]) == [2, 3, 2]
    assert "Download map-problems (CSV)" in [b.proto.label for b in at.get("download_button")]


def test_a_wrong_file_type_gets_a_message():
    at = upload(open_app(PAGE), [("ecosystem.txt", b"just some words\n")])
    assert "headings match neither table" in re.sub(r"\\(.)", r"\1", at.error[0].value)


def test_the_worked_example_loads_with_one_switch_and_is_labelled_fictional(catalog):
    at = open_app(PAGE)
    at.toggle(key="example").set_value(True).run()
    assert not at.exception
    assert titles(at)[0] == example.EXAMPLE_NAME
    assert "fictional" in example.EXAMPLE_NAME
    assert any("fictional city" in i.value for i in at.info)
    assert "example=true" in at.code[-1].value  # a link can open the example
    shown = result.read_map(example.example_files(), catalog, "example", example.EXAMPLE_NAME, "example")  # as the page
    assert json.loads(shown.download("json"))["name"] == example.EXAMPLE_NAME
    assert example.EXAMPLE_NAME in shown.download("metrics-csv").decode()
    assert b"fictional" in shown.download("svg")
    linked = open_app(PAGE, {"example": "true", "compare": "Washington, DC"})
    assert titles(linked) == [example.EXAMPLE_NAME, "Washington, DC"]


def test_the_last_upload_stays_until_removed():
    at = upload(open_app(PAGE), example.example_files())
    at.get("file_uploader")[0].set_value(None).run()  # the uploader emptied (or the page left and reopened)
    assert titles(at)[0] == "Your ecosystem"
    assert "Showing your last upload" in page_text(at)
    next(b for b in at.button if b.label == "Remove it").click().run()
    assert not chart_protos(at)
    assert MAP_KEY not in at.session_state


def test_a_removed_map_goes_at_once_without_a_collection(catalog):
    """Nothing but the session's cache holds the map, not the page script's globals (no function made in the page
    refers to them, the "Remove it" button's callback included): the server runs no full collection after each
    run, so the map must go by its references alone."""
    rows = result.read_map(example.example_files(), catalog, "k", "Your ecosystem").rows
    at = upload(open_app(PAGE), example.example_files())
    at.get("file_uploader")[0].set_value(None).run()  # "Remove it" is offered for the last upload
    gc.collect()
    gc.disable()
    try:
        before = held_maps().rows()
        next(b for b in at.button if b.label == "Remove it").click().run()
        after = held_maps().rows()
    finally:
        gc.enable()
    assert before - after == rows > 0


# ---------------------------------------------------------------- hostile names stay inert

HOSTILE = [
    ["<script>alert('x')</script>", "local government"],
    ["<img src=x onerror=alert(1)>", "civic tech group"],
    ["[click me](javascript:alert(1))", "data intermediary"],
    ['=HYPERLINK("http://evil.example","x")', "community organization"],
    ["+SUM(1,1)", "funder"],
    ["@cmd", "university"],
    ["**bold** _it_ `code` # heading", "other"],
]
HUB = HOSTILE[2][0]


HOSTILE_FILES = [
    ("o.csv", csv_bytes([["name", "type", "notes"]] + [[n, t, "=cmd|' /C calc'!A0 <b>note</b>"] for n, t in HOSTILE])),
    (
        "t.csv",
        csv_bytes([["source", "target", "kind", "note"]] + [[n, HUB, "=partnered", "<i>x</i>"] for n, _ in HOSTILE if n != HUB]),
    ),
]


@pytest.fixture(scope="module")
def hostile_page():
    at = upload(open_app(PAGE), HOSTILE_FILES)
    at.session_state["data-network-yours"] = True
    at.session_state["ecosystem-prompt-sources"] = True
    at.run()
    return at


def test_hostile_names_are_shown_as_text(hostile_page):
    at = hostile_page
    text = markdown(at) + "\n".join(c.value for c in at.caption) + "\n".join(i.value for i in at.info)
    assert not re.search(r"(?<!\\)<(script|img|b|i)\b", text)  # every tag is escaped
    assert "](javascript" not in text
    assert "\\[click me\\]\\(javascript" in text
    assert "\\*\\*bold\\*\\*" in text  # Markdown in a name is shown, not applied
    picture = next(p for p in chart_protos(at) if json.loads(p.spec)["title"]["text"] == ["Your ecosystem"])
    names = {
        row["name"]
        for layer in json.loads(picture.spec)["layer"]
        for row in layer.get("data", {}).get("values", [])
        if "name" in row
    }
    assert names == {n for n, _ in HOSTILE}  # the picture holds the names as data, drawn as text by Vega
    organizations = next(frame.value for frame in at.dataframe if "organization" in frame.value.columns)
    assert set(organizations["organization"]) == {n for n, _ in HOSTILE}


def formula_like(value: str) -> bool:
    return value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_every_download_neutralises_formulas(hostile_page, catalog):
    at = hostile_page
    shown = result.read_map(HOSTILE_FILES, catalog, "hostile", "Your ecosystem")  # as the page reads it
    site = network_views.site_network(catalog, "boston")
    texts = [shown.download("metrics-csv"), shown.side_by_side_csv(site), export.safe_csv(shown.beside(catalog, site).measures)]
    page_tables = [frame.value for frame in at.dataframe]
    texts += [export.safe_csv(frame) for frame in page_tables]  # the tables' CSV buttons write exactly this
    prompts = network_views.prompts_view(catalog, [("Your ecosystem", shown.network.prompts)])
    texts.append(export.safe_csv(prompts.table))
    for data in texts:
        for row in csv.reader(io.StringIO(data.decode("utf-8"))):
            assert not any(formula_like(cell) for cell in row), row
    assert "'=HYPERLINK" in texts[0].decode()
    graph = ET.fromstring(shown.download("graphml"))
    assert not any(formula_like(d.text or "") for d in graph.iter("{http://graphml.graphdrawing.org/xmlns}data"))
    document = json.loads(shown.download("json"))
    strings = [v for e in document["elements"] + document["connections"] for v in e.values() if isinstance(v, str)]
    assert not any(formula_like(s) for s in strings)
    svg = shown.download("svg")
    assert b"<script" not in svg
    assert b"&lt;script&gt;" in svg
    assert shown.download("png").startswith(b"\x89PNG")
    assert shown.download("svg") == shown.download("svg")  # made on request, the same each time


def test_the_server_refuses_files_over_the_upload_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == tables.MAX_UPLOAD_MB
    assert tables.MAX_BYTES == tables.MAX_UPLOAD_MB * 1024 * 1024
    at = open_app(PAGE)
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == tables.MAX_UPLOAD_MB


# ---------------------------------------------------------------- the hostile set (tests/hostile_uploads.py)


def test_addresses_in_names_are_shown_as_text_and_never_as_links():
    case = hostile_uploads.cases()["url_in_names"]
    at = upload(open_app(PAGE), case.files)
    at.session_state["data-network-yours"] = True
    at.session_state["data-network-boston"] = True
    at.run()
    text = markdown(at) + "\n".join(c.value for c in at.caption)
    shown = [name for name in hostile_uploads.URL_NAMES if escape_markdown(name) in text]
    assert len(shown) >= 2, shown  # the hub and the questions name some of them
    for name in hostile_uploads.URL_NAMES:
        assert name not in text, name  # never as written: "://", "www." and "@" each carry a word joiner
    assert not re.search(r"\]\([^)]*example\.(com|org|net)", text)  # no Markdown link to an address from the upload
    yours, _, boston, _ = at.dataframe[:4]
    assert "link" not in yours.proto.columns  # an upload's addresses stay text
    assert '"type": "link"' in boston.proto.columns  # a CTDC site's, from the cited dataset, are links


@pytest.mark.parametrize("name", ["deep_block_list.yaml", "deeper_still.yaml"])
def test_a_deeply_nested_yaml_file_gets_a_message_not_a_traceback(name):
    case = hostile_uploads.cases()[name]
    at = upload(open_app(PAGE), case.files)
    (error,) = at.error
    assert "is nested more than 20 levels deep" in re.sub(r"\\(.)", r"\1", error.value)
    assert escape_markdown(name) in error.value
    assert not chart_protos(at)


def test_viewers_never_see_a_traceback():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "type"  # the error's type only; the rest goes to the log


def test_a_busy_server_asks_for_a_new_upload_to_wait_and_reads_it_when_there_is_room(monkeypatch, catalog):
    gc.collect()  # maps left by earlier tests' sessions go now, not halfway through this test
    ledger = held_maps()  # the process's ledger, the one the page counts its uploads in
    held = result.read_map(example.example_files(), catalog, "held elsewhere", "Another session's map", held=ledger)
    monkeypatch.setattr(ledger, "limit", ledger.rows())  # the maps held now fill the process
    organizations = csv_bytes([["name", "type"], ["A", "other"], ["B", "other"]])
    at = upload(open_app(PAGE), [("o.csv", organizations), ("t.csv", csv_bytes([["source", "target", "kind"], ["A", "B", "x"]]))])
    (warning,) = at.warning
    assert "o.csv, t.csv: was not read: the server is busy" in re.sub(r"\\(.)", r"\1", warning.value)
    assert not at.error
    assert not chart_protos(at)
    del held  # the other session's map goes (its session ended)
    gc.collect()
    at.run()  # any rerun tries the same files again
    assert not at.warning
    assert len(chart_protos(at)) == 2
