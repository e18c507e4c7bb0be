"""Safe text for the page: Markdown escaping, http(s)-only links and search highlighting."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from urllib.parse import urlparse

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$:])")


def escape_markdown(text: object) -> str:
    """Text with every Markdown (and HTML) control character escaped, safe for ``st.markdown``."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def is_http_url(url: object) -> bool:
    """True only for absolute http:// or https:// URLs with a host."""
    if not isinstance(url, str):
        return False
    parsed = urlparse(url.strip())
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and not re.search(r"\s", url)


def markdown_link(label: object, url: object) -> str:
    """A Markdown link when ``url`` is http(s); otherwise just the escaped label."""
    safe_label = escape_markdown(label)
    if not is_http_url(url):
        return safe_label
    target = str(url).replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    return f"[{safe_label}]({target})"


def search_terms(query: str, limit: int = 8) -> list[str]:
    """Lower-case words of a query (at most ``limit``, each at most 40 characters)."""
    words = re.findall(r"\w+", query.lower())
    return [w[:40] for w in words if len(w) >= 2][:limit]


def highlight(text: object, terms: Iterable[str]) -> str:
    """Escaped Markdown of ``text`` with each matched term in bold."""
    raw = str(text)
    terms = [t for t in terms if t]
    if not terms:
        return escape_markdown(raw)
    pattern = re.compile("(" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + ")", re.IGNORECASE)
    pieces = pattern.split(raw)
    out = []
    for index, piece in enumerate(pieces):
        if not piece:
            continue
        escaped = escape_markdown(piece)
        out.append(f"**{escaped}**" if index % 2 == 1 else escaped)
    return "".join(out)


def plural(word: str, count: int) -> str:
    """``word`` as it reads after ``count``: "1 lesson", "2 lessons" (regular English plurals only)."""
    return word if count == 1 else word + "s"


def wrap_label(label: str, width: int = 18) -> str:
    """``label`` broken into lines of at most ``width`` characters (multi-line chart labels)."""
    return "\n".join(textwrap.wrap(label, width)) or label


def section_markdown(title: str, *paragraphs: str) -> str:
    """A second-level heading (``title`` escaped) and the non-empty paragraphs under it, as one Markdown block."""
    return "\n\n".join([f"## {escape_markdown(title)}", *(p for p in paragraphs if p)])


def intro_markdown(intro: str, view_note: str) -> str:
    """A page's introduction (Markdown) followed by a marked line saying what the filters show (escaped)."""
    return f"{intro}\n\n:material/filter_alt: *{escape_markdown(view_note)}*"

