"""The Ecosystem metrics page's Names tab: partners, policies and posts by name (the NNIP partner,
the civic tech group, the open data policy and portal, What Works Cities, the data executive's
title) as a site × metric table, grouped by role under the lens, with each value's details."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.data.catalog import Catalog
from dashboard.state import filters as F
from dashboard.ui.caching import page_cache
from dashboard.views.corrections import metric_corrections
from dashboard.views.metrics.site_metrics import metric_frame, shown_table, text_table

TITLE = "Partners, policies and posts by name"
TEXT_METRICS = (
    "nnip_partner_org",
    "cfa_brigade_name",
    "cfa_listing_status",
    "open_data_policy",
    "open_data_portal",
    "wwc_certification",
    "first_data_exec_role",
)


@dataclass(frozen=True)
class NamesView:
    """The Names tab: how many values are known, the site × metric table, and each value's details."""

    known: int
    total: int
    table: pd.DataFrame
    detail: pd.DataFrame


@page_cache()
def names_view(catalog: Catalog, filters: F.Filters, lens: bool, repository: str | None = None) -> NamesView:
    """Partners, policies and posts by name for the sites in view (grouped by role with ``lens``); with a
    ``repository``, each value's details link to suggest a correction."""
    names = metric_frame(catalog, filters, TEXT_METRICS)
    detail = shown_table(metric_corrections(catalog, names, repository))
    return NamesView(int(names["known"].sum()), len(names), text_table(names, lens), detail)
