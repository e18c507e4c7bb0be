"""Ecosystem metrics: key years, names and instruments, census context, partners and dated events, with a role lens.

The page is drawn by ``dashboard.screens.metrics``."""

from dashboard.screens import metrics as page

page.render()
