"""Map your own ecosystem: templates, reading and validating an upload, and the result downloads.

An upload is the bytes and names of the files a person chose: two CSV files (organizations and
ties), one YAML file or one Excel workbook with two sheets. Everything is read in memory and
nothing is written to disk. Validation never raises: it returns every problem found, each with
its file, row (or YAML line) and column, in plain text. Cells are kept as inert text (formulas
are not evaluated); downloads neutralise formula-like text and escape GraphML and JSON.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import altair as alt
import networkx as nx
import pandas as pd
import yaml

from dashboard.data.export import neutralize, safe_csv
from dashboard.data.schema import RELATIONSHIP_KINDS
from dashboard.data.text import escape_markdown, is_http_url
from dashboard.network.model import NETWORK_TYPES, ORGANIZATION_COLUMNS, TIE_COLUMNS, Ecosystem, NetworkMetrics
from dashboard.network.picture import network_chart

# The most one file may hold; .streamlit/config.toml sets server.maxUploadSize to the same number of MB.
MAX_UPLOAD_MB = 2
MAX_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ORGANIZATIONS = 5_000
MAX_TIES = 20_000
# A workbook is a zip archive: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_LENGTHS = {"name": 200, "type": 60, "url": 2_000, "notes": 2_000, "source": 200, "target": 200, "kind": 60, "note": 2_000}
SHORTEST_LIMIT = min(MAX_LENGTHS.values())
# Problems listed in full; past this, one line says how many more there are.
MAX_LISTED = 200
# Unknown tie ends checked for a near match among the names (each check reads every name).
MAX_SUGGESTIONS = 10
VALUE_SHOWN = 60
NOT_STATED = "not stated"

ORGANIZATIONS = "organizations"
TIES = "ties"
TABLE_COLUMNS = {ORGANIZATIONS: ("name", "type", "url", "notes"), TIES: ("source", "target", "kind", "note")}
REQUIRED_COLUMNS = {ORGANIZATIONS: ("name", "type"), TIES: ("source", "target", "kind")}
# Other headings people use for the same columns.
COLUMN_ALIASES = {
    ORGANIZATIONS: {
        "organization": "name",
        "organisation": "name",
        "note": "notes",
        "description": "notes",
        "website": "url",
        "link": "url",
    },
    TIES: {"from": "source", "to": "target", "type": "kind", "notes": "note", "description": "note"},
}
# Words people often write for a type, and the type to suggest for each.
TYPE_SYNONYMS = {
    "government": "local government",
    "city": "local government",
    "county": "local government",
    "city government": "local government",
    "brigade": "civic tech group",
    "civic tech": "civic tech group",
    "nonprofit": "community organization",
    "non-profit": "community organization",
    "community group": "community organization",
    "foundation": "funder",
    "philanthropy": "funder",
    "college": "university",
    "nnip partner": "data intermediary",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")

# What openpyxl raises on a damaged or foreign file: a broken archive, missing or malformed parts
# (XML parse errors are SyntaxError subclasses), or values it cannot interpret.
WORKBOOK_ERRORS = (
    zipfile.BadZipFile,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    EOFError,
    SyntaxError,
)
# Width of the downloadable picture, in pixels.
IMAGE_WIDTH = 720

EXAMPLE_NAME = "Riverbend (fictional example)"
EXAMPLE_FILES = ("riverbend_organizations.csv", "riverbend_ties.csv")

TEMPLATE_YAML = """\
# Your civic tech and data ecosystem: who is in it, and who is tied to whom.
# organizations: one entry per organization. type is one of:
#   {types}
# ties: one entry per tie; source and target are names from the organizations list. kind is
# free text, for example: {kinds}.
# Quote a value that holds a colon, e.g.  notes: "Note: ..."
# Remove the '#' in front of an entry's lines to use it, and copy it for each further entry.
organizations:
  # - name: City of Example, Office of Innovation
  #   type: local government
  #   url: https://example.org/
  #   notes: What it does in the ecosystem.
ties:
  # - source: City of Example, Office of Innovation
  #   target: Example Data Collaborative
  #   kind: partnered
  #   note: What the tie is.
"""


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class UploadProblem:
    """One thing wrong with an upload, located as precisely as the format allows (plain text)."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts) + ": " + self.message


@dataclass(frozen=True)
class UploadResult:
    """The ecosystem read from an upload (None when there are problems), the problems, and notes
    on what was accepted but changed or ignored."""

    ecosystem: Ecosystem | None
    problems: tuple[UploadProblem, ...]
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the upload was read without problems."""
        return self.ecosystem is not None and not self.problems


def problems_frame(result: UploadResult) -> pd.DataFrame:
    """The problems as a table: file, sheet, row, line, column, problem (plain text)."""
    return pd.DataFrame(
        [
            {"file": p.file, "sheet": p.sheet or "", "row": p.row, "line": p.line, "column": p.column or "", "problem": p.message}
            for p in result.problems
        ],
        columns=["file", "sheet", "row", "line", "column", "problem"],
    )


def _shown(value: str) -> str:
    return repr(value if len(value) <= VALUE_SHOWN else value[: VALUE_SHOWN - 1] + "…")


def _clean(value: object) -> str:
    """A cell as one line of text: numbers and dates written out, control characters dropped,
    runs of white space made one space. Formula-like text stays as it is (it is never run)."""
    if isinstance(value, str) and value.isprintable() and "  " not in value:  # the common case, checked fast
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    text = getattr(value, "text", value)  # openpyxl keeps an array formula as an object with its text
    return _SPACE.sub(" ", _CONTROL.sub("", str(text))).strip()


# ---------------------------------------------------------------- reading each format


@dataclass
class _Table:
    """Rows of one table as read: where it came from, its headings, and (row or line, cells) pairs."""

    file: str
    sheet: str | None = None
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    by_line: bool = False  # YAML: positions are line numbers, headings are the keys used

    def problem(self, message: str, at: int | None = None, column: str | None = None) -> UploadProblem:
        if self.by_line:
            return UploadProblem(self.file, message, self.sheet, line=at, column=column)
        return UploadProblem(self.file, message, self.sheet, row=at, column=column)


def _normal(text: object) -> str:
    """A heading, sheet name or key made comparable: lower case, single spaces, no '_' or '-'."""
    return _SPACE.sub(" ", _clean(text).lower().replace("-", " ").replace("_", " ")).strip()


def _use_aliases(table: _Table, kind: str) -> None:
    """Rename the other headings people use (``from`` for ``source`` …) to the table's own."""
    aliases = COLUMN_ALIASES[kind]
    rename = {h: aliases[h] for h in table.header if h not in TABLE_COLUMNS[kind] and h in aliases}
    if not rename:
        return
    table.header = [rename.get(h, h) for h in table.header]
    table.rows = [(at, {rename.get(k, k): v for k, v in cells.items()}) for at, cells in table.rows]


def _decode(name: str, data: bytes) -> tuple[str | None, UploadProblem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, UploadProblem(name, "is not UTF-8 text. Save it again as UTF-8 (in Excel: 'CSV UTF-8').", line=line)


def _csv_table(name: str, text: str) -> tuple[_Table | None, list[UploadProblem]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    table = _Table(name)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
        header = next(reader, [])
        rows = []
        for number, cells in enumerate(reader, start=2):
            if number - 1 > MAX_TIES:
                return None, [UploadProblem(name, f"has more than {MAX_TIES:,} rows, the most an upload may have.")]
            if "".join(cells).strip():
                rows.append((number, cells))
    except csv.Error as exc:
        return None, [UploadProblem(name, f"could not be read as CSV ({exc}).", row=reader.line_num or None)]
    table.header = [_normal(h) for h in header]
    table.rows = [(n, dict(zip(table.header, map(_clean, cells)))) for n, cells in rows]
    return table, []


def _yaml_tables(name: str, text: str) -> tuple[dict[str, _Table], list[UploadProblem]]:
    """Both tables from one YAML document (all values read as text: no type guessing)."""
    loader = yaml.BaseLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return {}, [
            UploadProblem(name, f"is not valid YAML: {exc.problem or exc.context}.", line=mark.line + 1 if mark else None)
        ]
    except yaml.YAMLError as exc:
        return {}, [UploadProblem(name, f"is not valid YAML ({exc.__class__.__name__}).")]
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return {}, [UploadProblem(name, "must be a mapping with two lists: 'organizations' and 'ties'.")]
    entries = {_normal(k.value): (data.get(k.value), v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    tables: dict[str, _Table] = {}
    problems = []
    for key in (ORGANIZATIONS, TIES):
        value, seq = entries.get(key) or entries.get("organisations" if key == ORGANIZATIONS else key) or (None, None)
        if value is None:
            problems.append(UploadProblem(name, f"has no '{key}' list."))
            continue
        if value == "":  # the key with nothing under it: an empty table
            tables[key] = _Table(name, header=list(TABLE_COLUMNS[key]), by_line=True)
            continue
        if not isinstance(value, list) or not isinstance(seq, yaml.SequenceNode):
            problems.append(UploadProblem(name, f"'{key}' must be a list of entries, each starting with '- '."))
            continue
        limit = MAX_ORGANIZATIONS if key == ORGANIZATIONS else MAX_TIES
        if len(value) > limit:
            problems.append(UploadProblem(name, f"has {len(value):,} {key}; the most allowed is {limit:,}."))
            continue
        table = _Table(name, by_line=True)
        for item, item_node in zip(value, seq.value):
            line = item_node.start_mark.line + 1
            if not isinstance(item, dict):
                problems.append(table.problem(f"each entry under '{key}' must be a mapping such as 'name: ...'.", line))
                continue
            cells = {}
            for k, v in item.items():
                if isinstance(v, (list, dict)):
                    problems.append(table.problem("must be a single value, not a list or mapping.", line, _normal(k)))
                cells[_normal(k)] = _clean(v) if isinstance(v, str) else ""
            table.rows.append((line, cells))
        table.header = list(dict.fromkeys(h for _, cells in table.rows for h in cells))
        _use_aliases(table, key)
        tables[key] = table
    return tables, problems


def _xlsx_tables(name: str, data: bytes) -> tuple[dict[str, _Table], list[UploadProblem]]:
    """Both tables from a workbook's 'organizations' and 'ties' sheets (formulas read as their text)."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return {}, [UploadProblem(name, "unpacks to more than 40 MB; it cannot be an ecosystem map of the allowed size.")]
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except WORKBOOK_ERRORS as exc:
        return {}, [UploadProblem(name, f"could not be read as an Excel workbook ({exc.__class__.__name__}).")]
    try:
        sheets = {_normal(title): title for title in workbook.sheetnames}
        sheets.setdefault(ORGANIZATIONS, sheets.get("organisations", ""))
        tables: dict[str, _Table] = {}
        problems = []
        for key in (ORGANIZATIONS, TIES):
            title = sheets.get(key)
            if not title:
                problems.append(
                    UploadProblem(name, f"has no sheet named '{key}' (its sheets: {', '.join(workbook.sheetnames)}).")
                )
                continue
            table = _Table(name, sheet=title)
            limit = MAX_ORGANIZATIONS if key == ORGANIZATIONS else MAX_TIES
            rows = workbook[title].iter_rows(values_only=True)
            table.header = [_normal(h) for h in next(rows, ())]
            for number, values in enumerate(rows, start=2):
                if number - 1 > limit:
                    problems.append(table.problem(f"has more than {limit:,} rows, the most allowed."))
                    break
                cells = {table.header[i]: _clean(v) for i, v in enumerate(values) if i < len(table.header) and table.header[i]}
                if any(cells.values()):
                    table.rows.append((number, cells))
            _use_aliases(table, key)
            tables[key] = table
    except WORKBOOK_ERRORS as exc:  # a damaged sheet can fail only while it is read
        return {}, [UploadProblem(name, f"could not be read as an Excel workbook ({exc.__class__.__name__}).")]
    finally:
        workbook.close()
    return tables, problems


def _kind_of_csv(table: _Table) -> str | None:
    columns = set(table.header)
    if {"source", "target", "from", "to"} & columns:
        return TIES
    if {"name", "type", "organization", "organisation"} & columns:
        return ORGANIZATIONS
    return None


# ---------------------------------------------------------------- validating


def _suggest_type(value: str) -> str:
    key = _SPACE.sub(" ", value.lower().replace("_", " ")).strip()
    suggestion = TYPE_SYNONYMS.get(key) or next(iter(difflib.get_close_matches(key, NETWORK_TYPES, n=1, cutoff=0.6)), None)
    allowed = ", ".join(NETWORK_TYPES)
    return f" Did you mean '{suggestion}'? Allowed types: {allowed}." if suggestion else f" Allowed types: {allowed}."


def _key(name: str) -> str:
    return name.casefold()


def _check_columns(table: _Table, kind: str) -> list[UploadProblem]:
    missing = [c for c in REQUIRED_COLUMNS[kind] if c not in table.header]
    if not missing:
        return []
    found = ", ".join(h for h in table.header if h) or "none"
    noun = "column" if len(missing) == 1 else "columns"
    return [
        table.problem(
            f"the {kind} table is missing the {noun} {', '.join(repr(m) for m in missing)} (found: {found}).",
            None if table.by_line else 1,
        )
    ]


def _check_lengths(table: _Table, at: int, cells: dict[str, str]) -> list[UploadProblem]:
    if max(map(len, cells.values())) <= SHORTEST_LIMIT:
        return []
    return [
        table.problem(f"is {len(value):,} characters long; the most allowed is {MAX_LENGTHS[column]:,}.", at, column)
        for column, value in cells.items()
        if len(value) > MAX_LENGTHS[column]
    ]


def _organizations(table: _Table, problems: list[UploadProblem], known: set[str]) -> list[dict[str, Any]]:
    """The valid organization rows; every name seen, valid or not, goes into ``known`` (case-folded),
    so ties to a row with its own problem do not add a second one."""
    rows: list[dict[str, Any]] = []
    first_row: dict[str, int] = {}
    canonical = {t.casefold(): t for t in NETWORK_TYPES}
    for at, raw in table.rows:
        cells = {c: raw.get(c, "") for c in TABLE_COLUMNS[ORGANIZATIONS]}
        name, kind, url = cells["name"], cells["type"], cells["url"]
        bad = _check_lengths(table, at, cells)
        if not name:
            bad.append(table.problem("the name is empty.", at, "name"))
        elif _key(name) in first_row:
            where = "line" if table.by_line else "row"
            bad.append(table.problem(f"the name {_shown(name)} is already used ({where} {first_row[_key(name)]}).", at, "name"))
        if not kind:
            bad.append(table.problem("the type is empty." + _suggest_type(""), at, "type"))
        elif _SPACE.sub(" ", kind.casefold()) not in canonical:
            bad.append(table.problem(f"unknown type {_shown(kind)}." + _suggest_type(kind), at, "type"))
        if url and not is_http_url(url):
            bad.append(table.problem("the url must be a full address starting with http:// or https://.", at, "url"))
        if name and _key(name) not in first_row:
            first_row[_key(name)] = at
            known.add(_key(name))
        problems.extend(bad)
        if not bad:
            rows.append(
                {
                    "id": f"org-{len(rows) + 1}",
                    "name": name,
                    "type": canonical[_SPACE.sub(" ", kind.casefold())],
                    "url": url,
                    "notes": cells["notes"],
                    "sources": (),
                }
            )
    return rows


def _ties(
    table: _Table, ids: dict[str, str], known: set[str], names: list[str], problems: list[UploadProblem], notes: list[str]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[frozenset[str], str], int] = {}
    repeated: list[int] = []
    suggestions_left = MAX_SUGGESTIONS
    for at, raw in table.rows:
        cells = {c: raw.get(c, "") for c in TABLE_COLUMNS[TIES]}
        bad = _check_lengths(table, at, cells)
        ends = {}
        for column in ("source", "target"):
            value = cells[column]
            key = _key(value)
            if not value:
                bad.append(table.problem(f"the {column} is empty.", at, column))
            elif key not in known:
                hint = ""
                if suggestions_left > 0:
                    suggestions_left -= 1
                    near = difflib.get_close_matches(value, names, n=1, cutoff=0.75)
                    hint = f" Did you mean {_shown(near[0])}?" if near else ""
                bad.append(table.problem(f"{_shown(value)} is not in the organizations list.{hint}", at, column))
            elif key in ids:
                ends[column] = ids[key]
        if len(ends) == 2 and ends["source"] == ends["target"]:
            bad.append(table.problem(f"a tie from {_shown(cells['source'])} to itself.", at, "target"))
        problems.extend(bad)
        if bad or len(ends) < 2:
            continue
        kind = cells["kind"] or NOT_STATED
        pair = (frozenset(ends.values()), kind.casefold())
        if pair in seen:
            repeated.append(at)
            continue
        seen[pair] = at
        rows.append({"source": ends["source"], "target": ends["target"], "kind": kind, "note": cells["note"], "sources": ()})
    if repeated:
        where = "lines" if table.by_line else "rows"
        shown = ", ".join(str(r) for r in repeated[:10]) + (" …" if len(repeated) > 10 else "")
        notes.append(
            f"{len(repeated)} repeated {'tie was' if len(repeated) == 1 else 'ties were'} counted once ({where} {shown})."
        )
    return rows


def _validate(tables: dict[str, _Table], name: str, origin: str) -> UploadResult:
    problems: list[UploadProblem] = []
    notes: list[str] = []
    for kind, table in tables.items():
        problems += _check_columns(table, kind)
        extra = [h for h in table.header if h and h not in TABLE_COLUMNS[kind]]
        if extra:
            notes.append(f"{table.file}{f' ({table.sheet})' if table.sheet else ''}: ignored the column(s) {', '.join(extra)}.")
    if problems:
        return UploadResult(None, tuple(problems), tuple(notes))
    orgs_table, ties_table = tables[ORGANIZATIONS], tables[TIES]
    for kind, table, limit in ((ORGANIZATIONS, orgs_table, MAX_ORGANIZATIONS), (TIES, ties_table, MAX_TIES)):
        if not table.rows:
            empty = f"the '{kind}' list has no entries." if table.by_line else f"the {kind} table has no rows under its headings."
            problems.append(table.problem(empty))
        elif len(table.rows) > limit:
            problems.append(table.problem(f"has {len(table.rows):,} {kind}; the most allowed is {limit:,}."))
    if problems:
        return UploadResult(None, tuple(problems), tuple(notes))
    known: set[str] = set()
    organizations = _organizations(orgs_table, problems, known)
    ids = {_key(o["name"]): o["id"] for o in organizations}
    names = [o["name"] for o in organizations]
    ties = _ties(ties_table, ids, known, names, problems, notes)
    if problems:
        return UploadResult(None, _capped(problems), tuple(notes))
    ecosystem = Ecosystem(
        name=name,
        organizations=pd.DataFrame(organizations, columns=ORGANIZATION_COLUMNS),
        ties=pd.DataFrame(ties, columns=TIE_COLUMNS),
        origin="example" if origin == "example" else "upload",
    )
    return UploadResult(ecosystem, (), tuple(notes))


def _capped(problems: list[UploadProblem]) -> tuple[UploadProblem, ...]:
    """The first ``MAX_LISTED`` problems, and one more line saying how many were left out."""
    if len(problems) <= MAX_LISTED:
        return tuple(problems)
    more = len(problems) - MAX_LISTED
    return (*problems[:MAX_LISTED], UploadProblem(problems[MAX_LISTED].file, f"… and {more:,} more problems."))


# ---------------------------------------------------------------- the entry point


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def parse_upload(files: Sequence[tuple[str, bytes]], name: str = "Your ecosystem", origin: str = "upload") -> UploadResult:
    """Read and validate an upload: ``files`` are (file name, content) pairs, as a file uploader gives them.

    Accepted: two CSV files (organizations: name, type, url, notes; ties: source, target, kind,
    note; told apart by their headings), one YAML file with lists ``organizations`` and ``ties``,
    or one .xlsx workbook with sheets ``organizations`` and ``ties``. Never raises.
    """
    if not files:
        return UploadResult(None, (UploadProblem("upload", "no file was given."),))
    problems = []
    for file_name, data in files:
        if len(data) > MAX_BYTES:
            problems.append(
                UploadProblem(file_name, f"is {len(data) / 1024 / 1024:.1f} MB; the most allowed is {MAX_UPLOAD_MB} MB.")
            )
        elif not data.strip(b" \t\r\n\xef\xbb\xbf"):
            problems.append(UploadProblem(file_name, "is empty."))
    if problems:
        return UploadResult(None, tuple(problems))
    extensions = [_extension(f) for f, _ in files]
    if len(files) == 1 and extensions[0] in ("yaml", "yml"):
        text, problem = _decode(files[0][0], files[0][1])
        if problem:
            return UploadResult(None, (problem,))
        tables, problems = _yaml_tables(files[0][0], text or "")
    elif len(files) == 1 and extensions[0] == "xlsx":
        tables, problems = _xlsx_tables(*files[0])
    elif extensions and all(e in ("csv", "txt") for e in extensions) and len(files) <= 2:
        tables, problems = _csv_tables(files)
    else:
        return UploadResult(None, (UploadProblem(", ".join(f for f, _ in files), _format_advice(files)),))
    if problems:
        return UploadResult(None, _capped(problems))
    return _validate(tables, name, origin)


def _format_advice(files: Sequence[tuple[str, bytes]]) -> str:
    extensions = {_extension(f) for f, _ in files}
    if "xls" in extensions:
        return "old Excel (.xls) files cannot be read: save the workbook as .xlsx."
    if len(files) > 2:
        return "upload at most two files: the organizations CSV and the ties CSV (or one YAML or Excel file)."
    return "upload two CSV files (organizations and ties), one YAML file (.yaml) or one Excel workbook (.xlsx)."


def _csv_tables(files: Sequence[tuple[str, bytes]]) -> tuple[dict[str, _Table], list[UploadProblem]]:
    tables: dict[str, _Table] = {}
    problems: list[UploadProblem] = []
    for file_name, data in files:
        if data.startswith(b"PK\x03\x04"):
            problems.append(UploadProblem(file_name, "looks like an Excel workbook, not CSV text: name it .xlsx."))
            continue
        text, problem = _decode(file_name, data)
        if problem:
            problems.append(problem)
            continue
        table, table_problems = _csv_table(file_name, text or "")
        problems += table_problems
        if table is None:
            continue
        kind = _kind_of_csv(table)
        if kind is not None:
            _use_aliases(table, kind)
        if kind is None:
            problems.append(
                UploadProblem(
                    file_name,
                    "its headings match neither table: the organizations CSV needs "
                    "'name' and 'type', the ties CSV 'source', 'target' and 'kind'.",
                    row=1,
                )
            )
        elif kind in tables:
            problems.append(
                UploadProblem(file_name, f"both files look like the {kind} table; upload one organizations CSV and one ties CSV.")
            )
        else:
            tables[kind] = table
    if not problems:
        for kind in (ORGANIZATIONS, TIES):
            if kind not in tables:
                other = ORGANIZATIONS if kind == TIES else TIES
                problems.append(UploadProblem(tables[other].file, f"this is the {other} table; upload the {kind} CSV as well."))
    return tables, problems


# ---------------------------------------------------------------- the worked example


def example_files() -> list[tuple[str, bytes]]:
    """The packaged worked example (a fictional city) as the two CSV files a person would upload."""
    folder = resources.files("dashboard.upload") / "examples"
    return [(f, (folder / f).read_bytes()) for f in EXAMPLE_FILES]


def load_example() -> UploadResult:
    """The worked example read like an upload, named and marked as fictional."""
    return parse_upload(example_files(), name=EXAMPLE_NAME, origin="example")


# ---------------------------------------------------------------- templates


def upload_guide_markdown() -> str:
    """What a map holds, for the page: the two tables' columns, the allowed types and the limits (Markdown)."""
    orgs, ties = (", ".join(f"`{c}`" for c in TABLE_COLUMNS[k]) for k in (ORGANIZATIONS, TIES))
    return (
        f"A map is two tables. **Organizations**: {orgs}; one row per organization, `type` one of "
        f"{escape_markdown(', '.join(NETWORK_TYPES))}. **Ties**: {ties}; one row per tie, `source` and `target` "
        "written exactly as in the organizations' `name` column (any case), `kind` in your own words "
        f"(for example {escape_markdown(', '.join(RELATIONSHIP_KINDS[:4]))}). Upload the two CSV files together, one "
        f"YAML file or one Excel workbook with the sheets `organizations` and `ties`. At most {MAX_ORGANIZATIONS:,} "
        f"organizations, {MAX_TIES:,} ties and {MAX_UPLOAD_MB} MB per file. Your files are read in this browser "
        "session's memory only: nothing is stored on the server, and nobody else can see them."
    )


def _csv_bytes(header: Iterable[str]) -> bytes:
    return (",".join(header) + "\n").encode("utf-8")


TEMPLATE_FILES = {"csv": ("organizations.csv", "ties.csv"), "yaml": ("ecosystem.yaml",), "xlsx": ("ecosystem.xlsx",)}


def template_file(fmt: str, file_name: str) -> bytes:
    """One file of a template (see ``TEMPLATE_FILES``), made when asked for."""
    return template_files(fmt)[file_name]


def template_files(fmt: str) -> dict[str, bytes]:
    """Blank templates to fill in: ``"csv"`` (two files), ``"yaml"`` or ``"xlsx"`` (one file each)."""
    if fmt == "csv":
        return {"organizations.csv": _csv_bytes(TABLE_COLUMNS[ORGANIZATIONS]), "ties.csv": _csv_bytes(TABLE_COLUMNS[TIES])}
    if fmt == "yaml":
        text = TEMPLATE_YAML.format(types=", ".join(NETWORK_TYPES), kinds=", ".join(RELATIONSHIP_KINDS))
        return {"ecosystem.yaml": text.encode("utf-8")}
    if fmt == "xlsx":
        return {"ecosystem.xlsx": _template_xlsx()}
    raise ValueError(f"unknown template format '{fmt}' (use csv, yaml or xlsx)")


def _template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    organizations = workbook.active
    organizations.title = ORGANIZATIONS
    organizations.append(list(TABLE_COLUMNS[ORGANIZATIONS]))
    choice = DataValidation(type="list", formula1='"' + ",".join(NETWORK_TYPES) + '"', allow_blank=True)
    organizations.add_data_validation(choice)
    choice.add(f"B2:B{MAX_ORGANIZATIONS + 1}")
    ties = workbook.create_sheet(TIES)
    ties.append(list(TABLE_COLUMNS[TIES]))
    allowed = workbook.create_sheet("allowed values")
    allowed.append(["organization type", "example kinds of tie (any text is accepted)"])
    for i in range(max(len(NETWORK_TYPES), len(RELATIONSHIP_KINDS))):
        allowed.append(
            [NETWORK_TYPES[i] if i < len(NETWORK_TYPES) else None, RELATIONSHIP_KINDS[i] if i < len(RELATIONSHIP_KINDS) else None]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- downloads


def metrics_csv(metrics: NetworkMetrics) -> bytes:
    """Per-organization metrics as spreadsheet-safe CSV (the ecosystem's name on every row)."""
    frame = metrics.organizations.drop(columns="id").assign(ecosystem=metrics.name)
    return safe_csv(frame[["ecosystem", *[c for c in frame.columns if c != "ecosystem"]]])


def summary_csv(frame: pd.DataFrame) -> bytes:
    """Summary rows (``NetworkMetrics.summary``, ``side_by_side`` or ``compare_sites``) as safe CSV."""
    return safe_csv(frame)


def _safe(value: Any) -> Any:
    """Text for GraphML and JSON: formula-like text neutralised; numbers as plain numbers."""
    if isinstance(value, str):
        return neutralize(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def _attributed_graph(ecosystem: Ecosystem, metrics: NetworkMetrics) -> nx.Graph:
    per_org = metrics.organizations.set_index("id")
    graph = nx.Graph(name=_safe(ecosystem.name))
    for org in ecosystem.organizations.to_dict("records"):
        m = per_org.loc[org["id"]]
        graph.add_node(
            str(org["id"]),
            label=_safe(org["name"]),
            type=_safe(org["type"]),
            url=_safe(org["url"]),
            notes=_safe(org["notes"]),
            partners=int(m["partners"]),
            ties=int(m["ties"]),
            betweenness=float(m["betweenness"]),
            types_connected=int(m["types_connected"]),
        )
    for tie in ecosystem.ties.to_dict("records"):
        a, b = str(tie["source"]), str(tie["target"])
        if graph.has_edge(a, b):
            edge = graph.edges[a, b]
            edge["kind"] = f"{edge['kind']}; {_safe(tie['kind'])}"
            edge["note"] = " ".join(n for n in (edge["note"], _safe(tie["note"])) if n)
        else:
            graph.add_edge(a, b, kind=_safe(tie["kind"]), note=_safe(tie["note"]))
    return graph


def graphml_bytes(ecosystem: Ecosystem, metrics: NetworkMetrics) -> bytes:
    """The network as GraphML (for Gephi and others): node label, type, url, notes and metrics;
    edge kind and note. XML-escaped by the writer; formula-like text neutralised."""
    buffer = io.BytesIO()
    nx.write_graphml(_attributed_graph(ecosystem, metrics), buffer, encoding="utf-8")
    return buffer.getvalue()


def kumu_json_bytes(ecosystem: Ecosystem, metrics: NetworkMetrics) -> bytes:
    """The network as a Kumu JSON blueprint: ``elements`` (label, type, description, metrics) and
    ``connections`` (from, to, type, description)."""
    graph = _attributed_graph(ecosystem, metrics)
    elements = [
        {
            "label": a["label"],
            "type": a["type"],
            "description": a["notes"],
            "url": a["url"],
            "partners": a["partners"],
            "ties": a["ties"],
            "betweenness": a["betweenness"],
            "types connected": a["types_connected"],
        }
        for _, a in graph.nodes(data=True)
    ]
    labels = dict(graph.nodes(data="label"))
    connections = [
        {"from": labels[a], "to": labels[b], "type": e["kind"], "description": e["note"]} for a, b, e in graph.edges(data=True)
    ]
    document = {"name": _safe(ecosystem.name), "elements": elements, "connections": connections}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def chart_image(ecosystem: Ecosystem, metrics: NetworkMetrics, fmt: str) -> bytes:
    """The network picture as an ``"svg"`` or ``"png"`` file (fixed width, white background)."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"unknown image format '{fmt}' (use svg or png)")
    chart: alt.TopLevelMixin = network_chart(ecosystem, metrics, width=IMAGE_WIDTH).properties(background="white")
    if fmt == "svg":
        text = io.StringIO()
        chart.save(text, format="svg")
        return text.getvalue().encode("utf-8")
    image = io.BytesIO()
    chart.save(image, format="png", scale_factor=2)
    return image.getvalue()
