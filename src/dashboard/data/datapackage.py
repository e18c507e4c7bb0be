"""The dataset as a Frictionless Data Package: ``datapackage.json`` describing the CSV of every table
(field types, meanings, allowed values, primary and foreign keys), the licence, the program's
sources, the authors (from ``CITATION.cff``) and the creation date (the dataset's ``data_as_of``),
so researchers can load and check it with their usual tools (``frictionless validate``).

The descriptor is generated from the schema's JSON Schema, like the data dictionary.
"""

from __future__ import annotations

from typing import Any

from dashboard.constants import LIST_DELIMITER
from dashboard.data import cite
from dashboard.data.catalog import Catalog
from dashboard.data.schema import PROGRAM_FILE, REFERENCES, TABLES, Program, Record

DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


def _field(name: str, prop: dict[str, Any], required: bool) -> dict[str, Any]:
    """One Table Schema field from one JSON Schema property."""
    options = [option for option in prop.get("anyOf", [prop]) if option.get("type") != "null"]
    nullable = len(options) < len(prop.get("anyOf", [prop]))
    field: dict[str, Any] = {"name": name, "description": prop.get("description", "")}
    constraints: dict[str, Any] = {}
    kinds = {option.get("type") for option in options}
    if kinds == {"array"}:
        item = options[0].get("items", {})
        field["type"] = "string"
        field["description"] += f" (a list: items separated by '{LIST_DELIMITER}'"
        field["description"] += f"; each one of: {', '.join(item['enum'])})" if "enum" in item else ")"
    elif kinds == {"integer"}:
        field["type"] = "integer"
    elif kinds == {"number"}:
        field["type"] = "number"
    elif kinds == {"string"}:
        option = options[0]
        field["type"] = "string"
        if "enum" in option:
            constraints["enum"] = option["enum"]
        elif "pattern" in option:
            constraints["pattern"] = option["pattern"].removeprefix("^").removesuffix("$")
        if option.get("format") == "uri":
            field["format"] = "uri"
    else:
        field["type"] = "any"
    for key in ("minimum", "maximum"):
        if key in options[0]:
            constraints[key] = options[0][key]
    if required and not nullable and kinds != {"array"}:  # an empty list is an empty cell
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _table_schema(models: list[type[Record]], name: str) -> dict[str, Any]:
    """The Table Schema of one CSV: its fields, primary key and the foreign keys the validator checks.

    A table holding the rows of several files (metrics and census figures) has every field of
    each, in order; a field is required only where every file requires it.
    """
    properties: dict[str, Any] = {}
    required: set[str] | None = None
    for model in models:
        schema = model.model_json_schema()
        for field, prop in schema["properties"].items():
            properties.setdefault(field, prop)
        required = set(schema.get("required", [])) if required is None else required & set(schema.get("required", []))
    fields = [_field(field, prop, field in (required or set())) for field, prop in properties.items()]
    table: dict[str, Any] = {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}
    keys = [
        {"fields": [ref.field], "reference": {"resource": ref.targets[0], "fields": ["id"]}}
        for ref in REFERENCES
        # A Table Schema foreign key points into one table and holds one value: references that may
        # also name a national partner or "cross-site", and list fields, are left to the validator.
        if ref.table == name and len(ref.targets) == 1 and not ref.also and properties[ref.field].get("type") != "array"
    ]
    if keys:
        table["foreignKeys"] = keys
    return table


def _resource(name: str, models: list[type[Record]], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "encoding": "utf-8",
        "mediatype": "text/csv",
        "description": description,
        "schema": _table_schema(models, name),
    }


def descriptor(catalog: Catalog) -> dict[str, Any]:
    """``datapackage.json`` for the CSV zip of ``catalog`` (one CSV per catalog table, plus program.csv)."""
    program = catalog.program
    sources = catalog.sources.set_index("id")
    resources = [_resource("program", [Program], f"The program the dataset describes ({PROGRAM_FILE}).")]
    for table in TABLES:
        if table.merged_into is None:
            doc = (table.model.__doc__ or "").strip().splitlines()[0]
            merged = [t for t in TABLES if t.merged_into == table.name]
            with_rows = f" (with the rows of {', '.join(t.file for t in merged)})" if merged else ""
            resources.append(_resource(table.name, [table.model, *(t.model for t in merged)], doc + with_rows))
    as_of = str(program["data_as_of"])
    created = {"created": f"{as_of}T00:00:00Z"} if len(as_of) == len("YYYY-MM-DD") else {}  # a full date only
    return {
        "profile": "tabular-data-package",
        "name": f"{program['id']}-atlas",
        "title": f"{program['name']} ({program['short_name']}, {program['years']}): the atlas dataset",
        "description": program["summary"],
        "version": as_of,
        **created,
        "contributors": [{"title": name, "role": "author"} for name in cite.authors(cite.citation_file())],
        "licenses": [DATA_LICENSE],
        "sources": [
            {"title": str(sources.loc[source, "title"]), "path": str(sources.loc[source, "url"])}
            for source in program["sources"]
            if source in sources.index
        ],
        "resources": resources,
    }
