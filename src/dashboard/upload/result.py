"""A map read from an upload or the worked example, ready for the page: what the reader found, and when it
was read without problems its network (view, summary, mapping questions) and metrics; the comparison
with a CTDC site and the result files are made from it on request.

The page keeps the latest map in its session state (a frozen value, nothing memoised inside it), so it
lives as long as the session and is never shared with another one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.network.model import Ecosystem, NetworkMetrics, network_metrics
from dashboard.network.views import EcosystemNetwork, PromptsView, ecosystem_network, prompts_view, summary_rows
from dashboard.upload.downloads import chart_image, graphml_bytes, kumu_json_bytes, metrics_csv, summary_csv
from dashboard.upload.tables import UploadResult, unforeseen
from dashboard.upload.validation import parse_upload

DOWNLOAD_KINDS = ("metrics-csv", "graphml", "json", "png", "svg")


@dataclass(frozen=True)
class Beside:
    """A map beside a CTDC site: the measures side by side (a row per measure) and the mapping
    questions answered for both."""

    measures: pd.DataFrame
    prompts: PromptsView


@dataclass(frozen=True)
class MapResult:
    """A map read from an upload or the worked example: what the reader found, and the network when it
    was read without problems. ``key`` tells uploads apart (the files' ids); ``files`` are their names."""

    key: str
    result: UploadResult
    origin: str
    files: tuple[str, ...]
    network: EcosystemNetwork | None = None
    metrics: NetworkMetrics | None = None

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

    def side_by_side_csv(self, other: EcosystemNetwork) -> bytes:
        """This map's summary and a CTDC site's, one row each, as spreadsheet-safe CSV."""
        _, mine, _ = self._drawn()
        return summary_csv(pd.concat([mine.summary, other.summary], ignore_index=True))


def read_map(files: Sequence[tuple[str, bytes]], catalog: Catalog, key: str, name: str, origin: str = "upload") -> MapResult:
    """Read, check and (when it has no problems) measure a map; never raises."""
    result = parse_upload(files, name=name, origin=origin)
    names = tuple(f for f, _ in files)
    if not result.ok or result.ecosystem is None:
        return MapResult(key, result, origin, names)
    stem = "network-example" if origin == "example" else "network-yours"
    try:
        metrics = network_metrics(result.ecosystem)
        network = ecosystem_network(result.ecosystem, metrics, catalog, stem)
    except Exception as exc:  # noqa: BLE001 (never a traceback on the page: what no check foresaw gets a message)
        return MapResult(key, unforeseen(names, exc), origin, names)
    return MapResult(key, result, origin, names, network, metrics)
