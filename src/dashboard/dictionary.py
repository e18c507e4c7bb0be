"""The data dictionary, generated from the schema: every file, field, type and allowed value."""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

import pandas as pd
from pydantic.fields import FieldInfo

from . import constants as C
from .schema import RECORD_MODELS, SLUG_PATTERN, Program


def _type_name(annotation: Any) -> tuple[str, list[str]]:
    """A readable type name and the allowed values (for vocabularies)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        names = " ".join(getattr(getattr(m, "func", None), "__name__", "") for m in args[1:])
        patterns = " ".join(str(getattr(m, "pattern", "")) for m in args[1:]) + " ".join(
            str(getattr(n, "pattern", "")) for m in args[1:] for n in getattr(m, "metadata", [])
        )
        if "_check_partial_date" in names:
            return "date (YYYY, YYYY-MM or YYYY-MM-DD)", []
        if "_check_http_url" in names:
            return "http(s) URL", []
        if SLUG_PATTERN in patterns:
            return "id", []
        return _type_name(args[0])
    if origin is Literal:
        return "one of the allowed values", [str(a) for a in args]
    if origin in (typing.Union, types.UnionType):
        parts = [_type_name(a) for a in args if a is not type(None)]
        names = " or ".join(p[0] for p in parts)
        allowed = [v for p in parts for v in p[1]]
        return (names + (" or null" if type(None) in args else "")), allowed
    if origin is list:
        inner, allowed = _type_name(args[0]) if args else ("value", [])
        return f"list of {inner}", allowed
    return {str: "text", int: "integer", float: "number"}.get(annotation, getattr(annotation, "__name__", str(annotation))), []


def _rows(file: str, model: type) -> list[dict[str, Any]]:
    rows = []
    for name, info in model.model_fields.items():
        assert isinstance(info, FieldInfo)
        type_text, allowed = _type_name(info.annotation)
        if info.metadata:
            type_text, allowed = _type_name(typing.Annotated[(info.annotation, *info.metadata)])
        rows.append(
            {
                "file": file,
                "field": name,
                "type": type_text,
                "required": info.is_required(),
                "allowed values": ", ".join(allowed),
            }
        )
    return rows


def data_dictionary() -> pd.DataFrame:
    """One row per field of every data file, straight from the schema."""
    rows = _rows(C.PROGRAM_FILE, Program)
    for key, model in RECORD_MODELS.items():
        rows.extend(_rows(C.RECORD_FILES[key], model))
    return pd.DataFrame(rows)
