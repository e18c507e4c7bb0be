"""Safe text for the page: Markdown escaping, http(s)-only links, plurals and headings."""

from __future__ import annotations

import re
import textwrap

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=$:])")
# Where GitHub-flavoured Markdown would make a link of plain text (it finds "http://", "www." and
# e-mail addresses in the text after escapes are undone): a word joiner, which shows nothing, goes
# after each, so no address in the text becomes a link.
_AUTOLINK = re.compile(r"(://|@|www(?=\.))", re.IGNORECASE)
WORD_JOINER = "\u2060"
# Direction overrides, embeddings and isolates: they would reorder the text shown after them.
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# An absolute http(s) URL's scheme and host, as ``urllib.parse.urlsplit`` reads them (the host runs to the first
# "/", "?" or "#"). Matched here rather than with ``urlsplit``, which keeps the last addresses it read in a
# process-wide cache: uploaded maps' addresses would stay there after their visitors left.
_HTTP_URL = re.compile(r"https?://([^/?#]+)", re.IGNORECASE)


def escape_markdown(text: object) -> str:
    """Text with every Markdown (and HTML) control character escaped, safe for ``st.markdown``: nothing in
    it becomes an element, a link or an image (web and e-mail addresses included), and no direction
    control reorders what follows it."""
    plain = _AUTOLINK.sub(r"\1" + WORD_JOINER, _DIRECTION_CONTROLS.sub("", str(text)))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain).replace("\n", " ")


def is_http_url(url: object) -> bool:
    """True only for absolute http:// or https:// URLs with a host, without spaces, and without a lone "[" or
    "]" in the host (which ``urllib.parse`` refuses as an IPv6 address)."""
    if not isinstance(url, str) or re.search(r"\s", url):
        return False
    found = _HTTP_URL.match(url)
    return found is not None and ("[" in found[1]) == ("]" in found[1])


def markdown_link(label: object, url: object, title: object = None) -> str:
    """A Markdown link when ``url`` is http(s) (with ``title`` as its tooltip); otherwise just the escaped label."""
    safe_label = escape_markdown(label)
    if not is_http_url(url):
        return safe_label
    target = str(url).replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    if title is None:
        return f"[{safe_label}]({target})"
    tooltip = " ".join(str(title).replace("\\", "/").replace('"', "'").split())
    return f'[{safe_label}]({target} "{tooltip}")'


# Citation links ("[1]") carry a title beginning with this; the app's style sheet makes them tap targets.
CITATION_TITLE = "Source "


def plural(word: str, count: int) -> str:
    """``word`` as it reads after ``count``: "1 lesson", "2 lessons" (regular English plurals only)."""
    return word if count == 1 else word + "s"


def wrap_label(label: str, width: int = 18) -> str:
    """``label`` broken between words into lines of at most ``width`` characters (multi-line chart
    labels); a longer word keeps a line of its own, whole."""
    return "\n".join(textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)) or label


def section_markdown(title: str, *paragraphs: str) -> str:
    """A second-level heading (``title`` escaped) and the non-empty paragraphs under it, as one Markdown block."""
    return "\n\n".join([f"## {escape_markdown(title)}", *(p for p in paragraphs if p)])


def intro_markdown(intro: str, view_note: str) -> str:
    """A page's introduction (Markdown) followed by a marked line saying what the filters show (escaped)."""
    return f"{intro}\n\n:material/filter_alt: *{escape_markdown(view_note)}*"
