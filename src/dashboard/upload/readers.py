"""Reading an upload's files into tables, in memory: two CSV files (told apart by their headings), one
YAML file (every value read as text, no tags run) or one .xlsx workbook (formulas read as their text,
never evaluated). Readers never raise: what cannot be read becomes a problem naming the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Sequence
from typing import Any

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
# Deeper than a map can need (a mapping of lists of mappings of single values), well within Python's stack.
MAX_YAML_DEPTH = 20
# What to do, said after each kind of unreadable file.
CSV_ADVICE = (
    "Check the quotes on that row: a value holding a comma, a semicolon or a quote mark must be in double quotes, "
    "with its own quote marks doubled. Or save the sheet again as 'CSV UTF-8' from your spreadsheet program."
)
YAML_ADVICE = (
    "Check the indentation and quotes near that line (quote a value that holds a colon), or start from the YAML template."
)
WORKBOOK_ADVICE = (
    "Open it in your spreadsheet program, save it again as an Excel Workbook (.xlsx) and upload that; "
    "or save the two sheets as CSV files."
)
# What openpyxl raises on a damaged or foreign file: a broken archive, a damaged compressed part (zlib),
# an encrypted part (RuntimeError) or an unsupported compression (NotImplementedError), missing or
# malformed parts (XML parse errors are SyntaxError subclasses), or values it cannot interpret.
WORKBOOK_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    RuntimeError,
    NotImplementedError,
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
        table.set_header(next(reader, []))
        for number, cells in enumerate(reader, start=2):
            if number - 1 > MAX_TIES:
                return None, [UploadProblem(name, f"has more than {MAX_TIES:,} rows, the most an upload may have.")]
            table.add_values(number, cells)
    except csv.Error as exc:
        return None, [UploadProblem(name, f"could not be read as CSV ({exc}). {CSV_ADVICE}", row=reader.line_num or None)]
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


class _TooDeep(yaml.MarkedYAMLError):  # type: ignore[misc]  # PyYAML ships no types
    """Nesting deeper than a map can need."""


class _TextLoader(yaml.BaseLoader):  # type: ignore[misc]  # PyYAML ships no types
    """PyYAML's loader that reads every value as text (no tags run, no type guessing), refusing nesting
    deeper than ``MAX_YAML_DEPTH``: its composer calls itself once per level, and a few hundred levels
    would exhaust Python's stack."""

    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        """Compose one node, counting how deep it is."""
        if self.depth >= MAX_YAML_DEPTH:
            raise _TooDeep(problem="nested too deep", problem_mark=self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _repeated_keys(name: str, node: yaml.MappingNode) -> list[UploadProblem]:
    """A key written twice in one mapping: YAML would silently keep only the last."""
    first: dict[str, int] = {}
    problems = []
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            line = key.start_mark.line + 1
            if normal(key.value) in first:
                problems.append(
                    UploadProblem(
                        name,
                        f"the key '{clean(key.value)}' is written twice at the same level (also on line "
                        f"{first[normal(key.value)]}); YAML would keep only the last. Keep one.",
                        line=line,
                    )
                )
            first.setdefault(normal(key.value), line)
    return problems


def _yaml_tables(name: str, text: str) -> tuple[dict[str, Table], list[UploadProblem]]:
    """Both tables from one YAML document (all values read as text: no type guessing)."""
    loader = _TextLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _TooDeep as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        return {}, [
            UploadProblem(
                name,
                f"is nested more than {MAX_YAML_DEPTH} levels deep; a map needs three (a list of entries, each a "
                "mapping of single values). Check the brackets and indentation near this line, or start from the "
                "YAML template.",
                line=line,
            )
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return {}, [
            UploadProblem(
                name, f"is not valid YAML: {exc.problem or exc.context}. {YAML_ADVICE}", line=mark.line + 1 if mark else None
            )
        ]
    except yaml.YAMLError as exc:
        return {}, [UploadProblem(name, f"is not valid YAML ({exc.__class__.__name__}). {YAML_ADVICE}")]
    finally:
        loader.dispose()
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return {}, [UploadProblem(name, "must be a mapping with two lists: 'organizations' and 'ties'.")]
    entries = {normal(k.value): (data.get(k.value), v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    tables: dict[str, Table] = {}
    problems = _repeated_keys(name, node)
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
            if not isinstance(item, dict) or not isinstance(item_node, yaml.MappingNode):
                problems.append(table.problem(f"each entry under '{key}' must be a mapping such as 'name: ...'.", line))
                continue
            problems += _repeated_keys(name, item_node)
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


def _workbook_problem(name: str, exc: BaseException) -> UploadProblem:
    what = "damaged compressed data" if isinstance(exc, zlib.error) else exc.__class__.__name__
    return UploadProblem(name, f"could not be read as an Excel workbook ({what}). {WORKBOOK_ADVICE}")


def _xlsx_tables(name: str, data: bytes) -> tuple[dict[str, Table], list[UploadProblem]]:
    """Both tables from a workbook's 'organizations' and 'ties' sheets (formulas read as their text).

    Every row a sheet holds is read, whatever size its ``<dimension>`` element claims (openpyxl would
    stop where the claim ends); a claim that disagrees with the rows read is noted."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return {}, [
                    UploadProblem(
                        name,
                        "unpacks to more than 40 MB; it cannot be an ecosystem map of the allowed size. Copy the "
                        "two sheets, organizations and ties, into a new workbook and upload that.",
                    )
                ]
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except WORKBOOK_ERRORS as exc:
        return {}, [_workbook_problem(name, exc)]
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
            table, over = _sheet_table(name, workbook[title], ROW_LIMITS[key])
            if over:
                problems.append(over)
            _use_aliases(table, key)
            tables[key] = table
    except WORKBOOK_ERRORS as exc:  # a damaged sheet can fail only while it is read
        return {}, [_workbook_problem(name, exc)]
    finally:
        workbook.close()
    return tables, problems


def _sheet_table(name: str, sheet: Any, limit: int) -> tuple[Table, UploadProblem | None]:
    """One sheet's rows, up to ``limit`` under the headings, and the problem when it holds more."""
    table = Table(name, sheet=sheet.title)
    claimed = sheet.max_row  # from the sheet's own <dimension> element, when it has one
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    table.set_header(next(rows, ()))
    last = 1
    for last, values in enumerate(rows, start=2):
        if last - 1 > limit:
            return table, table.problem(f"has more than {limit:,} rows, the most allowed.")
        table.add_values(last, values)
    if claimed is not None and claimed != last:
        table.notes.append(
            f"{table.where}: the sheet says it holds {claimed:,} rows, but {last:,} were read (headings included); "
            "every row read was checked."
        )
    return table, None


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
