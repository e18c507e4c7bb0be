"""Map your own ecosystem: the upload validator against a corpus of bad files (each with its
expected message, none with a traceback), the three formats, the worked example, templates,
nothing written to disk, and downloads that keep hostile names inert."""

from __future__ import annotations

import builtins
import csv
import functools
import gc
import io
import json
import os
import re
import tempfile
import weakref
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import hostile_uploads
import networkx as nx
import pytest
from openpyxl import Workbook, load_workbook

from dashboard.data import export
from dashboard.network import model as N
from dashboard.network import picture as NC
from dashboard.upload import downloads, example, readers, tables, templates, validation
from dashboard.upload import result as upload_result

CORPUS = Path(__file__).parent / "fixtures" / "uploads"


def corpus(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (CORPUS / name).read_bytes()) for name in names]


def messages(result: tables.UploadResult) -> list[str]:
    return [str(p) for p in result.problems]


# (files from the corpus, the expected message: a regular expression matched against one problem)
CASES = [
    (["empty.csv", "ties.csv"], r"^empty\.csv: is empty\.$"),
    (["blank.csv", "ties.csv"], r"^blank\.csv: is empty\.$"),
    (
        ["organizations_missing_type.csv", "ties.csv"],
        r"^organizations_missing_type\.csv, row 1: the organizations table is missing the column 'type' \(found: name, url\)\.$",
    ),
    (
        ["organizations_unknown_type.csv", "ties.csv"],
        (
            r"^organizations_unknown_type\.csv, row 4, column 'type': unknown type 'local goverment'\. Did you mean 'local government'\? "
            r"Allowed types: local government, civic tech group, "
        ),
    ),
    (
        ["organizations_synonym_type.csv", "ties.csv"],
        r"row 3, column 'type': unknown type 'brigade'\. Did you mean 'civic tech group'\?",
    ),
    (
        ["organizations_duplicate.csv", "ties.csv"],
        r"^organizations_duplicate\.csv, row 4, column 'name': the name 'code for alpha' is already used \(row 2, as 'Code for Alpha'\)\.$",
    ),
    (["organizations_latin1.csv", "ties.csv"], r"^organizations_latin1\.csv, line 3: is not UTF-8 text\. Save it again as UTF-8"),
    (
        ["organizations_bad_url.csv", "ties.csv"],
        r"row 2, column 'url': the url must be a full address starting with http:// or https://\.$",
    ),
    (
        ["organizations_header_only.csv", "ties.csv"],
        r"^organizations_header_only\.csv: the organizations table has no rows under its headings\.$",
    ),
    (
        ["organizations.csv", "ties_unknown_organization.csv"],
        (
            r"^ties_unknown_organization\.csv, row 2, column 'source': 'Alpha Dta Group' is not in the organizations list\. "
            r"Did you mean 'Alpha Data Group'\?$"
        ),
    ),
    (
        ["organizations.csv", "ties_self.csv"],
        r"^ties_self\.csv, row 2, column 'target': a tie from 'Alpha Data Group' to itself\.$",
    ),
    (
        ["organizations.csv", "ties_missing_target.csv"],
        r"^ties_missing_target\.csv, row 1: the ties table is missing the column 'target'",
    ),
    (["organizations.csv", "ties_empty_source.csv"], r"^ties_empty_source\.csv, row 2, column 'source': the source is empty\.$"),
    (["unknown_headings.csv", "ties.csv"], r"^unknown_headings\.csv, row 1: its headings match neither table"),
    (["organizations.csv"], r"^organizations\.csv: this is the organizations table; upload the ties CSV as well\.$"),
    (["ties.csv"], r"^ties\.csv: this is the ties table; upload the organizations CSV as well\.$"),
    (["organizations.csv", "organizations.csv"], r"both files look like the organizations table"),
    (["organizations.csv", "ties.csv", "ties.csv"], r"upload at most two files"),
    (
        ["workbook_renamed.csv", "ties.csv"],
        r"^workbook_renamed\.csv: looks like an Excel workbook, not CSV text: name it \.xlsx\.$",
    ),
    (["not_a_mapping.yaml"], r"^not_a_mapping\.yaml: must be a mapping with two lists: 'organizations' and 'ties'\.$"),
    (["malformed.yaml"], r"^malformed\.yaml, line \d+: is not valid YAML: "),
    (["missing_ties.yaml"], r"^missing_ties\.yaml: has no 'ties' list\.$"),
    (["list_value.yaml"], r"^list_value\.yaml, line 2, column 'name': must be a single value, not a list or mapping\.$"),
    (["ecosystem.json"], r"^ecosystem\.json: upload two CSV files \(organizations and ties\), one YAML file"),
    (
        ["broken.xlsx"],
        r"^broken\.xlsx: could not be read as an Excel workbook \(BadZipFile\)\. Open it in your spreadsheet program, save it again",
    ),
    (["old.xls"], r"^old\.xls: old Excel \(\.xls\) files cannot be read: save the workbook as \.xlsx\.$"),
]


@pytest.mark.parametrize(
    ("names", "expected"), CASES, ids=[c[0][0] if len(c[0]) == 1 or c[0][0] != "organizations.csv" else c[0][1] for c in CASES]
)
def test_bad_file_gets_its_message(names: list[str], expected: str):
    result = validation.parse_upload(corpus(*names))
    assert result.ecosystem is None
    assert not result.ok
    found = messages(result)
    assert any(re.search(expected, m) for m in found), found


def test_every_corpus_file_is_used():
    used = {name for names, _ in CASES for name in names}
    assert {p.name for p in CORPUS.iterdir() if p.name != "README.md"} == used


def test_problems_on_a_broken_organization_are_not_repeated_for_its_ties():
    result = validation.parse_upload(corpus("organizations_unknown_type.csv", "ties.csv"))
    assert len(result.problems) == 1
    frame = tables.problems_frame(result)
    assert frame.loc[0, "row"] == 4
    assert frame.loc[0, "column"] == "type"


def test_a_valid_pair_reads():
    result = validation.parse_upload(corpus("organizations.csv", "ties.csv"))
    assert result.ok
    assert not result.notes
    eco = result.ecosystem
    assert list(eco.organizations["name"]) == ["Alpha Data Group", "Code for Alpha", "Alpha City Hall"]
    assert eco.origin == "upload"
    assert not eco.fictional
    assert eco.name == "Your ecosystem"
    names = eco.organizations.set_index("id")["name"]
    assert [(names[a], k, names[b]) for a, k, b in zip(eco.ties["source"], eco.ties["kind"], eco.ties["target"])] == [
        ("Alpha Data Group", "partnered", "Code for Alpha"),
        ("Alpha City Hall", "funded", "Alpha Data Group"),
    ]


# ---------------------------------------------------------------- generated files


def csv_bytes(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ORGS = [
    ["name", "type", "url", "notes"],
    ["Alpha Data Group", "data intermediary", "", ""],
    ["Code for Alpha", "civic tech group", "", ""],
]
TIES = [["source", "target", "kind", "note"], ["Alpha Data Group", "Code for Alpha", "partnered", ""]]


def test_over_two_megabytes():
    big = csv_bytes(ORGS) + b"x" * (tables.MAX_BYTES + 1)
    result = validation.parse_upload([("organizations.csv", big), ("ties.csv", csv_bytes(TIES))])
    assert messages(result) == ["organizations.csv: is 2.0 MB; the most allowed is 2 MB."]


def test_over_five_thousand_organizations():
    rows = [ORGS[0]] + [[f"Org {i}", "other", "", ""] for i in range(tables.MAX_ORGANIZATIONS + 1)]
    result = validation.parse_upload([("organizations.csv", csv_bytes(rows)), ("ties.csv", csv_bytes(TIES))])
    assert messages(result) == ["organizations.csv: has 5,001 organizations; the most allowed is 5,000."]


def test_over_twenty_thousand_ties():
    rows = [TIES[0]] + [["Alpha Data Group", "Code for Alpha", f"kind {i}", ""] for i in range(tables.MAX_TIES + 1)]
    result = validation.parse_upload([("organizations.csv", csv_bytes(ORGS)), ("ties.csv", csv_bytes(rows))])
    assert messages(result) == ["ties.csv: has more than 20,000 rows, the most an upload may have."]


def test_workbook_without_a_ties_sheet():
    data = workbook_bytes({"Organizations": ORGS, "Sheet2": []})
    assert messages(validation.parse_upload([("map.xlsx", data)])) == [
        "map.xlsx: has no sheet named 'ties' (its sheets: Organizations, Sheet2)."
    ]


def test_workbook_that_would_unpack_too_far():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"0" * (readers.MAX_UNPACKED_BYTES + 1))
    result = validation.parse_upload([("bomb.xlsx", buffer.getvalue())])
    assert messages(result) == [
        "bomb.xlsx: unpacks to more than 40 MB; it cannot be an ecosystem map of the allowed size. "
        "Copy the two sheets, organizations and ties, into a new workbook and upload that."
    ]


def test_damaged_workbook_parts_give_a_message():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<not xml")
    result = validation.parse_upload([("damaged.xlsx", buffer.getvalue())])
    assert len(result.problems) == 1
    assert "could not be read as an Excel workbook" in str(result.problems[0])


def test_too_many_problems_are_summed_up():
    rows = [ORGS[0]] + [[f"Org {i}", "unknown", "", ""] for i in range(tables.MAX_LISTED + 5)]
    ties = [TIES[0], ["Org 0", "Org 1", "partnered", ""]]
    result = validation.parse_upload([("organizations.csv", csv_bytes(rows)), ("ties.csv", csv_bytes(ties))])
    assert len(result.problems) == tables.MAX_LISTED + 1
    assert str(result.problems[-1]).endswith("… and 5 more problems.")


def test_text_that_is_too_long():
    rows = [ORGS[0], ["A" * 201, "other", "", ""]]
    result = validation.parse_upload([("organizations.csv", csv_bytes(rows)), ("ties.csv", csv_bytes(TIES))])
    assert "organizations.csv, row 2, column 'name': is 201 characters long; the most allowed is 200." in messages(result)


# ---------------------------------------------------------------- the three formats


def same_network(result: tables.UploadResult) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    assert result.ok, messages(result)
    eco = result.ecosystem
    names = eco.organizations.set_index("id")["name"]
    orgs = list(zip(eco.organizations["name"], eco.organizations["type"]))
    ties = [(names[a], str(k), names[b]) for a, k, b in zip(eco.ties["source"], eco.ties["kind"], eco.ties["target"])]
    return orgs, ties


def test_csv_yaml_and_workbook_read_the_same():
    from_csv = validation.parse_upload([("o.csv", csv_bytes(ORGS)), ("t.csv", csv_bytes(TIES))])
    yaml_text = (
        "organizations:\n  - name: Alpha Data Group\n    type: data intermediary\n"
        "  - name: Code for Alpha\n    type: civic tech group\n"
        "ties:\n  - source: Alpha Data Group\n    target: Code for Alpha\n    kind: partnered\n"
    )
    from_yaml = validation.parse_upload([("map.yaml", yaml_text.encode())])
    from_xlsx = validation.parse_upload([("map.xlsx", workbook_bytes({"organizations": ORGS, "ties": TIES}))])
    assert same_network(from_csv) == same_network(from_yaml) == same_network(from_xlsx)


def test_friendly_variants_are_accepted():
    """Semicolons, a byte-order mark, other headings, any case in types and tie ends, and blank rows."""
    orgs = [
        ["Organisation", "Type", "Website"],
        ["Alpha Data Group", "Data  Intermediary", "https://example.org/"],
        ["", "", ""],
        ["Code for Alpha", "civic tech group", ""],
    ]
    ties = [
        ["From", "To", "Type", "Notes"],
        ["alpha data group", "CODE FOR ALPHA", "", "no kind given"],
        ["Code for Alpha", "Alpha Data Group", "", "the same tie again"],
    ]
    result = validation.parse_upload([("o.csv", b"\xef\xbb\xbf" + csv_bytes(orgs, ";")), ("t.csv", csv_bytes(ties))])
    orgs_read, ties_read = same_network(result)
    assert orgs_read == [("Alpha Data Group", "data intermediary"), ("Code for Alpha", "civic tech group")]
    assert ties_read == [("Alpha Data Group", validation.NOT_STATED, "Code for Alpha")]
    assert result.notes == ("1 repeated tie was counted once (rows 3).",)


def test_extra_columns_are_noted_and_yaml_keeps_values_as_text():
    yaml_text = (
        "organizations:\n  - name: no\n    type: other\n    budget: 12\n  - name: 2020\n    type: funder\n"
        "ties:\n  - source: 2020\n    target: no\n    kind: funded\n"
    )
    result = validation.parse_upload([("map.yaml", yaml_text.encode())])
    orgs, ties = same_network(result)
    assert orgs == [("no", "other"), ("2020", "funder")]
    assert ties == [("2020", "funded", "no")]
    assert result.notes == ("map.yaml: ignored the column(s) budget.",)


def test_workbook_formulas_and_numbers_stay_text():
    orgs = [["name", "type", "notes"], ["=1+1", "other", '=HYPERLINK("http://evil.example","x")'], [2024, "funder", 3.5]]
    ties = [["source", "target", "kind"], ["=1+1", "2024", "funded"]]
    result = validation.parse_upload([("map.xlsx", workbook_bytes({"organizations": orgs, "ties": ties}))])
    orgs_read, ties_read = same_network(result)
    assert orgs_read == [("=1+1", "other"), ("2024", "funder")]
    assert ties_read == [("=1+1", "funded", "2024")]
    assert result.ecosystem.organizations["notes"].tolist() == ['=HYPERLINK("http://evil.example","x")', "3.5"]


def test_reading_leaves_the_collector_alone_and_keeps_rows_untracked(monkeypatch):
    """Another session's work is never affected: the collector is not paused; rows are plain text dicts,
    which it does not track, so a large map gives it little to walk."""
    calls = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    tables_read, problems = readers.read_tables([("o.csv", csv_bytes(ORGS)), ("t.csv", csv_bytes(TIES))])
    assert problems == []
    assert validation.parse_upload([("o.csv", csv_bytes(ORGS)), ("t.csv", csv_bytes(TIES))]).ok
    assert calls == []
    rows = tables_read[tables.ORGANIZATIONS].rows
    assert rows == [
        {"name": "Alpha Data Group", "type": "data intermediary", "url": "", "notes": ""},
        {"name": "Code for Alpha", "type": "civic tech group", "url": "", "notes": ""},
    ]
    assert not any(gc.is_tracked(row) for row in rows)
    assert tables_read[tables.ORGANIZATIONS].positions == [2, 3]


def test_nothing_is_written_to_disk(monkeypatch):
    real_open, real_os_open = builtins.open, os.open

    def guarded_open(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            raise AssertionError(f"write to {file}")
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise AssertionError(f"write to {path}")
        return real_os_open(path, flags, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("temporary file")

    uploads = [
        [("o.csv", csv_bytes(ORGS)), ("t.csv", csv_bytes(TIES))],
        [("map.xlsx", workbook_bytes({"organizations": ORGS, "ties": TIES}))],
        [
            (
                "map.yaml",
                b"organizations:\n  - name: A\n    type: other\n  - name: B\n    type: other\nties:\n  - source: A\n    target: B\n    kind: x\n",
            )
        ],
    ]
    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile"):
        monkeypatch.setattr(tempfile, name, refuse)
    for files in uploads:
        assert validation.parse_upload(files).ok


# ---------------------------------------------------------------- example and templates


def test_worked_example_is_fictional_everywhere():
    result = example.load_example()
    assert result.ok
    assert not result.notes
    eco = result.ecosystem
    assert eco.fictional
    assert eco.origin == "example"
    assert "fictional" in eco.name
    assert eco.organizations["notes"].str.startswith("Fictional").all()
    assert eco.ties["note"].str.startswith("Fictional").all()
    metrics = N.network_metrics(eco)
    assert "fictional" in NC.network_chart(eco, metrics).to_dict()["title"]["text"][0]
    assert "fictional" in metrics.summary.iloc[0]["ecosystem"]
    assert "fictional" in downloads.metrics_csv(metrics).decode().splitlines()[1]
    assert json.loads(downloads.kumu_json_bytes(eco, metrics))["name"] == example.EXAMPLE_NAME
    urls = [u for u in eco.organizations["url"] if u]
    assert urls
    assert all(u.startswith("https://example.org/") for u in urls)


def test_templates_read_back_as_empty_maps():
    csv_files = templates.template_files("csv")
    assert csv_files["organizations.csv"] == b"name,type,url,notes\n"
    assert csv_files["ties.csv"] == b"source,target,kind,note\n"
    for fmt in ("csv", "yaml", "xlsx"):
        result = validation.parse_upload(list(templates.template_files(fmt).items()))
        empty = (
            "the 'organizations' list has no entries"
            if fmt == "yaml"
            else "the organizations table has no rows under its headings"
        )
        assert any(empty in m for m in messages(result)), (fmt, messages(result))
    yaml_text = templates.template_files("yaml")["ecosystem.yaml"].decode()
    assert all(t in yaml_text for t in N.NETWORK_TYPES)
    with pytest.raises(ValueError):
        templates.template_files("docx")


def test_filled_workbook_template_reads():
    book = load_workbook(io.BytesIO(templates.template_files("xlsx")["ecosystem.xlsx"]))
    assert book.sheetnames == ["organizations", "ties", "allowed values"]
    assert book["organizations"].data_validations.dataValidation[0].formula1.strip('"').split(",") == list(N.NETWORK_TYPES)
    for row in ORGS[1:]:
        book["organizations"].append(row)
    for row in TIES[1:]:
        book["ties"].append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    assert validation.parse_upload([("filled.xlsx", buffer.getvalue())]).ok


# ---------------------------------------------------------------- downloads keep hostile names inert

HOSTILE = [
    ["<script>alert('x')</script>", "local government"],
    ["[click](javascript:alert(1))", "civic tech group"],
    ['=HYPERLINK("http://evil.example","x")', "data intermediary"],
    ["+SUM(1,1)", "funder"],
    ["@cmd", "community organization"],
    ["-2+3", "other"],
]


@pytest.fixture(scope="module")
def hostile() -> tuple[N.Ecosystem, N.NetworkMetrics]:
    orgs = [["name", "type", "notes"]] + [[n, t, "=cmd|' /C calc'!A0"] for n, t in HOSTILE]
    ties = [["source", "target", "kind", "note"]] + [
        [n, HOSTILE[2][0], "=partnered", "@note"] for n, _ in HOSTILE if n != HOSTILE[2][0]
    ]
    result = validation.parse_upload([("o.csv", csv_bytes(orgs)), ("t.csv", csv_bytes(ties))])
    assert result.ok, messages(result)
    return result.ecosystem, N.network_metrics(result.ecosystem)


def formula_like(value: str) -> bool:
    return value.startswith(("=", "+", "-", "@"))


def test_csv_downloads_neutralise_formulas(hostile):
    eco, metrics = hostile
    files = [
        downloads.metrics_csv(metrics),
        downloads.summary_csv(metrics.summary),
        downloads.summary_csv(N.organization_table(eco, metrics)),
        downloads.summary_csv(N.tie_table(eco)),
    ]
    for data in files:
        for row in csv.reader(io.StringIO(data.decode("utf-8"))):
            assert not any(formula_like(cell) for cell in row), row
    assert "'=HYPERLINK" in files[0].decode()


def test_graphml_is_escaped_and_neutralised(hostile):
    eco, metrics = hostile
    data = downloads.graphml_bytes(eco, metrics)
    assert data.startswith(b"<?xml")
    assert b"<script>" not in data
    root = ET.fromstring(data)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", ns)}
    labels = [d.text for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data") if keys[d.get("key")] == "label"]
    assert sorted(labels) == sorted(export.neutralize(n) for n, _ in HOSTILE)
    texts = [d.text or "" for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data")]
    assert not any(formula_like(t) for t in texts)
    assert len(root.findall("g:graph/g:edge", ns)) == len(eco.ties)


def test_kumu_json_is_escaped_and_neutralised(hostile):
    eco, metrics = hostile
    document = json.loads(downloads.kumu_json_bytes(eco, metrics))
    labels = {e["label"] for e in document["elements"]}
    assert labels == {export.neutralize(n) for n, _ in HOSTILE}
    assert all(c["from"] in labels and c["to"] in labels for c in document["connections"])
    strings = [v for e in document["elements"] + document["connections"] for v in e.values() if isinstance(v, str)]
    assert not any(formula_like(s) for s in strings)


def test_picture_downloads_are_valid_images_with_inert_text(hostile):
    eco, metrics = hostile
    svg = downloads.chart_image(eco, metrics, "svg")
    root = ET.fromstring(svg)  # well-formed XML: the names are escaped
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert "&lt;script&gt;" in svg.decode()
    png = downloads.chart_image(eco, metrics, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(ValueError):
        downloads.chart_image(eco, metrics, "gif")


ALIAS_BOMB = (
    b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\norganizations: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nties: []\n"
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([("o.csv", b'name,type\n"unterminated,other\n'), ("t.csv", b"source,target,kind\n")], r"could not be read as CSV"),
        (
            [("o.csv", b'name,type\n"' + b"x" * 200_000 + b'",other\n'), ("t.csv", b"source,target,kind\n")],
            r"could not be read as CSV",
        ),
        ([("bomb.yaml", ALIAS_BOMB)], r"^bomb\.yaml, line 3: each entry under 'organizations' must be a mapping"),
        (
            [("many.yaml", b"m: &m {name: A, type: other}\norganizations: [" + b"*m, " * 5_001 + b"]\nties: []\n")],
            r"^many\.yaml: has 5,001 organizations; the most allowed is 5,000\.$",
        ),
        ([("tag.yaml", b"organizations: !!python/object/apply:os.system ['echo']\nties: []\n")], r"must be a mapping"),
        ([("key.yaml", b"? [a, b]\n: c\n")], r"is not valid YAML"),
        ([("two.yaml", b"a: 1\n---\nb: 2\n")], r"is not valid YAML"),
        ([("noise.xlsx", bytes(range(256)) * 4)], r"could not be read as an Excel workbook"),
        ([("noise.csv", bytes(range(255, -1, -1)) * 4), ("t.csv", b"source,target,kind\n")], r"is not UTF-8 text"),
        ([], r"no file was given"),
    ],
)
def test_hostile_files_get_a_message_not_a_traceback(files, expected):
    result = validation.parse_upload(files)
    assert result.ecosystem is None
    assert len(result.problems) <= tables.MAX_LISTED + 1
    assert any(re.search(expected, m) for m in messages(result)), messages(result)


# ---------------------------------------------------------------- the hostile set (tests/hostile_uploads.py)

HOSTILE_CASES = hostile_uploads.cases()


@pytest.mark.parametrize("name", sorted(HOSTILE_CASES))
def test_hostile_upload_gets_a_message_naming_its_file_or_is_read_with_its_notes(name, catalog):
    case = HOSTILE_CASES[name]
    shown = upload_result.read_map(case.files, catalog, name, "Your ecosystem")  # never raises
    file_names = [f for f, _ in case.files]
    if case.refused:
        assert shown.network is None
        found = messages(shown.result)
        assert any(re.search(case.refused, m) for m in found), found
        assert all(m.startswith(tuple(file_names)) for m in found), found
    else:
        assert shown.result.ok, messages(shown.result)
        assert set(case.accepted) <= set(shown.result.notes), shown.result.notes


def test_a_sheet_that_claims_fewer_rows_and_columns_is_read_whole():
    case = HOSTILE_CASES["lying_dimension"]
    ecosystem = validation.parse_upload(case.files).ecosystem
    assert ecosystem is not None
    assert len(ecosystem.organizations) == 7  # not the 1 row the sheet's size claims
    assert (ecosystem.organizations["url"] == "https://example.org/").sum() == 5  # column C, past the claimed B


def test_names_are_compared_without_invisible_characters_and_in_one_unicode_form():
    assert tables.name_key("City\u200bHall") == tables.name_key("City Hall") == tables.name_key("ＣＩＴＹ  hall")
    assert tables.name_key("Data Hub\u200d") == tables.name_key("data hub")
    assert tables.name_key("Data Hub") != tables.name_key("DataHub")
    assert tables.invisible("Park\u202eskroW\u200b") == ["U+202E RIGHT-TO-LEFT OVERRIDE", "U+200B ZERO WIDTH SPACE"]
    assert tables.invisible("Café Ünited") == []
    read = validation.parse_upload(HOSTILE_CASES["zero_width_tie_end"].files)
    names = read.ecosystem.organizations.set_index("id")["name"]
    assert [(names[a], names[b]) for a, b in zip(read.ecosystem.ties["source"], read.ecosystem.ties["target"])] == [
        ("City Hall", "Data Hub")
    ]


def test_a_failure_no_check_foresaw_gets_a_message_naming_the_files_and_is_logged(monkeypatch, catalog, caplog):
    files = [("o.csv", csv_bytes(ORGS)), ("t.csv", csv_bytes(TIES))]

    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded in /srv/app/secret.py")

    monkeypatch.setattr(validation, "read_tables", explode)
    (problem,) = validation.parse_upload(files).problems
    assert str(problem).startswith("o.csv, t.csv: could not be read (RecursionError). Check that it follows one of the")
    assert "/srv" not in str(problem)
    assert "secret" not in str(problem)
    assert "secret.py" in caplog.text  # the whole error is in the server's log
    monkeypatch.undo()
    monkeypatch.setattr(upload_result, "network_metrics", explode)
    shown = upload_result.read_map(files, catalog, "k", "Your ecosystem")
    assert shown.network is None
    assert str(shown.result.problems[0]).startswith("o.csv, t.csv: could not be read (RecursionError)")


def test_a_full_ledger_refuses_an_upload_unread_with_the_busy_message_naming_its_files(monkeypatch, catalog):
    held = upload_result.HeldMaps(limit=len(ORGS) - 1 + len(TIES) - 1)
    files = [("o.csv", csv_bytes(ORGS)), ("t.csv", csv_bytes(TIES))]
    first = upload_result.read_map(files, catalog, "first", "Your ecosystem", held=held)
    assert first.network is not None
    assert held.rows() == held.limit
    assert held.full()

    def unread(*args, **kwargs):
        raise AssertionError("a refused upload must not be read")

    monkeypatch.setattr(upload_result, "parse_upload", unread)
    refused = upload_result.read_map(files, catalog, "second", "Your ecosystem", held=held)
    assert refused.busy
    assert refused.network is None
    (problem,) = refused.result.problems
    assert str(problem) == "o.csv, t.csv: " + upload_result.BUSY
    assert held.rows() == held.limit  # a refused upload is not counted


def test_a_ledger_forgets_a_dropped_map_and_returns_the_freed_memory(monkeypatch, catalog):
    returned: list[bool] = []
    monkeypatch.setattr(upload_result, "return_freed_memory", lambda: returned.append(True))
    held = upload_result.HeldMaps()
    shown = upload_result.read_map([("o.csv", csv_bytes(ORGS)), ("t.csv", csv_bytes(TIES))], catalog, "k", "Mine", held=held)
    assert held.rows() == len(ORGS) - 1 + len(TIES) - 1
    assert returned == [True]  # what reading took and let go
    del shown
    gc.collect()
    assert held.rows() == 0
    assert not held.full()
    assert returned == [True, True]


def test_a_map_read_keeps_no_graph_and_leaves_none_for_the_collector(catalog):
    """The graphs the measures and the questions were computed on (an uploaded map's hold tens of thousands of
    objects, and their views refer back to them) are gone when the map is handed out, not left for a collection
    the server may not run for a long time."""
    gc.collect()
    shown = upload_result.read_map([("o.csv", csv_bytes(ORGS)), ("t.csv", csv_bytes(TIES))], catalog, "k", "Mine")
    assert shown.network is not None
    assert not [o for o in gc.get_objects() if isinstance(o, nx.Graph)]


def test_without_glibc_freed_memory_is_left_to_the_allocator(monkeypatch):
    def no_glibc(name):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(upload_result.ctypes, "CDLL", no_glibc)
    upload_result._malloc_trim.cache_clear()
    try:
        assert upload_result._malloc_trim() is None
        upload_result.return_freed_memory()  # nothing to call, and no error
    finally:
        upload_result._malloc_trim.cache_clear()


def test_a_download_made_later_holds_its_map_only_weakly(catalog):
    shown = upload_result.read_map(example.example_files(), catalog, "example", example.EXAMPLE_NAME, "example")
    make = upload_result.made_later(shown, lambda held: held.download("metrics-csv"))
    assert make() == shown.download("metrics-csv")
    gone = weakref.ref(shown)
    del shown
    gc.collect()
    assert gone() is None  # the callable did not keep the map
    with pytest.raises(ValueError, match="upload it again"):
        make()


def test_a_picture_beside_a_site_is_made_later_without_holding_its_map(catalog):
    # The page hands its download buttons a plain method of the map: a function of the page script would
    # carry the script's globals, the map among them, into Streamlit's media store past the session.
    shown = upload_result.read_map(example.example_files(), catalog, "example", example.EXAMPLE_NAME, "example")
    make = upload_result.made_later(
        shown, functools.partial(upload_result.MapResult.download_beside_site, kind="svg", catalog=catalog, site_id="boston")
    )
    svg = make().decode()
    assert "Riverbend" in svg
    assert "Boston" in svg
    assert shown.download_beside_site("metrics-csv", catalog, "boston") == shown.download("metrics-csv")
    gone = weakref.ref(shown)
    del shown
    gc.collect()
    assert gone() is None
