"""A map read from an upload or the worked example, ready for the page: what the reader found, and when it
was read without problems its network (view, summary, mapping questions) and metrics; the comparison
with a CTDC site and the result files are made from it on request.

The page keeps the latest map in its session state (a frozen value, nothing memoised inside it), so it
lives as long as the session and is never shared with another one. The process counts the maps held
(weakly) to refuse new uploads, with a "busy" message, before they exhaust its memory.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.network.model import Ecosystem, NetworkMetrics, network_metrics
from dashboard.network.views import EcosystemNetwork, PromptsView, ecosystem_network, prompts_view, summary_rows
from dashboard.upload.downloads import chart_image, graphml_bytes, kumu_json_bytes, metrics_csv, summary_csv
from dashboard.upload.tables import MAX_ORGANIZATIONS, MAX_TIES, UploadProblem, UploadResult, unforeseen
from dashboard.upload.validation import parse_upload

DOWNLOAD_KINDS = ("metrics-csv", "graphml", "json", "png", "svg")
# A new upload waits while the maps held by this process's sessions hold this many organizations and ties:
# ten of the largest maps, each about 45 MB in memory, leave a server of about 1 GB room for its pages.
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
    busy: bool = False  # not read: the process held too many maps (see ``MAX_HELD_ROWS``)

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

    def beside(self, catalog: Catalog, site: EcosystemNetwork) -> Beside:
        """This map's measures and mapping questions beside a CTDC site's."""
        _, mine, _ = self._drawn()
        return Beside(
            summary_rows([mine.summary, site.summary]),
            prompts_view(catalog, [(mine.view.name, mine.prompts), (site.view.name, site.prompts)]),
        )

    def download(self, kind: str) -> bytes:
        """One result file, made when asked for: ``metrics-csv``, ``graphml``, ``json``, ``png`` or ``svg``."""
        ecosystem, _, metrics = self._drawn()
        if kind == "metrics-csv":
            return metrics_csv(metrics)
        if kind == "graphml":
            return graphml_bytes(ecosystem, metrics)
        if kind == "json":
            return kumu_json_bytes(ecosystem, metrics)
        if kind in ("png", "svg"):
            return chart_image(ecosystem, metrics, kind)
        raise ValueError(f"unknown download '{kind}' (use one of {', '.join(DOWNLOAD_KINDS)})")

    def side_by_side_csv(self, other: EcosystemNetwork) -> bytes:
        """This map's summary and a CTDC site's, one row each, as spreadsheet-safe CSV."""
        _, mine, _ = self._drawn()
        return summary_csv(pd.concat([mine.summary, other.summary], ignore_index=True))


# The maps read and drawn in this process and still held (by sessions' state, until a session removes its map
# or ends): weak references only, so a map leaves the count as soon as nothing else holds it.
_HELD: weakref.WeakSet[MapResult] = weakref.WeakSet()


def held_rows() -> int:
    """Organizations and ties of the maps this process holds now (in any session's state)."""
    return sum(held.rows for held in list(_HELD))


def read_map(files: Sequence[tuple[str, bytes]], catalog: Catalog, key: str, name: str, origin: str = "upload") -> MapResult:
    """Read, check and (when it has no problems) measure a map; never raises. While the maps held reach
    ``MAX_HELD_ROWS``, an upload is not read but asked to come back shortly."""
    names = tuple(f for f, _ in files)
    if origin == "upload" and held_rows() >= MAX_HELD_ROWS:
        return MapResult(key, UploadResult(None, (UploadProblem(", ".join(names), BUSY),)), origin, names, busy=True)
    result = parse_upload(files, name=name, origin=origin)
    if not result.ok or result.ecosystem is None:
        return MapResult(key, result, origin, names)
    stem = "network-example" if origin == "example" else "network-yours"
    try:
        metrics = network_metrics(result.ecosystem)
        network = ecosystem_network(result.ecosystem, metrics, catalog, stem)
    except Exception as exc:  # noqa: BLE001 (never a traceback on the page: what no check foresaw gets a message)
        return MapResult(key, unforeseen(names, exc), origin, names)
    shown = MapResult(key, result, origin, names, network, metrics)
    _HELD.add(shown)
    return shown
