"""Blank templates to fill in (two CSV files, a commented YAML file, an Excel workbook with a list of the
allowed types) and the guide the page shows above them: the two tables' columns, types and limits."""

from __future__ import annotations

import io
from collections.abc import Iterable

from dashboard.data.schema import RELATIONSHIP_KINDS
from dashboard.data.text import escape_markdown
from dashboard.network.model import NETWORK_TYPES
from dashboard.upload.tables import MAX_ORGANIZATIONS, MAX_TIES, MAX_UPLOAD_MB, ORGANIZATIONS, TABLE_COLUMNS, TIES

TEMPLATE_YAML = """\
# Your civic tech and data ecosystem: who is in it, and who is tied to whom.
# organizations: one entry per organization. type is one of:
#   {types}
# ties: one entry per tie; source and target are names from the organizations list. kind is
# free text, for example: {kinds}.
# Quote a value that holds a colon, e.g.  notes: "Note: ..."
# Remove the '#' in front of an entry's lines to use it, and copy it for each further entry.
organizations:
  # - name: City of Example, Office of Innovation
  #   type: local government
  #   url: https://example.org/
  #   notes: What it does in the ecosystem.
ties:
  # - source: City of Example, Office of Innovation
  #   target: Example Data Collaborative
  #   kind: partnered
  #   note: What the tie is.
"""


def upload_guide_markdown() -> str:
    """What a map holds, for the page: the two tables' columns, the allowed types and the limits (Markdown)."""
    orgs, ties = (", ".join(f"`{c}`" for c in TABLE_COLUMNS[k]) for k in (ORGANIZATIONS, TIES))
    return (
        f"A map is two tables. **Organizations**: {orgs}; one row per organization, `type` one of "
        f"{escape_markdown(', '.join(NETWORK_TYPES))}. **Ties**: {ties}; one row per tie, `source` and `target` "
        "written exactly as in the organizations' `name` column (any case), `kind` in your own words "
        f"(for example {escape_markdown(', '.join(RELATIONSHIP_KINDS[:4]))}). Upload the two CSV files together, one "
        f"YAML file or one Excel workbook with the sheets `organizations` and `ties`. At most {MAX_ORGANIZATIONS:,} "
        f"organizations, {MAX_TIES:,} ties and {MAX_UPLOAD_MB} MB per file. Your files are read in this browser "
        "session's memory only: nothing is stored on the server, and nobody else can see them."
    )


def _csv_bytes(header: Iterable[str]) -> bytes:
    return (",".join(header) + "\n").encode("utf-8")


TEMPLATE_FILES = {"csv": ("organizations.csv", "ties.csv"), "yaml": ("ecosystem.yaml",), "xlsx": ("ecosystem.xlsx",)}


def template_file(fmt: str, file_name: str) -> bytes:
    """One file of a template (see ``TEMPLATE_FILES``), made when asked for."""
    return template_files(fmt)[file_name]


def template_files(fmt: str) -> dict[str, bytes]:
    """Blank templates to fill in: ``"csv"`` (two files), ``"yaml"`` or ``"xlsx"`` (one file each)."""
    if fmt == "csv":
        return {"organizations.csv": _csv_bytes(TABLE_COLUMNS[ORGANIZATIONS]), "ties.csv": _csv_bytes(TABLE_COLUMNS[TIES])}
    if fmt == "yaml":
        text = TEMPLATE_YAML.format(types=", ".join(NETWORK_TYPES), kinds=", ".join(RELATIONSHIP_KINDS))
        return {"ecosystem.yaml": text.encode("utf-8")}
    if fmt == "xlsx":
        return {"ecosystem.xlsx": _template_xlsx()}
    raise ValueError(f"unknown template format '{fmt}' (use csv, yaml or xlsx)")


def _template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    organizations = workbook.active
    organizations.title = ORGANIZATIONS
    organizations.append(list(TABLE_COLUMNS[ORGANIZATIONS]))
    choice = DataValidation(type="list", formula1='"' + ",".join(NETWORK_TYPES) + '"', allow_blank=True)
    organizations.add_data_validation(choice)
    choice.add(f"B2:B{MAX_ORGANIZATIONS + 1}")
    ties = workbook.create_sheet(TIES)
    ties.append(list(TABLE_COLUMNS[TIES]))
    allowed = workbook.create_sheet("allowed values")
    allowed.append(["organization type", "example kinds of tie (any text is accepted)"])
    for i in range(max(len(NETWORK_TYPES), len(RELATIONSHIP_KINDS))):
        allowed.append(
            [NETWORK_TYPES[i] if i < len(NETWORK_TYPES) else None, RELATIONSHIP_KINDS[i] if i < len(RELATIONSHIP_KINDS) else None]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
