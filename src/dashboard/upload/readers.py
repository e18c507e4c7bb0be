"""Reading an upload's files into tables, in memory: two CSV files (told apart by their headings), one
YAML file (every value read as text, no tags run) or one .xlsx workbook (formulas read as their text,
never evaluated). Readers never raise: what cannot be read becomes a problem naming the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence

import yaml

from dashboard.upload.tables import (
    MAX_TIES,
    ORGANIZATIONS,
    ROW_LIMITS,
    TABLE_COLUMNS,
    TIES,
    Table,
    UploadProblem,
    clean,
    normal,
)

# A workbook is a zip archive: refuse one that would unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
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


def _use_aliases(table: Table, kind: str) -> None:
    """Rename the other headings people use (``from`` for ``source`` …) to the table's own."""
    aliases = COLUMN_ALIASES[kind]
    rename = {h: aliases[h] for h in table.header if h not in TABLE_COLUMNS[kind] and h in aliases}
    if not rename:
        return
    table.header = [rename.get(h, h) for h in table.header]
    table.rows = [{rename.get(k, k): v for k, v in cells.items()} for cells in table.rows]


def _decode(name: str, data: bytes) -> tuple[str | None, UploadProblem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, UploadProblem(name, "is not UTF-8 text. Save it again as UTF-8 (in Excel: 'CSV UTF-8').", line=line)


def _csv_table(name: str, text: str) -> tuple[Table | None, list[UploadProblem]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    table = Table(name)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
        table.header = [normal(h) for h in next(reader, [])]
        for number, cells in enumerate(reader, start=2):
            if number - 1 > MAX_TIES:
                return None, [UploadProblem(name, f"has more than {MAX_TIES:,} rows, the most an upload may have.")]
            if "".join(cells).strip():
                table.add(number, dict(zip(table.header, map(clean, cells))))
    except csv.Error as exc:
        return None, [UploadProblem(name, f"could not be read as CSV ({exc}).", row=reader.line_num or None)]
    return table, []


def _kind_of_csv(table: Table) -> str | None:
    columns = set(table.header)
    if {"source", "target", "from", "to"} & columns:
        return TIES
    if {"name", "type", "organization", "organisation"} & columns:
        return ORGANIZATIONS
    return None


def _csv_tables(files: Sequence[tuple[str, bytes]]) -> tuple[dict[str, Table], list[UploadProblem]]:
    tables: dict[str, Table] = {}
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


def _yaml_tables(name: str, text: str) -> tuple[dict[str, Table], list[UploadProblem]]:
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
    entries = {normal(k.value): (data.get(k.value), v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    tables: dict[str, Table] = {}
    problems = []
    for key in (ORGANIZATIONS, TIES):
        value, seq = entries.get(key) or entries.get("organisations" if key == ORGANIZATIONS else key) or (None, None)
        if value is None:
            problems.append(UploadProblem(name, f"has no '{key}' list."))
            continue
        if value == "":  # the key with nothing under it: an empty table
            tables[key] = Table(name, header=list(TABLE_COLUMNS[key]), by_line=True)
            continue
        if not isinstance(value, list) or not isinstance(seq, yaml.SequenceNode):
            problems.append(UploadProblem(name, f"'{key}' must be a list of entries, each starting with '- '."))
            continue
        limit = ROW_LIMITS[key]
        if len(value) > limit:
            problems.append(UploadProblem(name, f"has {len(value):,} {key}; the most allowed is {limit:,}."))
            continue
        table = Table(name, by_line=True)
        for item, item_node in zip(value, seq.value):
            line = item_node.start_mark.line + 1
            if not isinstance(item, dict):
                problems.append(table.problem(f"each entry under '{key}' must be a mapping such as 'name: ...'.", line))
                continue
            cells = {}
            for k, v in item.items():
                if isinstance(v, (list, dict)):
                    problems.append(table.problem("must be a single value, not a list or mapping.", line, normal(k)))
                cells[normal(k)] = clean(v) if isinstance(v, str) else ""
            table.add(line, cells)
        table.header = list(dict.fromkeys(h for cells in table.rows for h in cells))
        _use_aliases(table, key)
        tables[key] = table
    return tables, problems


def _xlsx_tables(name: str, data: bytes) -> tuple[dict[str, Table], list[UploadProblem]]:
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
        sheets = {normal(title): title for title in workbook.sheetnames}
        sheets.setdefault(ORGANIZATIONS, sheets.get("organisations", ""))
        tables: dict[str, Table] = {}
        problems = []
        for key in (ORGANIZATIONS, TIES):
            title = sheets.get(key)
            if not title:
                problems.append(
                    UploadProblem(name, f"has no sheet named '{key}' (its sheets: {', '.join(workbook.sheetnames)}).")
                )
                continue
            table = Table(name, sheet=title)
            limit = ROW_LIMITS[key]
            rows = workbook[title].iter_rows(values_only=True)
            table.header = [normal(h) for h in next(rows, ())]
            for number, values in enumerate(rows, start=2):
                if number - 1 > limit:
                    problems.append(table.problem(f"has more than {limit:,} rows, the most allowed."))
                    break
                cells = {table.header[i]: clean(v) for i, v in enumerate(values) if i < len(table.header) and table.header[i]}
                if any(cells.values()):
                    table.add(number, cells)
            _use_aliases(table, key)
            tables[key] = table
    except WORKBOOK_ERRORS as exc:  # a damaged sheet can fail only while it is read
        return {}, [UploadProblem(name, f"could not be read as an Excel workbook ({exc.__class__.__name__}).")]
    finally:
        workbook.close()
    return tables, problems


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _format_advice(files: Sequence[tuple[str, bytes]]) -> str:
    extensions = {_extension(f) for f, _ in files}
    if "xls" in extensions:
        return "old Excel (.xls) files cannot be read: save the workbook as .xlsx."
    if len(files) > 2:
        return "upload at most two files: the organizations CSV and the ties CSV (or one YAML or Excel file)."
    return "upload two CSV files (organizations and ties), one YAML file (.yaml) or one Excel workbook (.xlsx)."


def read_tables(files: Sequence[tuple[str, bytes]]) -> tuple[dict[str, Table], list[UploadProblem]]:
    """The organizations and ties tables of an upload (``files``: file name and content pairs, each within
    the size limit and not empty), or the problems that kept them from being read."""
    extensions = [_extension(f) for f, _ in files]
    if len(files) == 1 and extensions[0] in ("yaml", "yml"):
        text, problem = _decode(files[0][0], files[0][1])
        if problem:
            return {}, [problem]
        return _yaml_tables(files[0][0], text or "")
    if len(files) == 1 and extensions[0] == "xlsx":
        return _xlsx_tables(*files[0])
    if extensions and all(e in ("csv", "txt") for e in extensions) and len(files) <= 2:
        return _csv_tables(files)
    return {}, [UploadProblem(", ".join(f for f, _ in files), _format_advice(files))]
