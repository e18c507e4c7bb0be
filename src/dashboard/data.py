"""Loading and validating the dataset: YAML files in, a frozen ``Catalog`` of DataFrames out.

Every problem found is reported as a ``Problem`` naming the file, the record id and the field;
nothing here raises anything but ``DataError`` for bad data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError

from . import constants as C
from .schema import RECORD_MODELS, SLUG_PATTERN, Program


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


@dataclass(frozen=True)
class Catalog:
    """The whole dataset as pandas DataFrames, one per kind of record."""

    program: dict[str, Any]
    sites: pd.DataFrame
    organizations: pd.DataFrame
    products: pd.DataFrame
    outcomes: pd.DataFrame
    lessons: pd.DataFrame
    resources: pd.DataFrame
    metrics: pd.DataFrame
    metric_definitions: pd.DataFrame
    relationships: pd.DataFrame
    sources: pd.DataFrame
    national_partners: pd.DataFrame
    ecosystem_prompts: pd.DataFrame
    data_dir: str = field(default="")

    def counts(self) -> dict[str, int]:
        """Number of records of each kind."""
        return {name: len(getattr(self, name)) for name in TABLE_NAMES}


TABLE_NAMES = (
    "sites",
    "national_partners",
    "organizations",
    "relationships",
    "products",
    "outcomes",
    "lessons",
    "resources",
    "metric_definitions",
    "metrics",
    "sources",
    "ecosystem_prompts",
)


def resolve_data_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: the argument, else ``$CTDC_DATA_DIR``, else the shipped ``data/``."""
    chosen = data_dir or os.environ.get(C.DATA_DIR_ENV) or C.DEFAULT_DATA_DIR
    return Path(chosen)


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
    loader = yaml.SafeLoader(text)
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


def _validate_records(key: str, data: Any, lines: list[int], problems: list[Problem]) -> list[BaseModel]:
    file = C.RECORD_FILES[key]
    model = RECORD_MODELS[key]
    if not isinstance(data, list):
        problems.append(Problem(file, "must be a list of records (each starting with '- id: ...')"))
        return []
    records: list[BaseModel] = []
    for index, raw in enumerate(data):
        line = lines[index] if index < len(lines) else None
        if not isinstance(raw, dict):
            problems.append(Problem(file, "record must be a mapping of field: value", record=f"#{index + 1}", line=line))
            continue
        record_id = raw.get("id")
        label = str(record_id) if record_id is not None else f"#{index + 1}"
        try:
            records.append(model.model_validate(raw))
        except ValidationError as exc:
            problems.extend(_model_problems(file, label, exc, line))
    return records


def _read_all(
    data_dir: Path, problems: list[Problem], unreadable: set[str]
) -> tuple[Program | None, dict[str, list[BaseModel]]]:
    """Parse and type-check every file; add the keys of files that could not be read to ``unreadable``."""
    program = None
    parsed = _read_yaml(data_dir / C.PROGRAM_FILE, problems)
    if parsed is not None:
        data, _ = parsed
        if not isinstance(data, dict):
            problems.append(Problem(C.PROGRAM_FILE, "must be a mapping of field: value"))
        else:
            try:
                program = Program.model_validate(data)
            except ValidationError as exc:
                problems.extend(_model_problems(C.PROGRAM_FILE, str(data.get("id", "program")), exc, None))
    records: dict[str, list[BaseModel]] = {}
    for key, file in C.RECORD_FILES.items():
        parsed = _read_yaml(data_dir / file, problems)
        if parsed is None or not isinstance(parsed[0], list):
            unreadable.add(key)
        records[key] = _validate_records(key, *parsed, problems) if parsed is not None else []
    return program, records


def _check_references(program: Program | None, records: dict[str, list[Any]], unreadable: set[str]) -> list[Problem]:
    """Integrity: unique ids, every reference resolves, metric values fit their definitions.

    References into a file that could not be read are not checked: its problem is already
    reported, and listing every record that points into it would bury it.
    """
    problems: list[Problem] = []
    ids: dict[str, set[str]] = {}
    for key, rows in records.items():
        seen: set[str] = set()
        for row in rows:
            if row.id in seen:
                problems.append(Problem(C.RECORD_FILES[key], "duplicate id", record=row.id, field="id"))
            seen.add(row.id)
        ids[key] = seen
    metric_ids = ids["metrics"] & ids["census"]
    for dup in sorted(metric_ids):
        problems.append(Problem(C.RECORD_FILES["census"], "duplicate id (also in metrics.yaml)", record=dup, field="id"))

    sites = ids["sites"]
    actors = ids["organizations"] | ids["national_partners"]

    def need(key: str, row: Any, field_name: str, value: str | None, allowed: set[str], what: str) -> None:
        if allowed is ids["sources"] and "sources" in unreadable:
            return
        if what == "site" and "sites" in unreadable or what == "product" and "products" in unreadable:
            return
        if what == "organization" and unreadable & {"organizations", "national_partners"}:
            return
        if what == "metric" and "metric_definitions" in unreadable:
            return
        if what == "lesson" and "lessons" in unreadable:
            return
        if value is not None and value not in allowed:
            problems.append(Problem(C.RECORD_FILES[key], f"unknown {what} '{value}'", record=row.id, field=field_name))

    if program is not None:
        for source in program.sources:
            if source not in ids["sources"]:
                problems.append(Problem(C.PROGRAM_FILE, f"unknown source '{source}'", record=program.id, field="sources"))
    for key, rows in records.items():
        for row in rows:
            for source in getattr(row, "sources", []):
                need(key, row, "sources", source, ids["sources"], "source")
    for row in records["organizations"]:
        for site in row.sites:
            need("organizations", row, "sites", site, sites, "site")
    for row in records["relationships"]:
        need("relationships", row, "source", row.source, actors, "organization")
        need("relationships", row, "target", row.target, actors, "organization")
        need("relationships", row, "site", row.site, sites, "site")
    for row in records["products"]:
        need("products", row, "site", row.site, sites, "site")
    for row in records["outcomes"]:
        need("outcomes", row, "product", row.product, ids["products"], "product")
    for row in records["lessons"]:
        need("lessons", row, "site", row.site, sites | {C.CROSS_SITE}, "site")
    for row in records["resources"]:
        for site in row.sites:
            need("resources", row, "sites", site, sites, "site")
    for row in records["ecosystem_prompts"]:
        for lesson in row.lessons:
            need("ecosystem_prompts", row, "lessons", lesson, ids["lessons"], "lesson")
        for product in row.products:
            need("ecosystem_prompts", row, "products", product, ids["products"], "product")
    definitions = {row.id: row for row in records["metric_definitions"]}
    for key in ("metrics", "census"):
        for row in records[key]:
            need(key, row, "site", row.site, sites, "site")
            need(key, row, "metric", row.metric, set(definitions), "metric")
            problems.extend(_check_metric_value(key, row, definitions.get(row.metric)))
    return problems


def _check_metric_value(key: str, row: Any, definition: Any) -> list[Problem]:
    file = C.RECORD_FILES[key]
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
    """Records as a DataFrame; optional text stays ``None`` (pandas would turn it into NaN)."""
    columns = list(model.model_fields)
    frame = pd.DataFrame([row.model_dump() for row in rows], columns=columns)
    for column in columns:
        if pd.api.types.is_string_dtype(frame[column]) and frame[column].isna().any():
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def validate(data_dir: str | os.PathLike[str] | None = None) -> tuple[Catalog | None, list[Problem]]:
    """Read and check a data directory; return the catalog (when clean) and the problems."""
    root = resolve_data_dir(data_dir)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), "data directory not found")]
    unreadable: set[str] = set()
    program, records = _read_all(root, problems, unreadable)
    problems.extend(_check_references(program, records, unreadable))
    if problems or program is None:
        return None, problems
    frames = {key: _frame(rows, RECORD_MODELS[key]) for key, rows in records.items()}
    metrics = pd.concat([frames.pop("metrics"), frames.pop("census")], ignore_index=True)
    catalog = Catalog(
        program=program.model_dump(),
        metrics=metrics,
        data_dir=str(root),
        **frames,
    )
    return catalog, []


def load_catalog(data_dir: str | os.PathLike[str] | None = None) -> Catalog:
    """Load and validate the dataset; raise ``DataError`` listing every problem when it is bad."""
    catalog, problems = validate(data_dir)
    if catalog is None:
        raise DataError(problems)
    return catalog
