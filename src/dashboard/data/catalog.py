"""The catalog: the whole dataset as pandas DataFrames, one per table of the schema's registry."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.data.schema import CATALOG_TABLES


@dataclass(frozen=True)
class Catalog:
    """The whole dataset, read-only: the program, and one DataFrame per table (census rows are in
    ``metrics``). ``fingerprint`` changes whenever a data file changes; caches key on it."""

    program: dict[str, Any]
    sources: pd.DataFrame
    national_partners: pd.DataFrame
    sites: pd.DataFrame
    organizations: pd.DataFrame
    relationships: pd.DataFrame
    products: pd.DataFrame
    outcomes: pd.DataFrame
    lessons: pd.DataFrame
    resources: pd.DataFrame
    metric_definitions: pd.DataFrame
    metrics: pd.DataFrame
    ecosystem_prompts: pd.DataFrame
    data_dir: str = ""
    fingerprint: str = ""

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name`` (one of ``schema.CATALOG_TABLES``)."""
        if name not in CATALOG_TABLES:
            raise KeyError(name)
        frame: pd.DataFrame = getattr(self, name)
        return frame

    def counts(self) -> dict[str, int]:
        """Number of records in each table."""
        return {name: len(self.table(name)) for name in CATALOG_TABLES}

    def cache_key(self) -> str:
        """What identifies this catalog's content for Streamlit's caches instead of hashing every table:
        the folder and the version of the files it was read from (``replaced`` gives a changed copy a
        version of its own)."""
        return f"{self.data_dir}|{self.fingerprint}"

    def replaced(self, **changes: Any) -> Catalog:
        """A copy with some tables (or the program) replaced, whose fingerprint names the change, so no
        cache mistakes it for this catalog."""
        digest = hashlib.sha256()
        for name, value in sorted(changes.items()):
            content = (value.to_csv() if isinstance(value, pd.DataFrame) else repr(value)).encode()
            digest.update(name.encode() + b"=" + content)
        return dataclasses.replace(self, **changes, fingerprint=f"{self.fingerprint}+{digest.hexdigest()[:16]}")

    @functools.cached_property
    def _site_pairs(self) -> tuple[tuple[str, str], ...]:
        # Read once per catalog: the shell asks for the names several times on every rerun, and walking
        # Arrow-backed columns item by item cost about 1 ms each time.
        return tuple(zip(self.sites["id"].tolist(), self.sites["name"].tolist()))

    def site_names(self) -> dict[str, str]:
        """Site id -> display name, in the catalog's order (a new dict for each caller)."""
        return dict(self._site_pairs)

    @functools.cached_property
    def _site_roles(self) -> tuple[tuple[str, str], ...]:
        # Read once per catalog: the filters ask for the sites in view several times on every rerun, and
        # selecting rows of the sites table took about 0.1 ms each time, under load several times that.
        return tuple(zip(self.sites["id"].tolist(), self.sites["role"].tolist()))

    def site_roles(self) -> dict[str, str]:
        """Site id -> role (``learning`` or ``implementation``), in the catalog's order (a new dict for each caller)."""
        return dict(self._site_roles)

    @functools.cached_property
    def _id_positions(self) -> dict[str, dict[str, int]]:
        # Read once per catalog: a table's correction links look up a record per row, and selecting rows by
        # id each time grew with the square of the table (700 sites: about 8 s for one chart's links).
        positions: dict[str, dict[str, int]] = {}
        for name in CATALOG_TABLES:
            frame = self.table(name)
            if "id" in frame.columns:
                first: dict[str, int] = {}
                for at, record_id in enumerate(frame["id"].tolist()):
                    first.setdefault(record_id, at)
                positions[name] = first
        return positions

    def record(self, table: str, record_id: str) -> dict[str, Any] | None:
        """The first record of ``table`` whose id is ``record_id``, as a mapping; None when there is none."""
        at = self._id_positions.get(table, {}).get(record_id)
        return None if at is None else self.table(table).iloc[at].to_dict()

    @functools.cached_property
    def _metric_positions(self) -> dict[tuple[str, str], list[int]]:
        # Read once per catalog, as ``_id_positions``: each value's correction link asks for its rows.
        positions: dict[tuple[str, str], list[int]] = {}
        for at, key in enumerate(zip(self.metrics["site"].tolist(), self.metrics["metric"].tolist())):
            positions.setdefault(key, []).append(at)
        return positions

    def metric_values(self, site: str, metric: str) -> list[dict[str, Any]]:
        """The rows of ``metrics`` holding a site's values of ``metric`` (one per vintage recorded), as mappings."""
        return [self.metrics.iloc[at].to_dict() for at in self._metric_positions.get((site, metric), [])]
