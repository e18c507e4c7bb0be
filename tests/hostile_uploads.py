"""The hostile uploads Your ecosystem must answer with a message or show inert, made here rather than kept as
binary files: YAML nested hundreds of levels deep (flow and block), workbooks whose sheets claim fewer rows
and columns than they hold, names that differ only by invisible characters, names holding web addresses,
Markdown images and e-mail addresses, a damaged workbook, repeated YAML keys and headings, and cells
under no heading. Every organization is fictional.

``CASES`` maps a case's name to its files and what must come of them: ``refused`` (a regular expression
one problem must match; every problem must start with a file's name) or ``accepted`` (the notes that
must be among the result's notes). Run ``python tests/hostile_uploads.py FOLDER`` to write the files
out, for trying them in a browser by hand.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

ORGANIZATIONS = [
    ["name", "type", "url", "notes"],
    ["City Hall", "local government", "", ""],
    ["Data Hub", "data intermediary", "", ""],
]
TIES = [["source", "target", "kind", "note"], ["City Hall", "Data Hub", "partnered", ""]]
DEPTH = 330  # the depth that ended in a RecursionError before (300 still got a message)
URL_NAMES = [
    "![img](http://example.com/x.png)",
    "[click](https://example.com/page)",
    "http://example.com/plain",
    "see www.example.org today",
    "someone@example.com",
    "<http://example.com/angle>",
    "Office of http://www.example.net",
]


@dataclass(frozen=True)
class Case:
    """Files to upload and what must come of them (see the module's docstring)."""

    files: list[tuple[str, bytes]]
    refused: str | None = None
    accepted: list[str] = field(default_factory=list)


def csv_bytes(rows: list[list[str]]) -> bytes:
    """Rows as CSV (UTF-8)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def workbook_bytes(organizations: list[list[object]], ties: list[list[object]]) -> bytes:
    """A workbook with the sheets 'organizations' and 'ties' (written by openpyxl, so its sizes are true)."""
    book = Workbook(write_only=True)
    for title, rows in (("organizations", organizations), ("ties", ties)):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(workbook: bytes, part: str, change: dict[bytes, bytes] | None = None, data: bytes | None = None) -> bytes:
    """The workbook with one part's bytes replaced (``data``) or changed by regular expressions (``change``)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                content = data if data is not None else content
                for pattern, replacement in (change or {}).items():
                    content = re.sub(pattern, replacement, content)
            target.writestr(info.filename, content)
    return buffer.getvalue()


def lying_dimension(organizations: list[list[object]], claim: str) -> bytes:
    """A workbook whose organizations sheet claims the size ``claim`` (e.g. "A1:B2") in its <dimension>."""
    book = rewritten(workbook_bytes(organizations, TIES), "xl/worksheets/sheet1.xml", {rb'<dimension ref="[^"]*"/>': b""})
    return rewritten(
        book, "xl/worksheets/sheet1.xml", {rb"(<worksheet[^>]*>)": rb'\1<dimension ref="' + claim.encode() + rb'"/>'}
    )


def damaged_deflate(workbook: bytes, part: str) -> bytes:
    """The workbook with bytes inside one part's compressed data flipped: unreadable, though the archive's
    directory is intact."""
    info = zipfile.ZipFile(io.BytesIO(workbook)).getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 2
    data = bytearray(workbook)
    for i in range(start, min(start + 24, start + info.compress_size)):
        data[i] ^= 0xFF
    return bytes(data)


def deep_yaml() -> dict[str, Case]:
    """YAML nested ``DEPTH`` levels (and ten times that), in flow and block style, at the top and in an entry."""
    variants = {
        "deep_flow_list.yaml": b"organizations: " + b"[" * DEPTH + b"]" * DEPTH + b"\nties: []\n",
        "deep_flow_mapping.yaml": b"organizations: " + b"{a: " * DEPTH + b"x" + b"}" * DEPTH + b"\nties: []\n",
        "deep_block_list.yaml": b"organizations:\n  " + b"- " * DEPTH + b"x\nties: []\n",
        "deep_block_mapping.yaml": b"organizations:\n"
        + b"".join(b"  " * (i + 1) + b"a:\n" for i in range(DEPTH))
        + b"ties: []\n",
        "deep_in_an_entry.yaml": b"organizations:\n  - name: " + b"[" * DEPTH + b"]" * DEPTH + b"\n    type: other\nties: []\n",
        "deeper_still.yaml": b"organizations: " + b"[" * (10 * DEPTH) + b"]" * (10 * DEPTH) + b"\nties: []\n",
    }
    return {
        name: Case([(name, data)], refused=rf"^{re.escape(name)}, line \d+: is nested more than 20 levels deep")
        for name, data in variants.items()
    }


def cases() -> dict[str, Case]:
    """Every hostile case, by name."""
    many = [ORGANIZATIONS[0]] + [[f"Fictional Organization {i:04d}", "other", "", ""] for i in range(5_001)]
    zero_width = [*ORGANIZATIONS, ["City\u200bHall", "funder", "", ""]]
    url_names = [ORGANIZATIONS[0]] + [[name, "other", "", ""] for name in URL_NAMES]
    url_ties = [TIES[0]] + [[name, URL_NAMES[0], "partnered", "see http://example.com/tie"] for name in URL_NAMES[1:]]
    return {
        **deep_yaml(),
        "lying_dimension": Case(
            [
                (
                    "lying_dimension.xlsx",
                    lying_dimension(
                        [*ORGANIZATIONS, *[[f"Org {i}", "other", "https://example.org/", "x"] for i in range(5)]], "A1:B2"
                    ),
                )
            ],
            accepted=[
                "lying_dimension.xlsx (sheet 'organizations'): the sheet says it holds 2 rows, but 8 were read "
                "(headings included); every row read was checked."
            ],
        ),
        "lying_dimension_over_the_limit": Case(
            [("lying_dimension_over_the_limit.xlsx", lying_dimension(many, "A1:D5"))],
            refused=r"^lying_dimension_over_the_limit\.xlsx, sheet 'organizations': has more than 5,000 rows",
        ),
        "zero_width_duplicate": Case(
            [("zero_width.csv", csv_bytes(zero_width)), ("ties.csv", csv_bytes(TIES))],
            refused=r"^zero_width\.csv, row 4, column 'name': the name 'City\\u200bHall' is already used \(row 2, as 'City Hall'\)\.$",
        ),
        "zero_width_tie_end": Case(
            [
                ("organizations.csv", csv_bytes(ORGANIZATIONS)),
                ("zero_width_ties.csv", csv_bytes([TIES[0], ["City\u200bHall", "Data Hub\u200d", "funded", ""]])),
            ],
            accepted=[
                "zero_width_ties.csv, row 2, column 'source': holds invisible characters (U+200B ZERO WIDTH SPACE); "
                "names are compared without them.",
                "zero_width_ties.csv, row 2, column 'target': holds invisible characters (U+200D ZERO WIDTH JOINER); "
                "names are compared without them.",
            ],
        ),
        "direction_override": Case(
            [("direction.csv", csv_bytes([*ORGANIZATIONS, ["Park\u202eskroW", "other", "", ""]])), ("ties.csv", csv_bytes(TIES))],
            accepted=[
                "direction.csv, row 4, column 'name': holds invisible characters (U+202E RIGHT-TO-LEFT OVERRIDE); "
                "names are compared without them."
            ],
        ),
        "url_in_names": Case([("url_names.csv", csv_bytes(url_names)), ("url_ties.csv", csv_bytes(url_ties))]),
        "damaged_workbook_part": Case(
            [("damaged_part.xlsx", damaged_deflate(workbook_bytes(ORGANIZATIONS, TIES), "xl/worksheets/sheet1.xml"))],
            refused=r"^damaged_part\.xlsx: could not be read as an Excel workbook \(damaged compressed data\)\. Open it",
        ),
        "repeated_yaml_key": Case(
            [("repeated_key.yaml", b"organizations:\n  - name: A\n    type: other\n    name: B\nties: []\n")],
            refused=r"^repeated_key\.yaml, line 4: the key 'name' is written twice at the same level \(also on line 2\)",
        ),
        "repeated_heading": Case(
            [
                ("repeated_heading.csv", csv_bytes([["name", "type", "organization"], ["A", "other", "B"]])),
                ("ties.csv", csv_bytes(TIES)),
            ],
            refused=r"^repeated_heading\.csv, row 1: the column 'name' is given more than once \(columns 1, 3\)",
        ),
        "cells_under_no_heading": Case(
            [
                ("no_heading.csv", csv_bytes([ORGANIZATIONS[0], *[[*row, "stray"] for row in ORGANIZATIONS[1:]]])),
                ("ties.csv", csv_bytes(TIES)),
            ],
            accepted=[
                "no_heading.csv: 2 row(s) had cells under no heading, which were ignored (rows 2, 3). "
                "Give each column a heading to use it."
            ],
        ),
    }


def main(argv: list[str]) -> int:
    """Write every case's files into the folder named by the one argument."""
    if len(argv) != 1:
        print("usage: python tests/hostile_uploads.py FOLDER", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    for name, case in cases().items():
        for file_name, data in case.files:
            target = folder / name / file_name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
