"""Loading and validating the dataset: YAML files in, a frozen ``Catalog`` out, or the problems found.

Every problem is reported as a ``Problem`` naming the file, the line, the record id and the field;
nothing here raises anything but ``DataError`` for bad data.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError

from dashboard import constants as C
from dashboard.data.catalog import Catalog
from dashboard.data.schema import (
    DATE_FROM_PATTERN,
    NOT_YET_CHECKED,
    PROGRAM_FILE,
    REFERENCES,
    SLUG_PATTERN,
    TABLES,
    TABLES_BY_NAME,
    UNDATED_PATTERN,
    Program,
)
from dashboard.data.values import without_nan


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, located as precisely as we can."""

    file: str
    message: str
    record: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.record is not None:
            parts.append(f"record '{self.record}'")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ": ".join(parts) + f": {self.message}"


class DataError(Exception):
    """The data directory failed validation; ``problems`` lists why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the data")


# libyaml's loader when PyYAML has it (about ten times faster: the first page of a fresh server waits
# for this), else the pure-Python one; both report the same problems with their lines.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: the argument, else ``$CTDC_DATA_DIR``, else the shipped ``data/``."""
    chosen = data_dir or os.environ.get(C.DATA_DIR_ENV) or C.DEFAULT_DATA_DIR
    return Path(chosen)


def _data_files() -> tuple[str, ...]:
    """The names of the files a catalog is read from, in the order they are read."""
    return (PROGRAM_FILE, *(table.file for table in TABLES))


def fingerprint(root: Path) -> str:
    """File names, modification times and sizes of every data file in one string: any edit changes it
    (cheap enough to ask every few seconds; ``content_digest`` reads the bytes)."""
    out = []
    for name in _data_files():
        try:
            stat = os.stat(root / name)
            out.append(f"{name}:{stat.st_mtime_ns}:{stat.st_size}")
        except OSError:
            out.append(f"{name}:missing")
    return "|".join(out)


def content_digest(root: str | os.PathLike[str]) -> str:
    """A SHA-256 of every data file's name and bytes (a missing file named as missing): the same exactly
    when the files hold the same bytes, whatever their modification times. A catalog kept on disk is
    filed under it, so it is never read back for files that changed, even to the same size and time."""
    digest = hashlib.sha256()
    for name in _data_files():
        try:
            data = (Path(root) / name).read_bytes()
        except OSError:
            digest.update(f"{name}:missing|".encode())
            continue
        digest.update(f"{name}:{len(data)}|".encode())
        digest.update(data)
    return digest.hexdigest()


VALIDATOR_LIBRARIES = ("numpy", "pandas", "pyarrow", "pydantic", "PyYAML")  # what a catalog's tables are made of


def validator_fingerprint() -> str:
    """The version of what reads, validates and builds the catalog: a SHA-256 of each module that runs
    (this package's and the constants it reads), Python's version and the versions of the libraries the
    catalog's tables are made of. A catalog kept by one version is never reused by another."""
    package = Path(__file__).parent
    modules = [*sorted(package.glob("*.py")), package.parent / "constants.py"]
    stamps = [
        f"{path.relative_to(package.parent).as_posix()}:{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}" for path in modules
    ]
    libraries = [f"{name}={importlib.metadata.version(name)}" for name in VALIDATOR_LIBRARIES]
    return "|".join([*stamps, f"python={platform.python_version()}", *libraries])


def _read_yaml(path: Path, problems: list[Problem]) -> tuple[Any, list[int]] | None:
    """Parse one YAML file; return its data and the line of each top-level list item."""
    name = path.name
    if not path.is_file():
        problems.append(Problem(name, "file is missing"))
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, f"cannot be read as UTF-8 text ({exc.__class__.__name__})"))
        return None
    loader = YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = f"malformed YAML: {exc.problem or exc.context}"
        if exc.context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            message += f" ({exc.context} at line {exc.context_mark.line + 1})"
        problems.append(Problem(name, message, line=line))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(name, f"malformed YAML: {exc}"))
        return None
    finally:
        loader.dispose()
    lines = [item.start_mark.line + 1 for item in node.value] if isinstance(node, yaml.SequenceNode) else []
    if data is None or data == [] or data == {}:
        problems.append(Problem(name, "file is empty"))
        return None
    return data, lines


def _model_problems(file: str, record: str | None, exc: ValidationError, line: int | None) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        field_name = loc[0] if loc else None
        if len(loc) > 1 and loc[1].isdigit():
            field_name = f"{loc[0]}[{loc[1]}]"
        if err["type"] == "missing":
            message = "missing required field"
        elif err["type"] == "extra_forbidden":
            message = "unknown field"
        else:
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "string_pattern_mismatch" and err.get("ctx", {}).get("pattern") == SLUG_PATTERN:
                message = "must be a lower-case id: letters a-z, digits, '-' or '_'"
            bad = err.get("input")
            if err["type"] in ("literal_error", "string_pattern_mismatch") and isinstance(bad, str):
                message = f"{message} (got {bad[:60]!r})"
        out.append(Problem(file, message, record=record, field=field_name, line=line))
    return out


def _validate_records(name: str, data: Any, lines: list[int], problems: list[Problem]) -> list[BaseModel]:
    table = TABLES_BY_NAME[name]
    if not isinstance(data, list):
        problems.append(Problem(table.file, "must be a list of records (each starting with '- id: ...')"))
        return []
    records: list[BaseModel] = []
    for index, raw in enumerate(data):
        line = lines[index] if index < len(lines) else None
        if not isinstance(raw, dict):
            problems.append(Problem(table.file, "record must be a mapping of field: value", record=f"#{index + 1}", line=line))
            continue
        record_id = raw.get("id")
        label = str(record_id) if record_id is not None else f"#{index + 1}"
        try:
            records.append(table.model.model_validate(raw))
        except ValidationError as exc:
            problems.extend(_model_problems(table.file, label, exc, line))
    return records


def _read_all(data_dir: Path, problems: list[Problem], unreadable: set[str]) -> tuple[Program | None, dict[str, list[Any]]]:
    """Parse and type-check every file; add the names of tables that could not be read to ``unreadable``."""
    program = None
    parsed = _read_yaml(data_dir / PROGRAM_FILE, problems)
    if parsed is not None:
        data, _ = parsed
        if not isinstance(data, dict):
            problems.append(Problem(PROGRAM_FILE, "must be a mapping of field: value"))
        else:
            try:
                program = Program.model_validate(data)
            except ValidationError as exc:
                problems.extend(_model_problems(PROGRAM_FILE, str(data.get("id", "program")), exc, None))
    records: dict[str, list[Any]] = {}
    for table in TABLES:
        parsed = _read_yaml(data_dir / table.file, problems)
        if parsed is None or not isinstance(parsed[0], list):
            unreadable.add(table.name)
        records[table.name] = _validate_records(table.name, *parsed, problems) if parsed is not None else []
    return program, records


def _check_ids(records: dict[str, list[Any]]) -> tuple[dict[str, set[str]], list[Problem]]:
    """Every table's ids, and a problem for each id used twice (census and metrics share one id space)."""
    problems: list[Problem] = []
    ids: dict[str, set[str]] = {}
    for name, rows in records.items():
        seen: set[str] = set()
        for row in rows:
            if row.id in seen:
                problems.append(Problem(TABLES_BY_NAME[name].file, "duplicate id", record=row.id, field="id"))
            seen.add(row.id)
        ids[name] = seen
    for table in TABLES:
        if table.merged_into:
            for dup in sorted(ids[table.name] & ids[table.merged_into]):
                problems.append(
                    Problem(table.file, f"duplicate id (also in {TABLES_BY_NAME[table.merged_into].file})", dup, "id")
                )
    return ids, problems


def _check_references(program: Program | None, records: dict[str, list[Any]], unreadable: set[str]) -> list[Problem]:
    """Integrity: unique ids, and every reference in ``schema.REFERENCES`` resolves.

    References into a file that could not be read are not checked: its problem is already
    reported, and listing every record that points into it would bury it.
    """
    ids, problems = _check_ids(records)
    if program is not None and "sources" not in unreadable:
        problems.extend(
            Problem(PROGRAM_FILE, f"unknown source '{source}'", record=program.id, field="sources")
            for source in program.sources
            if source not in ids["sources"]
        )
    for ref in REFERENCES:
        if unreadable.intersection(ref.targets):
            continue
        allowed = set(ref.also).union(*(ids[target] for target in ref.targets))
        noun = TABLES_BY_NAME[ref.targets[0]].noun
        for row in records[ref.table]:
            value = getattr(row, ref.field)
            for item in value if isinstance(value, list) else [value]:
                if item is not None and item not in allowed:
                    problems.append(Problem(TABLES_BY_NAME[ref.table].file, f"unknown {noun} '{item}'", row.id, ref.field))
    if "sources" not in unreadable:
        problems.extend(_check_dates(records))
    definitions = {row.id: row for row in records["metric_definitions"]}
    for table in ("metrics", "census"):
        for row in records[table]:
            problems.extend(_check_metric_value(TABLES_BY_NAME[table].file, row, definitions.get(row.metric)))
    problems.extend(problem for row in records["census"] for problem in _check_census_provenance(row))
    return problems


def _check_census_provenance(row: Any) -> list[Problem]:
    """A census figure names the source its value came from, and cites the Census Bureau's query only
    once refresh-census has checked the figure against it (on a day it records)."""
    file = TABLES_BY_NAME["census"].file
    problems = []
    if row.value is not None and row.value_source is None:
        problems.append(Problem(file, "a value names the source it was taken from", row.id, "value_source"))
    if row.value_source is not None and row.value_source not in row.sources:
        problems.append(Problem(file, f"'{row.value_source}' must be one of its sources", row.id, "value_source"))
    if row.census_check == NOT_YET_CHECKED:
        if row.census_checked is not None:
            problems.append(Problem(file, "a figure not yet checked has no check date", row.id, "census_checked"))
        if row.census_query in row.sources:
            message = f"the Census Bureau query '{row.census_query}' is cited before the figure was checked against it"
            problems.append(Problem(file, message, row.id, "sources"))
    elif row.census_checked is None:
        problems.append(
            Problem(file, f"a figure whose check is '{row.census_check}' needs the day it was checked", row.id, "census_checked")
        )
    return problems


def _date_from(note: str | None) -> str | None:
    """The source id a note says a date comes from ("date from ctdc-s40"), or None."""
    found = re.search(DATE_FROM_PATTERN, note or "", re.IGNORECASE)
    return found.group(1) if found else None


def _check_dates(records: dict[str, list[Any]]) -> list[Problem]:
    """No date where the document shows none: a source whose note says it shows no date, and a resource
    none of whose sources has a date, store null, unless the note names the source the date comes
    from ("date from <source id>": another source, or for a resource one of those it cites)."""
    sources = {row.id: row for row in records["sources"]}
    problems = []
    for row in records["sources"]:
        if row.date is None or not re.search(UNDATED_PATTERN, row.note or "", re.IGNORECASE):
            continue
        origin = _date_from(row.note)
        if origin is None or origin == row.id or origin not in sources:
            message = "its note says the document shows no date: store null, or name the source the date comes from ('date from <source id>')"
            problems.append(Problem(TABLES_BY_NAME["sources"].file, message, row.id, "date"))
    for row in records["resources"]:
        if row.date is None or any(sources[s].date is not None for s in row.sources if s in sources):
            continue
        if _date_from(row.note) not in row.sources:
            message = "none of its sources has a date: store null, or say in its note which cited source gives it ('date from <source id>')"
            problems.append(Problem(TABLES_BY_NAME["resources"].file, message, row.id, "date"))
    return problems


def _check_metric_value(file: str, row: Any, definition: Any) -> list[Problem]:
    """A metric value fits its definition's type, and known values carry a vintage."""
    if row.value is None:
        if row.confidence != "unconfirmed":
            return [Problem(file, "a value not found in sources must have confidence 'unconfirmed'", row.id, "confidence")]
        return []
    problems = []
    if not row.vintage:
        problems.append(Problem(file, "a value needs its vintage", row.id, "vintage"))
    if definition is not None:
        numeric = isinstance(row.value, (int, float))
        if definition.value_type in ("number", "year") and not numeric:
            problems.append(Problem(file, f"must be a {definition.value_type}, not text", row.id, "value"))
        if definition.value_type == "text" and numeric:
            problems.append(Problem(file, "must be text, not a number", row.id, "value"))
        if definition.value_type == "year" and numeric and not (1800 <= row.value <= 2100 and row.value == int(row.value)):
            problems.append(Problem(file, "must be a four-digit year", row.id, "value"))
    return problems


def _frame(rows: list[BaseModel], model: type[BaseModel]) -> pd.DataFrame:
    """Records as a DataFrame, one column per model field; missing text stays ``None``."""
    return without_nan(pd.DataFrame([row.model_dump() for row in rows], columns=list(model.model_fields)))


def validate(data_dir: str | os.PathLike[str] | None = None) -> tuple[Catalog | None, list[Problem]]:
    """Read and check a data directory; return the catalog (when clean) and the problems."""
    root = resolve_data_dir(data_dir)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), "data directory not found")]
    stamp = fingerprint(root)
    unreadable: set[str] = set()
    program, records = _read_all(root, problems, unreadable)
    problems.extend(_check_references(program, records, unreadable))
    if problems or program is None:
        return None, problems
    frames: dict[str, pd.DataFrame] = {}
    for table in TABLES:
        frame = _frame(records[table.name], table.model)
        target = table.merged_into or table.name
        # Census figures add fields of their own to the metrics table: metrics rows leave them empty (None).
        frames[target] = without_nan(pd.concat([frames[target], frame], ignore_index=True)) if target in frames else frame
    return Catalog(program=program.model_dump(), data_dir=str(root), fingerprint=stamp, **frames), []


def load_catalog(data_dir: str | os.PathLike[str] | None = None) -> Catalog:
    """Load and validate the dataset; raise ``DataError`` listing every problem when it is bad."""
    catalog, problems = validate(data_dir)
    if catalog is None:
        raise DataError(problems)
    return catalog
