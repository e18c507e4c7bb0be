"""Reference pages that cost what a page's elements alone cost: for each page of the app, a page that sends the
same elements (the same Markdown, a table of the same shape, the same chart spec and data, a map of the same layers,
widgets of the same kinds and labels, in the same containers) from constants, computing nothing.

``scripts.bench.recording.record`` reruns each link once in a fresh session (a first visit: every element
arrives in full, none as a reference to one the tab holds) and keeps the messages; ``write_reference`` turns
those recordings into a Streamlit app of its own: ``reference_app.py`` with the same navigation (titles, icons,
URL paths, a script file per page, as the app has), a script per page in ``reference_pages/`` that replays
the page's recorded elements, and ``reference_data.py``, which builds the tables, chart specs and maps from
recorded constants once, when the server first imports it. The reference app is served like the app and timed
in the same run on the same links, so each page's figures can be read as a multiple of its own.
"""

from __future__ import annotations

import json
import shutil
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.Block_pb2 import Block
from streamlit.proto.Checkbox_pb2 import Checkbox
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Markdown_pb2 import Markdown

from scripts import replicas
from scripts.bench.recording import Recording

APP_FILE, DATA_FILE = "reference_app.py", "reference_data.py"
PAGES_FOLDER = "reference_pages"  # not "pages", which Streamlit would read as a legacy multipage app
MAIN, SIDEBAR, EVENT = 0, 1, 2  # the root containers of a delta path
INDENT = "    "
ALERTS = {Alert.ERROR: "error", Alert.WARNING: "warning", Alert.INFO: "info", Alert.SUCCESS: "success"}
HEADINGS = {"h1": "title", "h2": "header", "h3": "subheader"}
MARKDOWN_CALLS = {Markdown.NATIVE: "markdown", Markdown.CAPTION: "caption", Markdown.UNSPECIFIED: "markdown"}
DATA_HEADER = '''"""Constants of the reference pages, recorded from the app; built once, when the server imports this module."""

import contextvars
import json

import pyarrow as pa
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize


class CompactDeck(pdk.Deck):
    """A deck serialised without indentation, as the app's maps are."""

    def to_json(self) -> str:
        """The deck's JSON spec, compact."""
        return json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))


def frame(data: bytes):
    """A table from an Arrow IPC stream."""
    return pa.ipc.open_stream(data).read_pandas()


def vega(spec: str, datasets: dict):
    """A Vega-Lite spec with its named datasets (Arrow IPC bytes, as the app hands them to Streamlit)."""
    return {**json.loads(spec), **({"datasets": datasets} if datasets else {})}


def deck(spec: str, tooltip: str):
    """A pydeck map of the layers, view and options of a recorded deck JSON spec."""
    found = json.loads(spec)
    layers = [pdk.Layer(layer.pop("@@type"), **layer) for layer in found.pop("layers", [])]
    view = pdk.ViewState(**found.pop("initialViewState", {}))
    options = {"map_provider": found.pop("mapProvider", None)} if "mapStyle" not in found else {"map_style": None}
    return CompactDeck(
        layers=layers, initial_view_state=view, tooltip=json.loads(tooltip) if tooltip else False,
        description=found.get("description"), **options,
    )


def nothing() -> str:
    """The content of a download generated on click (the reference's are empty)."""
    return ""


PAGES = contextvars.ContextVar("pages")  # the pages of the script run, for the page links (as the app's context)

'''


class UnsupportedElement(ValueError):
    """A recorded element or container the reference generator cannot replay."""


@dataclass
class Node:
    """One recorded element or container, and (for a container) what it holds by index."""

    element: Element | None = None
    block: Block | None = None
    children: dict[int, Node] = field(default_factory=dict)


def element_tree(messages: Iterable[ForwardMsg]) -> dict[int, Node]:
    """The recorded deltas as a tree: root container -> index -> node (the last delta at a path wins)."""
    roots: dict[int, Node] = {}
    for msg in messages:
        if msg.WhichOneof("type") != "delta":
            continue
        kind = msg.delta.WhichOneof("type")
        if kind not in ("new_element", "add_block"):
            continue
        root, *path = list(msg.metadata.delta_path)
        parent = roots.setdefault(root, Node())
        for index in path[:-1]:
            parent = parent.children.setdefault(index, Node())
        node = parent.children.setdefault(path[-1], Node())
        if kind == "new_element":
            node.element = msg.delta.new_element
        else:
            node.block = msg.delta.add_block
    return roots


def user_key(widget_id: str) -> str | None:
    """The key the app gave a widget, from its id (``$$ID-<hash>-<key>``; ``None`` when it had none)."""
    parts = widget_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" else None


def _keyed(widget_id: str, bound: str = "") -> str:
    """The ``key=`` (and ``bind=``) arguments that give a widget its recorded key, or none."""
    key = user_key(widget_id)
    args = f", key={key!r}" if key else ""
    return args + (', bind="query-params"' if bound and key else "")


class Writer:
    """Python source for the reference pages: each page function's lines, and the data module's constants."""

    def __init__(self) -> None:
        self.constants: list[str] = []
        self.lines: list[str] = []

    def constant(self, expression: str) -> str:
        """A constant of the data module (built once at import), by its name in the page code."""
        self.constants.append(f"C{len(self.constants)} = {expression}")
        return f"data.C{len(self.constants) - 1}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append(INDENT * depth + line)

    def children(self, node: Node, depth: int) -> None:
        """The elements and containers of ``node``, in order."""
        for index in sorted(node.children):
            child = node.children[index]
            if child.block is not None:
                self.block(child, depth)
            elif child.element is not None:
                self.emit(depth, self.call(child.element))

    def block(self, node: Node, depth: int) -> None:
        """A container and what it holds."""
        block = node.block
        assert block is not None
        kind = block.WhichOneof("type")
        name = f"box{len(self.lines)}"
        if (
            kind == "flex_container"
            and node.children
            and all(c.block is not None and c.block.WhichOneof("type") == "column" for c in node.children.values())
        ):
            weights = [node.children[i].block.column.weight for i in sorted(node.children)]  # type: ignore[union-attr]
            self.emit(depth, f"{name} = st.columns({weights!r})")
            for position, index in enumerate(sorted(node.children)):
                self.emit(depth, f"with {name}[{position}]:")
                self._body(node.children[index], depth + 1)
            return
        if kind == "tab_container":
            labels = [node.children[i].block.tab.label for i in sorted(node.children)]  # type: ignore[union-attr]
            extra = ', on_change="rerun"' + _keyed(block.tab_container.id) if block.tab_container.id else ""
            self.emit(depth, f"{name} = st.tabs({labels!r}{extra})")
            for position, index in enumerate(sorted(node.children)):
                if node.children[index].children:
                    self.emit(depth, f"with {name}[{position}]:")
                    self._body(node.children[index], depth + 1)
            return
        if kind == "expandable":
            box = block.expandable
            extra = (f", icon={box.icon!r}" if box.icon else "") + (', on_change="rerun"' + _keyed(box.id) if box.id else "")
            self.emit(depth, f"with st.expander({box.label!r}, expanded={box.expanded}{extra}):")
        elif kind == "flex_container":
            horizontal = block.flex_container.direction == block.flex_container.HORIZONTAL
            self.emit(depth, f"with st.container(horizontal={horizontal}, border={block.flex_container.border}):")
        elif kind == "vertical":
            self.emit(depth, f"with st.container(border={block.vertical.border}):")
        else:
            raise UnsupportedElement(f"container {kind!r}")
        self._body(node, depth + 1)

    def _body(self, node: Node, depth: int) -> None:
        before = len(self.lines)
        self.children(node, depth)
        if len(self.lines) == before:
            self.emit(depth, "pass")

    def call(self, element: Element) -> str:
        """The Streamlit call that sends ``element`` again, its data from constants."""
        kind = element.WhichOneof("type")
        if kind == "markdown":
            md = element.markdown
            if md.element_type == Markdown.DIVIDER:
                return "st.divider()"
            if md.element_type not in MARKDOWN_CALLS:
                raise UnsupportedElement(f"markdown of type {md.element_type}")
            return f"st.{MARKDOWN_CALLS[md.element_type]}({md.body!r}{_help(md.help)})"
        if kind == "heading":
            heading = element.heading
            anchor = ", anchor=False" if heading.hide_anchor else ""
            return f"st.{HEADINGS.get(heading.tag, 'subheader')}({heading.body!r}{anchor}{_help(heading.help)})"
        if kind == "html":
            return f"st.html({element.html.body!r})"
        if kind == "code":
            code = element.code
            return f"st.code({code.code_text!r}, language={code.language or None!r}, wrap_lines={code.wrap_lines})"
        if kind == "alert":
            alert = element.alert
            icon = f", icon={alert.icon!r}" if alert.icon else ""
            return f"st.{ALERTS[alert.format]}({alert.body!r}{icon})"
        if kind == "metric":
            metric = element.metric
            delta = f", delta={metric.delta!r}" if metric.delta else ""
            return f"st.metric({metric.label!r}, {metric.body!r}{delta}{_help(metric.help)}, border={metric.show_border})"
        if kind == "page_link":
            link = element.page_link
            query = dict(urllib.parse.parse_qsl(link.query_string))
            target = repr(link.page) if link.external else f"PAGES[{link.page!r}]"
            icon = f", icon={link.icon!r}" if link.icon else ""
            return f"st.page_link({target}, label={link.label!r}{icon}{_help(link.help)}, query_params={query!r})"
        if kind == "dataframe":
            table = element.dataframe
            hidden = json.loads(table.columns or "{}").get("_index", {}).get("hidden", False)
            return f"st.dataframe({self.constant(f'frame({table.arrow_data.data!r})')}, hide_index={hidden})"
        if kind == "vega_lite_chart":
            chart = element.vega_lite_chart
            datasets = {d.name: d.data.data for d in chart.datasets}
            spec = self.constant(f"vega({chart.spec!r}, {datasets!r})")
            alt = f", alt={chart.alt!r}" if chart.alt else ""
            return f'st.vega_lite_chart({spec}, width="stretch"{alt})'
        if kind == "deck_gl_json_chart":
            deck = element.deck_gl_json_chart
            height = f", height={element.height_config.pixel_height}" if element.height_config.pixel_height else ""
            select = f', on_select="rerun"{_keyed(deck.id)}' if deck.selection_mode else ""
            alt = f", alt={deck.alt!r}" if deck.alt else ""
            return f"st.pydeck_chart({self.constant(f'deck({deck.json!r}, {deck.tooltip!r})')}{height}{alt}{select})"
        return self.widget(element, kind or "")

    def widget(self, element: Element, kind: str) -> str:
        """The call for a widget element: the same kind, label and options, under its recorded key."""
        if kind == "checkbox":
            box = element.checkbox
            call = "toggle" if box.type == Checkbox.StyleType.TOGGLE else "checkbox"
            return f"st.{call}({box.label!r}, value={box.default}{_help(box.help)}{_keyed(box.id, box.query_param_key)})"
        if kind == "selectbox":
            box = element.selectbox
            index = box.default if box.HasField("default") else None
            placeholder = f", placeholder={box.placeholder!r}" if box.placeholder else ""
            keyed = _keyed(box.id, box.query_param_key)
            return f"st.selectbox({box.label!r}, {list(box.options)!r}, index={index}{placeholder}{_help(box.help)}{keyed})"
        if kind == "multiselect":
            box = element.multiselect
            default = [box.options[i] for i in box.default]
            placeholder = f", placeholder={box.placeholder!r}" if box.placeholder else ""
            keyed = _keyed(box.id, box.query_param_key)
            return (
                f"st.multiselect({box.label!r}, {list(box.options)!r}, default={default!r}{placeholder}{_help(box.help)}{keyed})"
            )
        if kind == "download_button":
            button = element.download_button
            data = "data.nothing" if button.deferred_file_id else '""'
            on_click = ', on_click="ignore"' if button.ignore_rerun else ""
            icon = f", icon={button.icon!r}" if button.icon else ""
            return f"st.download_button({button.label!r}, {data}{on_click}{icon}{_help(button.help)}{_keyed(button.id)})"
        if kind == "file_uploader":
            uploader = element.file_uploader
            types = [t.lstrip(".") for t in uploader.type] or None
            multiple = uploader.multiple_files
            return f"st.file_uploader({uploader.label!r}, type={types!r}, accept_multiple_files={multiple}{_keyed(uploader.id)})"
        if kind == "empty":
            return "st.empty()"
        raise UnsupportedElement(f"element {kind!r}")


def _help(text: str) -> str:
    return f", help={text!r}" if text else ""


def _navigation(recordings: Iterable[Recording]) -> tuple[Any, Any]:
    """The app's page config and navigation, as the recordings received them."""
    config = navigation = None
    for recording in recordings:
        for msg in recording.messages:
            kind = msg.WhichOneof("type")
            if kind == "page_config_changed":
                config = msg.page_config_changed
            elif kind == "navigation":
                navigation = msg.navigation
    if navigation is None:
        raise UnsupportedElement("no navigation message recorded: the reference replays a multipage app")
    return config, navigation


def reference_sources(recordings: Mapping[str, Recording]) -> dict[str, str]:
    """The reference app's files (relative path -> source) from each page's recording (keyed by any name; each
    recording's link names its page by URL path): the main script, a script per page of the app's navigation
    (file pages, as the app's are), and the data module."""
    config, navigation = _navigation(recordings.values())
    writer = Writer()
    by_page = {recording.link.page: recording for recording in recordings.values()}
    files: dict[str, str] = {}
    pages = []
    for number, page in enumerate(navigation.app_pages):
        script = f"{PAGES_FOLDER}/page_{number}.py"
        writer.lines = [f'"""Reference page: the elements of the app\'s page {page.page_name!r}, from constants."""', ""]
        writer.lines += ["import streamlit as st", "", "import reference_data as data", "", "PAGES = data.PAGES.get()"]
        recording = by_page.get(page.url_pathname)
        roots = element_tree(recording.messages) if recording else {}
        if set(roots) - {MAIN, SIDEBAR, EVENT}:
            raise UnsupportedElement(f"root containers {sorted(set(roots) - {MAIN, SIDEBAR, EVENT})}")
        writer.children(roots.get(EVENT, Node()), 0)
        writer.children(roots.get(MAIN, Node()), 0)
        if SIDEBAR in roots:
            writer.emit(0, "with st.sidebar:")
            writer._body(roots[SIDEBAR], 1)
        files[script] = "\n".join(writer.lines) + "\n"
        pages.append(
            f"    {page.url_pathname!r}: st.Page({script!r}, title={page.page_name!r}, icon={page.icon!r}, "
            f"url_path={page.url_pathname or None!r}, default={page.is_default}),"
        )
    app = [
        '"""Reference pages: the elements the app\'s pages send, from constants (generated by scripts.bench.reference)."""',
        "",
        "import streamlit as st",
        "",
        "import reference_data as data",
        "",
    ]
    if config is not None:
        icon = config.favicon.removeprefix("emoji:")
        layout = "wide" if config.layout == config.WIDE else "centered"
        app.append(f"st.set_page_config(page_title={config.title!r}, page_icon={icon!r}, layout={layout!r})")
    app += ["PAGES = {", *pages, "}", "data.PAGES.set(PAGES)", "st.navigation(list(PAGES.values())).run()", ""]
    files[APP_FILE] = "\n".join(app)
    files[DATA_FILE] = DATA_HEADER + "\n".join(writer.constants) + "\n"
    return files


def write_reference(recordings: Mapping[str, Recording], folder: Path) -> Path:
    """Write the reference app's files and the project's ``.streamlit/config.toml`` into ``folder``; the main
    script's path."""
    shutil.copytree(
        replicas.ROOT / ".streamlit", folder / ".streamlit", ignore=shutil.ignore_patterns("secrets.toml"), dirs_exist_ok=True
    )
    for name, source in reference_sources(recordings).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(source, encoding="utf-8")
    return folder / APP_FILE
