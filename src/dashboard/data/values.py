"""Values as readers see them: missing values (None and NaN), partial ISO dates, numbers, dollars.

One rule each: what counts as missing, how a partial date is written and read, and how a figure
is shown. Unknown values read "not found in sources", never zero.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pandas as pd

NOT_FOUND = "not found in sources"
PARTIAL_DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
_PARTIAL_DATE = re.compile(PARTIAL_DATE_PATTERN)


def is_missing(value: object) -> bool:
    """True for ``None`` and NaN: a value not found in sources."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def without_nan(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every missing cell of a non-numeric column as ``None`` (pandas would show NaN)."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and out[column].isna().any():
            out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts, with missing values as ``None`` (read column by column: several times
    faster than ``DataFrame.to_dict`` on Arrow-backed text)."""
    columns = [[None if is_missing(value) else value for value in frame[column].tolist()] for column in frame.columns]
    return [dict(zip(frame.columns, row)) for row in zip(*columns)]


def as_partial_date_text(value: object) -> object:
    """YAML dates and bare years as ISO text (``2017``, ``2017-05-01``); anything else unchanged, for validation."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    return value


def parse_partial_date(text: object) -> pd.Timestamp | None:
    """An ISO date at any precision (YYYY, YYYY-MM, YYYY-MM-DD) as the start of that period, else None."""
    if not isinstance(text, str) or not _PARTIAL_DATE.match(text.strip()):
        return None
    year, month, day = ([*map(int, text.strip().split("-")), 1, 1])[:3]
    try:
        return pd.Timestamp(year, month, day)
    except ValueError:
        return None


def date_text(value: object) -> str:
    """A partial date as shown, or "date not found in sources" (it stands beside other facts, such as
    a publisher, so it names what is missing)."""
    return f"date {NOT_FOUND}" if is_missing(value) or value == "" else str(value)


def format_usd(amount: float) -> str:
    """Dollars with thousands separators, no cents."""
    return f"${amount:,.0f}"


def format_value(value: object, value_type: str = "number", unit: object = None) -> str:
    """A metric value as shown to readers: "not found in sources" when unknown, years without
    separators, numbers grouped, dollars and percentages marked; other units appended."""
    if is_missing(value):
        return NOT_FOUND
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    if value_type == "year":
        return str(int(value))
    if unit == "USD":
        return format_usd(value)
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "percent":
        return text + "%"
    return text + (f" {unit}" if isinstance(unit, str) and unit and unit != "people" else "")


def status_in(status: str, as_of: object) -> str:
    """A product's status as history, not as today's state: "Active in 2018-01" (the date of the last
    source that reports it)."""
    return f"{status.capitalize()} in {as_of}"
