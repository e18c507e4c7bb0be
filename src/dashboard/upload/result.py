"""A map read from an upload or the worked example, ready for the page: what the reader found, and when it
was read without problems its network (view, summary, mapping questions) and metrics; the comparison
with a CTDC site and the result files are made from it on request.

The page keeps the session's latest map in a session-scoped resource (a frozen value, nothing memoised inside
it), so an upload lives as long as the session and is never shared with another one; only the worked example,
whose files never change, is one map for every session. A ledger of the maps held (``HeldMaps``,
weak references, one per process, made by the page's caller) refuses new uploads with a "busy" message before
they exhaust the server's memory, and hands the memory of a map back to the system when its session drops it.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.network import model
from dashboard.network.model import Ecosystem, NetworkMetrics, network_metrics
from dashboard.network.site_comparison import summary_rows
from dashboard.network.views import EcosystemNetwork, PromptsView, ecosystem_network, prompts_view
from dashboard.upload.downloads import chart_image, graphml_bytes, kumu_json_bytes, metrics_csv, summary_csv
from dashboard.upload.tables import MAX_ORGANIZATIONS, MAX_TIES, UploadProblem, UploadResult, unforeseen
from dashboard.upload.validation import parse_upload

PICTURES = ("png", "svg")  # drawn with the CTDC site shown beside the map
DOWNLOAD_KINDS = ("metrics-csv", "graphml", "json", "png", "svg")
# A new upload waits while the maps held by this process's sessions hold this many organizations and ties:
# ten of the largest maps held took a server about 125 MB above its start at their peak (make bench, upload-memory).
MAX_HELD_ROWS = 10 * (MAX_ORGANIZATIONS + MAX_TIES)
BUSY = (
    "was not read: the server is busy holding other visitors' maps right now. Try again in a few minutes; "
    "your file is fine as it is."
)


@dataclass(frozen=True)
class Beside:
    """A map beside a CTDC site: the measures side by side (a row per measure) and the mapping
    questions answered for both."""

    measures: pd.DataFrame
    prompts: PromptsView


@dataclass(frozen=True, eq=False)
class MapResult:
    """A map read from an upload or the worked example: what the reader found, and the network when it
    was read without problems. ``key`` tells uploads apart (the files' ids); ``files`` are their names.
    Two results are the same only if they are one object."""

    key: str
    result: UploadResult
    origin: str
    files: tuple[str, ...]
    network: EcosystemNetwork | None = None
    metrics: NetworkMetrics | None = None
    busy: bool = False  # not read: the process held too many maps (see ``HeldMaps``)

    @property
    def rows(self) -> int:
        """Organizations and ties read (none when the map has problems)."""
        ecosystem = self.result.ecosystem
        return 0 if ecosystem is None else len(ecosystem.organizations) + len(ecosystem.ties)

    def _drawn(self) -> tuple[Ecosystem, EcosystemNetwork, NetworkMetrics]:
        ecosystem, network, metrics = self.result.ecosystem, self.network, self.metrics
        if ecosystem is None or network is None or metrics is None:
            raise ValueError("the map has problems; there is nothing to compare or download")
        return ecosystem, network, metrics

    def beside(self, catalog: Catalog, site: EcosystemNetwork, repository: str | None = None) -> Beside:
        """This map's measures and mapping questions beside a CTDC site's (with a ``repository``, each
        question's editorial links offer a correction)."""
        _, mine, _ = self._drawn()
        return Beside(
            summary_rows([mine.summary, site.summary]),
            prompts_view(catalog, [(mine.view.name, mine.prompts), (site.view.name, site.prompts)], repository),
        )

    def download(self, kind: str, beside: Ecosystem | None = None) -> bytes:
        """One result file, made when asked for: ``metrics-csv``, ``graphml``, ``json``, ``png`` or ``svg``
        (a picture with the CTDC site ``beside`` it when the page shows one)."""
        ecosystem, _, metrics = self._drawn()
        if kind == "metrics-csv":
            return metrics_csv(metrics)
        if kind == "graphml":
            return graphml_bytes(ecosystem, metrics)
        if kind == "json":
            return kumu_json_bytes(ecosystem, metrics)
        if kind in ("png", "svg"):
            return chart_image(ecosystem, metrics, kind, beside)
        raise ValueError(f"unknown download '{kind}' (use one of {', '.join(DOWNLOAD_KINDS)})")

    def download_beside_site(self, kind: str, catalog: Catalog, site_id: str) -> bytes:
        """``download`` of ``kind``, a picture with the CTDC site ``site_id`` beside the map (the site's network
        read only when asked for). A download button keeps this as a plain method of the map and its
        arguments, never a page script's function, whose globals would hold the map past its session."""
        return self.download(kind, model.site_ecosystem(catalog, site_id) if kind in PICTURES else None)

    def side_by_side_csv(self, other: EcosystemNetwork) -> bytes:
        """This map's summary and a CTDC site's, one row each, as spreadsheet-safe CSV."""
        _, mine, _ = self._drawn()
        return summary_csv(pd.concat([mine.summary, other.summary], ignore_index=True))


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library is not glibc."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def return_freed_memory() -> None:
    """Free what only references among themselves still hold (sessions Streamlit has let go, with their uploaded
    files; the server does not collect after every run), then hand the memory freed since the last call back to the system: C's
    allocator keeps freed pages for reuse, so without this the server stays as large as its busiest moment."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class HeldMaps:
    """The uploaded maps a process's sessions hold, by weak reference (a map leaves as soon as its session drops
    it, and its memory is returned to the system then), and how many organizations and ties they may hold
    together before a new upload is refused (two uploads read at the same moment may both find room)."""

    def __init__(self, limit: int = MAX_HELD_ROWS) -> None:
        self.limit = limit
        self._maps: weakref.WeakSet[MapResult] = weakref.WeakSet()
        self._lock = threading.Lock()  # sessions read and add from their own threads

    def rows(self) -> int:
        """Organizations and ties of the maps held now."""
        with self._lock:
            held = list(self._maps)
        return sum(shown.rows for shown in held)

    def full(self) -> bool:
        """Whether the maps held reach the limit, so a new upload must wait."""
        return self.rows() >= self.limit

    def add(self, shown: MapResult) -> None:
        """Count a map while something else holds it."""
        with self._lock:
            self._maps.add(shown)
        weakref.finalize(shown, return_freed_memory)


def made_later(shown: MapResult, make: Callable[[MapResult], bytes]) -> Callable[[], bytes]:
    """``make(shown)``, when asked for, holding the map only weakly: Streamlit keeps a download button's callable
    after its session has gone, and it must not keep the map's memory with it."""
    held = weakref.ref(shown)

    def made() -> bytes:
        alive = held()
        if alive is None:
            raise ValueError("the map is no longer held by its session; upload it again")
        return make(alive)

    return made


def _measured(
    files: Sequence[tuple[str, bytes]], names: tuple[str, ...], catalog: Catalog, key: str, name: str, origin: str
) -> MapResult:
    """``read_map``'s reading, checking and measuring of ``files`` (named ``names``), held nowhere."""
    result = parse_upload(files, name=name, origin=origin)
    if not result.ok or result.ecosystem is None:
        return MapResult(key, result, origin, names)
    stem = "network-example" if origin == "example" else "network-yours"
    try:
        metrics = network_metrics(result.ecosystem)
        network = ecosystem_network(result.ecosystem, metrics, catalog, stem)
    except Exception as exc:  # noqa: BLE001 (never a traceback on the page: what no check foresaw gets a message)
        return MapResult(key, unforeseen(names, exc), origin, names)
    return MapResult(key, result, origin, names, network, metrics)


def read_map(
    files: Sequence[tuple[str, bytes]],
    catalog: Catalog,
    key: str,
    name: str,
    origin: str = "upload",
    held: HeldMaps | None = None,
) -> MapResult:
    """Read, check and (when it has no problems) measure a map; never raises. With ``held``, the map read is
    counted there, and while the maps held there are full it is not read but asked to come back shortly.
    What reading took and let go (the file's rows, the graphs the measures were computed on) goes back to
    the system before the map is handed out."""
    names = tuple(f for f, _ in files)
    if held is not None and held.full():
        return MapResult(key, UploadResult(None, (UploadProblem(", ".join(names), BUSY),)), origin, names, busy=True)
    try:
        shown = _measured(files, names, catalog, key, name, origin)
    finally:
        return_freed_memory()
    if held is not None and shown.network is not None:
        held.add(shown)
    return shown
