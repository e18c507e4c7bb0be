"""Choices a session holds: the last chosen, remembered while the page or tab that shows them is closed (which drops a
widget's own state), and a picker's current value; and the link's last value of a parameter.

Helpers for page scripts live in the package: a function defined in a page script keeps that run's globals until a
full collection, which the server does not run after each run (``runner.postScriptGC``)."""

from __future__ import annotations

from typing import TypeVar

import streamlit as st

from dashboard.ui.shell import raw_param

T = TypeVar("T")


def kept(name: str, from_link: T) -> T:
    """Where a choice starts: the last value chosen in this session (kept while its tab or the page is
    closed, which drops the widget's own state), else the link's."""
    value: T = st.session_state.get(f"kept-{name}", from_link)
    return value


def keep(name: str, value: object) -> None:
    """Remember a choice for ``kept``."""
    st.session_state[f"kept-{name}"] = value


def held_text(key: str) -> str | None:
    """The text a picker holds on this visit of the page (None before its first run: the link decides)."""
    value = st.session_state.get(key)
    return value if isinstance(value, str) else None


def last_param(key: str) -> str | None:
    """The last value the URL holds for ``key``, or None."""
    values = raw_param(key)
    return values[-1] if values else None
