"""Downloads: spreadsheet-safe CSV, the whole dataset as a CSV zip and as JSON, and the same files at fixed
addresses (``static/data/``, written by ``make export``) so notebooks and spreadsheets can read them by URL."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any, cast

import pandas as pd

from dashboard import constants as C
from dashboard.constants import LIST_DELIMITER
from dashboard.data.catalog import Catalog
from dashboard.data.datapackage import descriptor
from dashboard.data.dictionary import date_fields
from dashboard.data.schema import CATALOG_TABLES
from dashboard.data.values import date_text, is_missing

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PROGRAM_TABLE = "program"
# Every table the exports hold, in this order: the program (one row), then the catalog's tables.
EXPORT_TABLES = (PROGRAM_TABLE, *CATALOG_TABLES)
# A fixed time for every member of the zip, so the same data always gives the same archive.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return LIST_DELIMITER.join(str(v) for v in value)
    return value


def neutralize(value: Any) -> Any:
    """Prefix text a spreadsheet would run as a formula with a quote, so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with list cells joined by '; ', ready for ``st.dataframe`` or CSV."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(_flat)
    return out


def screen_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``display_frame`` for the page: a missing date (in a field the schema types as a date) reads "date not
    found in sources" rather than "None"; downloads keep it empty (null)."""
    out = display_frame(frame)
    for column in date_fields() & set(out.columns):
        out[column] = out[column].astype(object).where(out[column].notna(), date_text(None))
    return out


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes (UTF-8) with lists joined and formula-like text neutralized."""
    flat = display_frame(frame)
    for column in flat.columns:
        if flat[column].dtype == object or pd.api.types.is_string_dtype(flat[column]):
            flat[column] = flat[column].map(neutralize)
    return cast("bytes", flat.to_csv(index=False).encode("utf-8"))


def export_table(catalog: Catalog, name: str) -> pd.DataFrame:
    """One table of the exports by name (one of ``EXPORT_TABLES``): the program as one row, or a catalog table."""
    return pd.DataFrame([catalog.program]) if name == PROGRAM_TABLE else catalog.table(name)


def _json_value(value: Any) -> Any:
    return None if is_missing(value) else value


def table_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready records: lists stay lists, missing values are null."""
    return [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _json_bytes(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def descriptor_json(catalog: Catalog) -> bytes:
    """``datapackage.json`` (see ``datapackage.descriptor``) as UTF-8 bytes; its paths are relative, so it
    describes the CSV files beside it, in the zip or at their fixed addresses."""
    return json.dumps(descriptor(catalog), ensure_ascii=False, indent=2).encode("utf-8")


def catalog_zip(catalog: Catalog) -> bytes:
    """Every table of the catalog as a CSV file in one zip archive, described by a Frictionless
    ``datapackage.json`` (types, meanings, keys, licence and sources). The same data gives the same bytes."""
    buffer = io.BytesIO()
    members = {f"{name}.csv": safe_csv(export_table(catalog, name)) for name in EXPORT_TABLES}
    members[C.DATAPACKAGE_FILE] = descriptor_json(catalog)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()


def catalog_json(catalog: Catalog) -> bytes:
    """The whole catalog as one JSON document: the program and a list of records per table."""
    document: dict[str, Any] = {PROGRAM_TABLE: catalog.program}
    document.update({name: table_records(catalog.table(name)) for name in CATALOG_TABLES})
    return _json_bytes(document)


def static_files(catalog: Catalog) -> dict[str, bytes]:
    """The files served at fixed addresses, by file name: each table as spreadsheet-safe CSV and as JSON
    (a list of records), the Data Package descriptor of the CSV files, the CSV zip and the whole dataset as
    one JSON document. Deterministic: the same data gives the same bytes."""
    files: dict[str, bytes] = {}
    for name in EXPORT_TABLES:
        frame = export_table(catalog, name)
        files[f"{name}.csv"] = safe_csv(frame)
        files[f"{name}.json"] = _json_bytes(table_records(frame))
    files[C.DATAPACKAGE_FILE] = descriptor_json(catalog)
    files[C.EXPORT_ZIP] = catalog_zip(catalog)
    files[C.EXPORT_JSON] = catalog_json(catalog)
    return files


def write_static_files(catalog: Catalog, target: Path) -> list[Path]:
    """Write ``static_files`` into ``target`` (created if needed), remove any other file there (a table
    that no longer exists), and return the paths written."""
    target.mkdir(parents=True, exist_ok=True)
    files = static_files(catalog)
    for stale in target.iterdir():
        if stale.is_file() and stale.name not in files:
            stale.unlink()
    written = []
    for name, content in files.items():
        path = target / name
        if not path.is_file() or path.read_bytes() != content:
            path.write_bytes(content)
        written.append(path)
    return written
