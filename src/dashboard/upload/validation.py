"""Checking an upload row by row: the required columns, the allowed types (with a suggestion for a near
miss), names used once, tie ends that name an organization, lengths within the limits, and repeated
ties counted once. The checks never raise: they return every problem found, each with its file, row
(or YAML line) and column, in plain text.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import pandas as pd

from dashboard.data.text import is_http_url
from dashboard.network.model import NETWORK_TYPES, ORGANIZATION_COLUMNS, TIE_COLUMNS, Ecosystem
from dashboard.upload.readers import read_tables
from dashboard.upload.tables import (
    MAX_BYTES,
    MAX_LENGTHS,
    MAX_UPLOAD_MB,
    ORGANIZATIONS,
    ROW_LIMITS,
    TABLE_COLUMNS,
    TIES,
    Table,
    UploadProblem,
    UploadResult,
    capped,
    invisible,
    name_key,
    unforeseen,
)

REQUIRED_COLUMNS = {ORGANIZATIONS: ("name", "type"), TIES: ("source", "target", "kind")}
SHORTEST_LIMIT = min(MAX_LENGTHS.values())
# Unknown tie ends checked for a near match among the names (each check reads every name).
MAX_SUGGESTIONS = 10
VALUE_SHOWN = 60
# Rows listed in a note; past this, "…".
MAX_NOTED = 10
NOT_STATED = "not stated"
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


def _shown(value: str) -> str:
    return repr(value if len(value) <= VALUE_SHOWN else value[: VALUE_SHOWN - 1] + "…")


def _suggest_type(value: str) -> str:
    key = " ".join(value.lower().replace("_", " ").split())
    suggestion = TYPE_SYNONYMS.get(key) or next(iter(difflib.get_close_matches(key, NETWORK_TYPES, n=1, cutoff=0.6)), None)
    allowed = ", ".join(NETWORK_TYPES)
    return f" Did you mean '{suggestion}'? Allowed types: {allowed}." if suggestion else f" Allowed types: {allowed}."


def _check_columns(table: Table, kind: str) -> list[UploadProblem]:
    """A required column missing, or a column of the table under two headings (the first would be lost)."""
    twice = [c for c in TABLE_COLUMNS[kind] if table.header.count(c) > 1]
    if twice:
        return [
            table.problem(
                f"the column '{c}' is given more than once (columns "
                f"{', '.join(str(i + 1) for i, h in enumerate(table.header) if h == c)}); keep one: only one can be read.",
                None if table.by_line else 1,
            )
            for c in twice
        ]
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


def _check_lengths(table: Table, at: int, cells: dict[str, str]) -> list[UploadProblem]:
    if max(map(len, cells.values())) <= SHORTEST_LIMIT:
        return []
    return [
        table.problem(f"is {len(value):,} characters long; the most allowed is {MAX_LENGTHS[column]:,}.", at, column)
        for column, value in cells.items()
        if len(value) > MAX_LENGTHS[column]
    ]


def _columns(names: Sequence[str]) -> dict[str, list[Any]]:
    """Empty columns to keep valid rows in, column by column: a dict per row would be 25,000 more small objects
    alive at once while the largest map is read, and the memory they took would not all go back."""
    return {name: [] for name in names}


def _append(columns: dict[str, list[Any]], **values: Any) -> None:
    """Add one row to ``columns``."""
    for name, value in values.items():
        columns[name].append(value)


def _organizations(table: Table, problems: list[UploadProblem], known: set[str]) -> dict[str, list[Any]]:
    """The valid organization rows, as columns; every name seen, valid or not, goes into ``known`` (case-folded),
    so ties to a row with its own problem do not add a second one."""
    rows = _columns(ORGANIZATION_COLUMNS)
    first: dict[str, tuple[int, str]] = {}  # a name's key: where it was first given, and as what
    canonical = {t.casefold(): t for t in NETWORK_TYPES}
    for at, raw in table.entries():
        cells = {c: raw.get(c, "") for c in TABLE_COLUMNS[ORGANIZATIONS]}
        name, kind, url = cells["name"], cells["type"], cells["url"]
        key = name_key(name)
        bad = _check_lengths(table, at, cells)
        if not name:
            bad.append(table.problem("the name is empty.", at, "name"))
        elif key in first:
            where, given = first[key]
            also = "" if given == name else f", as {_shown(given)}"
            row = "line" if table.by_line else "row"
            bad.append(table.problem(f"the name {_shown(name)} is already used ({row} {where}{also}).", at, "name"))
        else:
            first[key] = (at, name)
            known.add(key)
        if not kind:
            bad.append(table.problem("the type is empty." + _suggest_type(""), at, "type"))
        elif name_key(kind) not in canonical:
            bad.append(table.problem(f"unknown type {_shown(kind)}." + _suggest_type(kind), at, "type"))
        if url and not is_http_url(url):
            bad.append(table.problem("the url must be a full address starting with http:// or https://.", at, "url"))
        problems.extend(bad)
        if not bad:
            number = len(rows["id"]) + 1
            _append(
                rows, id=f"org-{number}", name=name, type=canonical[name_key(kind)], url=url, notes=cells["notes"], sources=()
            )
    return rows


def _ties(
    table: Table, ids: dict[str, str], known: set[str], names: list[str], problems: list[UploadProblem], notes: list[str]
) -> dict[str, list[Any]]:
    """The valid tie rows, as columns, each pair and kind once (repeats are noted)."""
    rows = _columns(TIE_COLUMNS)
    seen: set[tuple[str, str, str]] = set()  # tuples of text: untracked by the collector, unlike frozensets
    repeated: list[int] = []
    suggestions_left = MAX_SUGGESTIONS
    for at, raw in table.entries():
        cells = {c: raw.get(c, "") for c in TABLE_COLUMNS[TIES]}
        bad = _check_lengths(table, at, cells)
        ends = {}
        for column in ("source", "target"):
            value = cells[column]
            key = name_key(value)
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
        first, second = sorted(ends.values())
        pair = (first, second, kind.casefold())
        if pair in seen:
            repeated.append(at)
            continue
        seen.add(pair)
        _append(rows, source=ends["source"], target=ends["target"], kind=kind, note=cells["note"], sources=())
    if repeated:
        where = "lines" if table.by_line else "rows"
        shown = ", ".join(str(r) for r in repeated[:10]) + (" …" if len(repeated) > 10 else "")
        notes.append(
            f"{len(repeated)} repeated {'tie was' if len(repeated) == 1 else 'ties were'} counted once ({where} {shown})."
        )
    return rows


def _listed(positions: list[int], by_line: bool) -> str:
    """Rows (or lines) as a note lists them: the first ``MAX_NOTED``, then "…"."""
    shown = ", ".join(str(r) for r in positions[:MAX_NOTED]) + (" …" if len(positions) > MAX_NOTED else "")
    return f"{'line' if by_line else 'row'}{'s' if len(positions) > 1 else ''} {shown}"


def _reading_notes(table: Table) -> list[str]:
    """What the reader noted (a sheet's size claim), rows whose cells stood under no heading, and cells
    holding invisible characters (names are compared without them)."""
    notes = list(table.notes)
    if table.unheaded:
        notes.append(
            f"{table.where}: {len(table.unheaded):,} row(s) had cells under no heading, which were ignored "
            f"({_listed(table.unheaded, table.by_line)}). Give each column a heading to use it."
        )
    cells_found = 0
    for at, cells in table.entries():
        for column, value in cells.items():
            if not value.isascii() and (chars := invisible(value)):
                cells_found += 1
                if cells_found <= MAX_NOTED:
                    located = str(table.problem(f"holds invisible characters ({'; '.join(chars)})", at, column))
                    notes.append(f"{located}; names are compared without them.")
    if cells_found > MAX_NOTED:
        notes.append(f"{table.where}: … and {cells_found - MAX_NOTED:,} more cells with invisible characters.")
    return notes


def _validate(tables: dict[str, Table], name: str, origin: str) -> UploadResult:
    problems: list[UploadProblem] = []
    notes: list[str] = []
    for kind, table in tables.items():
        problems += _check_columns(table, kind)
        extra = [h for h in table.header if h and h not in TABLE_COLUMNS[kind]]
        if extra:
            notes.append(f"{table.where}: ignored the column(s) {', '.join(extra)}.")
        notes += _reading_notes(table)
    if problems:
        return UploadResult(None, tuple(problems), tuple(notes))
    orgs_table, ties_table = tables[ORGANIZATIONS], tables[TIES]
    for kind, table in ((ORGANIZATIONS, orgs_table), (TIES, ties_table)):
        limit = ROW_LIMITS[kind]
        if not table.rows:
            empty = f"the '{kind}' list has no entries." if table.by_line else f"the {kind} table has no rows under its headings."
            problems.append(table.problem(empty))
        elif len(table.rows) > limit:
            problems.append(table.problem(f"has {len(table.rows):,} {kind}; the most allowed is {limit:,}."))
    if problems:
        return UploadResult(None, tuple(problems), tuple(notes))
    known: set[str] = set()
    organizations = _organizations(orgs_table, problems, known)
    ids = {name_key(n): i for n, i in zip(organizations["name"], organizations["id"])}
    names = organizations["name"]
    ties = _ties(ties_table, ids, known, names, problems, notes)
    if problems:
        return UploadResult(None, capped(problems), tuple(notes))
    ecosystem = Ecosystem(
        name=name,
        organizations=pd.DataFrame(organizations, columns=ORGANIZATION_COLUMNS),
        ties=pd.DataFrame(ties, columns=TIE_COLUMNS),
        origin="example" if origin == "example" else "upload",
    )
    return UploadResult(ecosystem, (), tuple(notes))


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
    try:
        tables, problems = read_tables(files)
        if problems:
            return UploadResult(None, capped(problems))
        return _validate(tables, name, origin)
    except Exception as exc:  # noqa: BLE001 (never a traceback on the page: what no check foresaw gets a message)
        return unforeseen([f for f, _ in files], exc)
