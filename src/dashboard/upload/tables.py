"""What an upload is made of: the two tables and their columns, the limits a map must keep, a cell made
plain text, a table as read (before it is checked), and the problems and result a reader gives back.

The readers (readers.py) fill ``Table``s; the checks (validation.py) turn them into an ``UploadResult``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pandas as pd

from dashboard.network.model import Ecosystem

# The most one file may hold; .streamlit/config.toml sets server.maxUploadSize to the same number of MB.
MAX_UPLOAD_MB = 2
MAX_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ORGANIZATIONS = 5_000
MAX_TIES = 20_000
MAX_LENGTHS = {"name": 200, "type": 60, "url": 2_000, "notes": 2_000, "source": 200, "target": 200, "kind": 60, "note": 2_000}
# Problems listed in full; past this, one line says how many more there are.
MAX_LISTED = 200

ORGANIZATIONS = "organizations"
TIES = "ties"
TABLE_COLUMNS = {ORGANIZATIONS: ("name", "type", "url", "notes"), TIES: ("source", "target", "kind", "note")}
ROW_LIMITS = {ORGANIZATIONS: MAX_ORGANIZATIONS, TIES: MAX_TIES}

_LOG = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters that show nothing: C1 controls and Unicode's default-ignorable code points (zero-width space
# and joiners, direction marks and overrides, soft hyphen, word joiner, byte-order mark, variation
# selectors, Hangul fillers, tags).
_INVISIBLE = re.compile(
    "[\x80-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)
ZERO_WIDTH_SPACE = "\u200b"
_SPACE = re.compile(r"\s+")


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


def unforeseen(file_names: Sequence[str], exc: Exception) -> UploadResult:
    """The result of a failure no check foresaw: logged in full for the maintainers (with its traceback),
    told to the visitor as a message naming the files, with no server path or traceback."""
    _LOG.error("An upload of %s could not be read", ", ".join(file_names), exc_info=exc)
    message = (
        f"could not be read ({exc.__class__.__name__}). Check that it follows one of the templates above, save it "
        "again and upload it; if it still fails, copy its rows into the CSV templates."
    )
    return UploadResult(None, (UploadProblem(", ".join(file_names) or "upload", message),))


def capped(problems: list[UploadProblem]) -> tuple[UploadProblem, ...]:
    """The first ``MAX_LISTED`` problems, and one more line saying how many were left out."""
    if len(problems) <= MAX_LISTED:
        return tuple(problems)
    more = len(problems) - MAX_LISTED
    return (*problems[:MAX_LISTED], UploadProblem(problems[MAX_LISTED].file, f"… and {more:,} more problems."))


def clean(value: object) -> str:
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


def name_key(name: str) -> str:
    """A name as names are compared: Unicode-normalised (NFKC, so look-alike forms such as full-width letters
    match), invisible characters removed (a zero-width space counts as a space), white space made single,
    case ignored."""
    if name.isascii():  # the common case: clean() has left no control characters or runs of space
        return name.casefold()
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub(lambda m: " " if m[0] == ZERO_WIDTH_SPACE else "", name))
    return unicodedata.normalize("NFKC", " ".join(text.split()).casefold())


def invisible(text: str) -> list[str]:
    """The invisible characters in ``text``, each named once (e.g. "U+200B ZERO WIDTH SPACE"), in order."""
    if text.isascii():
        return []
    found = dict.fromkeys(_INVISIBLE.findall(text))
    return [f"U+{ord(c):04X} {unicodedata.name(c, 'control character')}" for c in found]


def normal(text: object) -> str:
    """A heading, sheet name or key made comparable: lower case, single spaces, no '_' or '-'."""
    return _SPACE.sub(" ", clean(text).lower().replace("-", " ").replace("_", " ")).strip()


@dataclass
class Table:
    """Rows of one table as read: where it came from, its headings, each row's cells (heading to text) and
    each row's position (row number, or line for YAML) in a list beside them; the rows whose cells stood
    under no heading (ignored, and said so) and notes on what the file claimed but did not hold.

    Rows are plain dicts of text, which Python's collector never tracks: a map of 25,000 rows then gives
    the collector nothing to walk again and again while it is read (tuples of a position and a dict would be
    tracked, and made reading the largest map about a third slower).
    """

    file: str
    sheet: str | None = None
    header: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    by_line: bool = False  # YAML: positions are line numbers, headings are the keys used
    unheaded: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        """The file (and sheet) in a note."""
        return f"{self.file} (sheet '{self.sheet}')" if self.sheet else self.file

    def set_header(self, cells: Sequence[object]) -> None:
        """The headings from the first row, made comparable (``normal``); blank ones at the end dropped."""
        header = [normal(h) for h in cells]
        while header and not header[-1]:
            header.pop()
        self.header = header

    def add(self, at: int, cells: dict[str, str]) -> None:
        """Add a row read at row (or line) ``at``."""
        self.positions.append(at)
        self.rows.append(cells)

    def add_values(self, at: int, values: Sequence[object]) -> None:
        """Add a row of cells in heading order, unless all are blank; cells under no heading are
        ignored and the row is remembered in ``unheaded``."""
        width = len(self.header)
        extra = values[width:]
        # Counted in C first: a hostile row may be thousands of empty cells wide.
        ignored = len(extra) != extra.count(None) + extra.count("") and any(map(clean, extra))
        if "" in self.header:
            ignored = ignored or any(clean(v) for h, v in zip(self.header, values) if not h)
            cells = {h: clean(v) for h, v in zip(self.header, values) if h}
        else:
            cells = dict(zip(self.header, map(clean, values)))
        if ignored:
            self.unheaded.append(at)
        if any(cells.values()):
            self.add(at, cells)

    def entries(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each row's position and cells."""
        return zip(self.positions, self.rows)

    def problem(self, message: str, at: int | None = None, column: str | None = None) -> UploadProblem:
        """A problem in this table, at a row (or YAML line) and column when given."""
        if self.by_line:
            return UploadProblem(self.file, message, self.sheet, line=at, column=column)
        return UploadProblem(self.file, message, self.sheet, row=at, column=column)
