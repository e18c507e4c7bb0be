"""Downloads: spreadsheet-safe CSV, the whole dataset as a CSV zip and as JSON."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pandas as pd

from dashboard.constants import LIST_DELIMITER
from dashboard.data.catalog import Catalog
from dashboard.data.datapackage import descriptor
from dashboard.data.schema import CATALOG_TABLES
from dashboard.data.values import is_missing

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes (UTF-8) with lists joined and formula-like text neutralized."""
    flat = display_frame(frame)
    for column in flat.columns:
        if flat[column].dtype == object or pd.api.types.is_string_dtype(flat[column]):
            flat[column] = flat[column].map(neutralize)
    return flat.to_csv(index=False).encode("utf-8")


def catalog_zip(catalog: Catalog) -> bytes:
    """Every table of the catalog as a CSV file in one zip archive, described by a Frictionless
    ``datapackage.json`` (types, meanings, keys, licence and sources)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in CATALOG_TABLES:
            archive.writestr(f"{name}.csv", safe_csv(catalog.table(name)))
        archive.writestr("program.csv", safe_csv(pd.DataFrame([catalog.program])))
        archive.writestr("datapackage.json", json.dumps(descriptor(catalog), ensure_ascii=False, indent=2))
    return buffer.getvalue()


def _json_value(value: Any) -> Any:
    return None if is_missing(value) else value


def catalog_json(catalog: Catalog) -> bytes:
    """The whole catalog as one JSON document: the program and a list of records per table."""
    document: dict[str, Any] = {"program": catalog.program}
    for name in CATALOG_TABLES:
        frame = catalog.table(name)
        document[name] = [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]
    return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")
