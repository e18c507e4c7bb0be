"""The worked example: Riverbend, a fictional city, packaged as the two CSV files a person would upload
(in examples/) and read like an upload, named and marked as fictional."""

from __future__ import annotations

from importlib import resources

from dashboard.upload.tables import UploadResult
from dashboard.upload.validation import parse_upload

EXAMPLE_NAME = "Riverbend (fictional example)"
EXAMPLE_FILES = ("riverbend_organizations.csv", "riverbend_ties.csv")


def example_files() -> list[tuple[str, bytes]]:
    """The packaged worked example (a fictional city) as the two CSV files a person would upload."""
    folder = resources.files("dashboard.upload") / "examples"
    return [(f, (folder / f).read_bytes()) for f in EXAMPLE_FILES]


def load_example() -> UploadResult:
    """The worked example read like an upload, named and marked as fictional."""
    return parse_upload(example_files(), name=EXAMPLE_NAME, origin="example")
